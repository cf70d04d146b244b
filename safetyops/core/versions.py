"""Versions of cached things: a value in the shared cache that every change to what they read
replaces, so that a key containing it is never read again after the change (exact invalidation
without deleting keys one by one; the old entries expire on their own)."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction


def cache_version(*names: str) -> str:
    """The current versions called `names` (each made on first use), joined: one cache read."""
    keys = [f"version:{name}" for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if found.get(key) is None:
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key)
    return "-".join(str(found[key]) for key in keys)


def cache_version_bump(name: str) -> None:
    """Replace the version `name`: now, and again when the transaction commits (a reader in between
    may have cached what it read before the change under the new version)."""

    def bump() -> None:
        cache.set(f"version:{name}", uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)
