"""The enterprise list asks a fixed number of queries whatever the number of enterprises and areas."""

from __future__ import annotations

from typing import Any

import pytest

from tests.query_counts import Page, assert_constant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PAGES: list[Page] = [
    ("enterprise list (county)", "bench_admin_0", "/enterprises/"),
    ("enterprise list (city)", "bench_city_admin", "/enterprises/"),
    ("enterprise list filtered (township)", "bench_official_0", "/enterprises/?risk_level=low"),
]


def test_enterprise_list_does_not_query_per_row(monkeypatch: Any) -> None:
    assert_constant(PAGES, monkeypatch, bound=14)
