"""Pagination for long, joined lists."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class DeferredJoinPaginator(Paginator):
    """Pages that fetch the page's keys first, then its rows by key.

    With OFFSET, the database walks every row before the page. Asking for the keys alone lets it
    walk an index (hazard_enterprise_registered: enterprise, registered_at, id) without touching
    the table; only the page's 50 rows are then read whole, with their related objects.
    Page 200 of a county's ledger went from 700 ms to 90 ms (EXPLAIN ANALYZE)."""

    def _get_page(self, object_list: Any, number: int, paginator: Paginator) -> Page:
        if not isinstance(object_list, QuerySet):
            return super()._get_page(object_list, number, paginator)
        keys = list(object_list.values_list("pk", flat=True))
        rows = {row.pk: row for row in _by_keys(self.object_list, keys)}
        return super()._get_page([rows[key] for key in keys if key in rows], number, paginator)


def _by_keys(queryset: QuerySet[Any], keys: list[Any]) -> QuerySet[Any]:
    """The rows of `keys` without the list's filters (the keys were chosen in scope) and with its
    related rows fetched by key. Joined, PostgreSQL hashed the whole enterprise table for 50 rows
    (12-25 ms of a county's ledger page under load; three lookups by key take about 1 ms)."""
    query = queryset.query
    if query.annotations or query.extra or query.distinct or not isinstance(query.select_related, dict):
        return queryset.order_by().filter(pk__in=keys)  # the columns may depend on the filters
    rows = queryset.model._default_manager.using(queryset.db).filter(pk__in=keys).order_by()
    rows.query.deferred_loading = query.deferred_loading
    return rows.prefetch_related(*_paths(query.select_related))


def _paths(tree: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for name, below in tree.items():
        out.append(prefix + name)
        out.extend(_paths(below, f"{prefix}{name}__"))
    return out


class KeyedSubqueryPaginator(Paginator):
    """Pages read in one query whose page's keys come from a subquery.

    `WHERE pk IN (the list's keys, ordered, OFFSET, LIMIT)`: the keys are chosen without the
    joins select_related adds, and only the page's rows are joined. Joined before the LIMIT, a
    city's 844 accidents hashed the whole enterprise table for 30 rows (26.7 ms; 1.5 ms this way,
    EXPLAIN ANALYZE). Unlike DeferredJoinPaginator, no query more than Django's Paginator."""

    def _get_page(self, object_list: Any, number: int, paginator: Paginator) -> Page:
        if not isinstance(object_list, QuerySet) or not isinstance(self.object_list, QuerySet):
            return super()._get_page(object_list, number, paginator)
        return super()._get_page(self.object_list.filter(pk__in=object_list.values("pk")), number, paginator)


class KeptKeysPaginator(Paginator):
    """Pages of a long sorted list whose sort is paid once per `key`: each page's keys are kept in
    the cache under `key` (which must change whenever the list may: the key of the figures they go
    with), the count is given by the caller (counted with those figures), and the page's rows are
    read by key from `rows` (default: the list) on every view. With `key` None, a plain Paginator
    (the given count still saves the COUNT)."""

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        count: int | None,
        key: str | None,
        timeout: int,
        rows: QuerySet[Any] | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.given_count, self.key, self.timeout = count, key, timeout
        self.rows = object_list if rows is None else rows

    @cached_property
    def count(self) -> int:
        return super().count if self.given_count is None else self.given_count

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if self.key is None:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        page_key = f"{self.key}:page:{number}:{self.per_page}"
        keys: list[Any] | None = cache.get(page_key)
        if keys is None:
            keys = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
            cache.set(page_key, keys, self.timeout)
        found = self.rows.order_by().in_bulk(keys)
        return self._get_page([found[k] for k in keys if k in found], number, self)
