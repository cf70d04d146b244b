"""Versions of cached things: a value in the shared cache that every change to what they read
replaces, so that a key containing it is never read again after the change (exact invalidation
without deleting keys one by one; the old entries expire on their own)."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction


def cache_version(name: str) -> str:
    """The current version called `name` (made on first use)."""
    key = f"version:{name}"
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return str(version)


def cache_version_bump(name: str) -> None:
    """Replace the version `name`: now, and again when the transaction commits (a reader in between
    may have cached what it read before the change under the new version)."""

    def bump() -> None:
        cache.set(f"version:{name}", uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)
