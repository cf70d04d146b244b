"""The hazard pages ask a fixed number of queries whatever the number of hazards, enterprises and areas."""

from __future__ import annotations

from typing import Any

import pytest

from tests.query_counts import Page, assert_constant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _hazard() -> str:
    from inspections.models import Hazard
    from safetyops.orgs.models import Membership

    county = Membership.objects.select_related("node").get(user__username="bench_admin_0").node
    # A hazard in the same step at both sizes (what a page shows depends on the step, not on the data size).
    hazard = Hazard.objects.filter(node__path__startswith=county.path, status="rectifying").order_by("pk").first()
    return f"/hazards/{hazard.pk}/" if hazard else ""


def _town_filter() -> str:
    from safetyops.orgs.models import Membership, Node

    county = Membership.objects.select_related("node").get(user__username="bench_admin_0").node
    town = Node.objects.filter(parent=county).order_by("path").first()
    return f"/hazards/?node={town.pk}&status=rectifying"


def _next_link() -> str:
    from inspections.ledger import cursor_for, hazard_ledger_queryset
    from safetyops.orgs.models import User

    rows = hazard_ledger_queryset(user=User.objects.get(username="bench_admin_0"), filters={})
    edge = rows[min(rows.count(), 50) - 1]  # the last row of page 1: 下一页's cursor
    return f"/hazards/?page=2&after={cursor_for(edge)}"


PAGES: list[Page] = [
    ("ledger first page (county)", "bench_admin_0", "/hazards/"),
    ("ledger ?page=200 (county)", "bench_admin_0", "/hazards/?page=200"),
    ("ledger by 下一页 (county)", "bench_admin_0", _next_link),
    ("ledger township+status (county)", "bench_admin_0", _town_filter),
    ("ledger first page (city)", "bench_city_admin", "/hazards/"),
    ("ledger township+status (city)", "bench_city_admin", _town_filter),
    ("ledger (enterprise)", "bench_enterprise_0", "/hazards/"),
    ("hazard page", "bench_admin_0", _hazard),
]


def test_hazard_pages_do_not_query_per_row(monkeypatch: Any) -> None:
    counts = assert_constant(PAGES, monkeypatch, bound=16)
    assert set(counts) == {name for name, _, _ in PAGES}
