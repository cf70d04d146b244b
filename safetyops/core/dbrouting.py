"""Reads of reports and exports on a PostgreSQL read replica, only where the code asks for it.

With DATABASE_REPLICA_URL set, the settings add the alias `replica` and install ReplicaRouter.
Everything goes to `default` — every write, every migration, and every read — except the reads made
inside `with reading_from_replica():` (or a function decorated with `@replica_reads`), which the
report, export and briefing code wraps around its heavy, read-only aggregation. Such code must
accept data a few hundred milliseconds old (the replica's lag), so the context never covers a read
that decides a write: inside a transaction on `default` (`atomic()`, `select_for_update()`) reads
stay on `default` even within the context.

Without a replica (the embedded default, tests) the router is not installed and the context is a
no-op: one code path everywhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("safetyops_replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads inside go to the replica (when there is one, and outside a transaction on default)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of reading_from_replica(), for a task or a workbook builder."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_from_replica():
            return func(*args, **kwargs)

    return wrapper


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """DATABASE_ROUTERS entry when DATABASE_REPLICA_URL is set (see the module docstring)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if (
            _replica_reads.get()
            and REPLICA in connections.settings
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows as default: an object read there may point at one from default.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
