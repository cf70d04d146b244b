"""Query counts of the key pages on a generated city at two sizes (the benchmark's own generator).

`pages_at(sizes, pages)` fills the test database with `generate_city` (patched to `sizes`),
`generate_accountability` and `generate_accidents`, counts the queries of every page for its user
(the second request: caches warm, as in the benchmark) and rolls the data back. The tests compare
a small city (fewer rows than a page holds) with a larger one (full pages, more counties,
townships, enterprises, letters, accidents ...): equal counts mean no query per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inspections.management.commands import generate_city

# Rows per kind: SMALL leaves every list shorter than one page (50), LARGE fills them and adds areas.
SMALL = {"counties": 2, "townships": 4, "villages": 8, "enterprises": 60, "inspections": 60, "hazards": 80}
LARGE = {"counties": 3, "townships": 9, "villages": 27, "enterprises": 240, "inspections": 600, "hazards": 1500}

# (page name, user, path or a function of the generated data giving the path)
Page = tuple[str, str, "str | Callable[[], str | None]"]


def _generate(sizes: dict[str, int], monkeypatch: Any) -> None:
    from safetyops.orgs.models import Sector
    from safetyops.orgs.sectors import load_sectors

    if not Sector.objects.exists():  # flushed by an earlier transactional test
        load_sectors(Sector)
    monkeypatch.setitem(generate_city.PRESETS, "query_counts", sizes)
    call_command("generate_city", "--preset", "query_counts", "--seed", "11", stdout=_Null())
    call_command("generate_accountability", "--seed", "11", stdout=_Null())
    call_command("generate_accidents", "--seed", "11", stdout=_Null())


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def count(client: Client, path: str) -> tuple[int, list[str]]:
    """Queries of the second GET of `path` (the first warms the per-process caches)."""
    first = client.get(path)
    assert first.status_code == 200, (path, first.status_code)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured.captured_queries), [re.sub(r"\s+", " ", q["sql"])[:300] for q in captured.captured_queries]


def pages_at(sizes: dict[str, int], pages: list[Page], monkeypatch: Any) -> dict[str, tuple[int, list[str]]]:
    """{page name: (queries, their SQL)} on a city generated at `sizes`; the data is rolled back."""
    from safetyops.orgs.models import User

    out: dict[str, tuple[int, list[str]]] = {}
    savepoint = transaction.savepoint()
    try:
        cache.clear()
        _generate(sizes, monkeypatch)
        for name, username, path in pages:
            resolved = path() if callable(path) else path
            assert resolved, f"{name}: the generated city has nothing to show"
            client = Client()
            client.force_login(User.objects.get(username=username))
            out[name] = count(client, resolved)
    finally:
        transaction.savepoint_rollback(savepoint)
        cache.clear()
    return out


def assert_constant(pages: list[Page], monkeypatch: Any, *, bound: int) -> dict[str, int]:
    """Every page asks the same number of queries in the small and the large city, and at most `bound`."""
    small, large = pages_at(SMALL, pages, monkeypatch), pages_at(LARGE, pages, monkeypatch)
    grown = {
        name: (small[name][0], large[name][0], [*small[name][1], "-- large:", *large[name][1]])
        for name in small
        if small[name][0] != large[name][0]
    }
    assert not grown, "queries grow with the data: " + "\n".join(
        f"{name}: {few} -> {many}\n  " + "\n  ".join(sql) for name, (few, many, sql) in grown.items()
    )
    over = {name: n for name, (n, _) in large.items() if n > bound}
    assert not over, f"more than {bound} queries: {over}"
    return {name: n for name, (n, _) in large.items()}
