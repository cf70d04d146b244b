"""Every role's home page asks a fixed number of queries whatever the number of counties, townships,
enterprises, hazards, campaigns, letters and accidents."""

from __future__ import annotations

from typing import Any

import pytest

from tests.query_counts import Page, assert_constant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PAGES: list[Page] = [
    ("dashboard county admin", "bench_admin_0", "/"),
    ("dashboard township official", "bench_official_0", "/"),
    ("dashboard leader", "bench_leader_0", "/"),
    ("dashboard enterprise", "bench_enterprise_0", "/"),
    ("dashboard city admin", "bench_city_admin", "/"),
]


def test_dashboards_do_not_query_per_row(monkeypatch: Any) -> None:
    assert_constant(PAGES, monkeypatch, bound=40)
