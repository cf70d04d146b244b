"""The user of each request, in one query with what every page needs of them.

Django's ModelBackend loads the session's user by primary key on every request; the scope then asks
for the membership (with its node and enterprise) and the navbar for the unread count: three round
trips before a view starts. `RequestUserBackend.get_user` loads the user with the membership, its
node and enterprise joined, and with the per-request figures other apps registered (the inbox's
unread count, from `safetyops.notify`) as annotations of the same SELECT. Nothing is cached across
requests, so a membership changed or a message read shows on the very next request.

That query is compiled once per process (`_CompiledUserQuery`): building the SQL of a two-level
select_related with a counting subquery costs about 0.8 ms of CPU, four times its execution. Each
request executes the same SQL with its own user id, and the rows become objects the way Django's
ModelIterable makes them (tests/orgs/test_request_user.py compares the two).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

from safetyops.orgs.models import User

__all__ = ["RequestUserBackend", "load_request_user", "register_request_user_annotation", "request_user_queryset"]

_ANNOTATIONS: dict[str, Callable[[], Any]] = {}


def register_request_user_annotation(name: str, build: Callable[[], Any]) -> None:
    """An app adds a figure to the request's user: `build()` returns the expression (over the user's
    row, e.g. a counting Subquery on OuterRef("pk")), read as `request.user.<name>`. Apps register
    in AppConfig.ready, before the first request compiles the query."""
    _ANNOTATIONS[name] = build
    _COMPILED.clear()


def request_user_queryset() -> QuerySet[User]:
    """The request's user with the membership, its node and enterprise, and the registered figures."""
    queryset = User._default_manager.select_related("membership__node", "membership__enterprise")
    annotations = {name: build() for name, build in _ANNOTATIONS.items()}
    return queryset.annotate(**annotations) if annotations else queryset


_SENTINEL = -7_340_012_977  # the user id the SQL is compiled with; never a real primary key


class _CompiledUserQuery:
    """request_user_queryset().filter(pk=…) compiled once for one database."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.compiler = request_user_queryset().filter(pk=_SENTINEL).query.get_compiler(using)
        sql, params = self.compiler.as_sql()
        self.sql, self.params = sql, list(params)
        slots = [i for i, value in enumerate(self.params) if value == _SENTINEL]
        if len(slots) != 1:
            raise RuntimeError(f"the request user's SQL has {len(slots)} user id parameters, not one")
        self.slot = slots[0]
        select, klass_info = self.compiler.select, self.compiler.klass_info
        assert klass_info is not None
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, using)
        self.annotations = dict(self.compiler.annotation_col_map or {})

    def get(self, user_id: int) -> User | None:
        params = list(self.params)
        params[self.slot] = user_id
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        for row in self.compiler.results_iter([rows]):
            user = User.from_db(self.using, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, user)
            for name, position in self.annotations.items():
                setattr(user, name, row[position])
            return user
        return None


_COMPILED: dict[str, _CompiledUserQuery] = {}
_LOCK = threading.Lock()


def load_request_user(user_id: Any, using: str = DEFAULT_DB_ALIAS) -> User | None:
    """The user `user_id` (as the session holds it) with the membership and figures, or None."""
    try:
        pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
    except ValidationError:
        return None
    compiled = _COMPILED.get(using)
    if compiled is None:
        with _LOCK:
            compiled = _COMPILED.get(using) or _CompiledUserQuery(using)
            _COMPILED[using] = compiled
    return compiled.get(pk)


class RequestUserBackend(ModelBackend):
    """ModelBackend (passwords, permissions) whose per-request `get_user` is the one query above."""

    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        user = load_request_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
