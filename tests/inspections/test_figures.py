"""The inspection and hazard figures of the records port (safetyops.core.records, offered by
inspections/figures.py) equal counts made by hand from the same rows; the period's edges are the
Shanghai days; the coverage probe marks exactly the enterprises inspected in the period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db.models import Case, CharField, Value, When
from django.utils import timezone

from inspections import services
from inspections.models import Hazard, Inspection
from safetyops.core import records
from safetyops.orgs.models import Enterprise
from tests.campaigns.factories import SHANGHAI, travel
from tests.conftest import World

START, END = date(2026, 11, 1), date(2026, 11, 30)
KEYS = [
    "inspected_enterprises",
    "inspections",
    "hazards_found",
    "hazards_general",
    "hazards_major",
    "hazards_closed",
    "rectification_rate",
    "hazards_overdue",
]


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def rows(world: World, hazard_factory: Callable[..., Hazard]) -> None:
    def inspect(enterprise: Enterprise, at: datetime) -> None:
        Inspection.objects.create(enterprise=enterprise, inspected_at=at, created_by=world.official_a)

    inspect(world.ent_a, _at(START, 0, 0))  # the first minute of the period
    inspect(world.ent_a, _at(END, 23, 59))  # the last minute
    inspect(world.ent_a2, _at(START - timedelta(days=1), 23, 59))  # just before: not counted
    inspect(world.ent_a2, _at(END + timedelta(days=1), 0, 0))  # just after: not counted
    inspect(world.ent_b, _at(date(2026, 11, 5)))  # not one of the enterprises asked about

    with travel(date(2026, 10, 31), 23):
        hazard_factory(level="general", enterprise=world.ent_a)  # registered before the period
    with travel(date(2026, 11, 10)):
        hazard_factory(level="general", enterprise=world.ent_a, deadline=date(2026, 11, 15))  # overdue from 11-15
        hazard_factory(level="general", enterprise=world.ent_a, deadline=date(2026, 11, 25))  # overdue from 11-25
        hazard_factory(level="general", status="closed", enterprise=world.ent_a)  # closed in the period
        late = hazard_factory(
            level="general", status="awaiting_verification", enterprise=world.ent_a, deadline=date(2026, 11, 18)
        )
        hazard_factory(level="major", enterprise=world.ent_a2, deadline=date(2026, 12, 20))
        hazard_factory(level="general", enterprise=world.ent_b, deadline=date(2026, 11, 12))  # town B
    with travel(date(2026, 12, 5)):
        # closed after the period: not 已整改 by its end, and it was overdue at the end
        services.hazard_verify(actor=world.official_a, hazard_id=late.pk, opinion="整改到位，同意销号")
        hazard_factory(level="general", enterprise=world.ent_a)  # registered after the period


def _by_hand(enterprises: set[int], today: date) -> dict[str, Any]:
    """The figures counted in Python from every row, by the rules of inspections/figures.py."""
    lo, hi = _at(START, 0, 0), _at(END + timedelta(days=1), 0, 0)
    seen = [i for i in Inspection.objects.all() if i.enterprise_id in enterprises and lo <= i.inspected_at < hi]
    found = [h for h in Hazard.objects.all() if h.enterprise_id in enterprises and lo <= h.registered_at < hi]
    closed = [h for h in found if h.closed_at is not None and h.closed_at < hi]
    overdue_at = min(END, today)

    def open_on(h: Hazard, day: date) -> bool:
        return h.closed_at is None or timezone.localtime(h.closed_at).date() >= day

    return {
        "inspected_enterprises": len({i.enterprise_id for i in seen}),
        "inspections": len(seen),
        "hazards_found": len(found),
        "hazards_general": sum(h.level == Hazard.Level.GENERAL for h in found),
        "hazards_major": sum(h.level == Hazard.Level.MAJOR for h in found),
        "hazards_closed": len(closed),
        "rectification_rate": (Decimal(len(closed) * 100) / len(found)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if found
        else Decimal("0"),
        "hazards_overdue": sum(h.deadline < overdue_at and open_on(h, overdue_at) for h in found),
    }


def _town_a(world: World) -> Any:
    return Enterprise.objects.filter(node__path__startswith=world.town_a.path).values("pk")


@pytest.mark.usefixtures("rows")
def test_figures_after_the_period_equal_counts_by_hand(world: World) -> None:
    ids = {world.ent_a.pk, world.ent_a2.pk}
    with travel(date(2026, 12, 10)):
        computed = records.compute(KEYS, enterprises=_town_a(world), start=START, end=END)
        by_hand = _by_hand(ids, timezone.localdate())
    assert by_hand == {
        "inspected_enterprises": 1,  # ent_a; ent_a2 only just outside the period
        "inspections": 2,
        "hazards_found": 5,  # 4 general of ent_a, 1 major of ent_a2
        "hazards_general": 4,
        "hazards_major": 1,
        "hazards_closed": 1,  # the one verified on 12-05 was still open at the end
        "rectification_rate": Decimal("20.0"),
        "hazards_overdue": 3,  # deadlines 11-15, 11-18 (closed 12-05), 11-25
    }
    assert computed == by_hand


@pytest.mark.usefixtures("rows")
def test_overdue_is_counted_at_today_while_the_period_runs(world: World) -> None:
    ids = {world.ent_a.pk, world.ent_a2.pk}
    with travel(date(2026, 11, 20)):
        computed = records.compute(
            ["hazards_overdue", "hazards_found"], enterprises=_town_a(world), start=START, end=END
        )
        by_hand = _by_hand(ids, timezone.localdate())
    # 11-15 and 11-18 are past; 11-25 is not yet. Only the keys asked for are returned.
    assert computed == {"hazards_overdue": 2, "hazards_found": 5}
    assert computed == {k: by_hand[k] for k in computed}


@pytest.mark.usefixtures("rows")
def test_one_enterprise_and_an_empty_set(world: World) -> None:
    with travel(date(2026, 12, 10)):
        one = records.compute(
            KEYS, enterprises=Enterprise.objects.filter(pk=world.ent_a2.pk).values("pk"), start=START, end=END
        )
        none = records.compute(KEYS, enterprises=Enterprise.objects.none().values("pk"), start=START, end=END)
        by_hand = _by_hand({world.ent_a2.pk}, timezone.localdate())
    assert one == by_hand
    assert one["inspections"] == 0 and one["hazards_major"] == 1 and one["rectification_rate"] == Decimal("0.0")
    assert none == dict.fromkeys(KEYS, 0)


@pytest.mark.usefixtures("rows")
def test_grouped_figures_equal_each_groups_own_in_one_query_per_provider(
    world: World, django_assert_num_queries: Any
) -> None:
    """A group per enterprise (by its node's path): each group's figures are compute()'s for it alone."""
    paths = {e.pk: e.node.path for e in (world.ent_a, world.ent_a2)}

    def by_node(prefix: str) -> Any:
        return Case(
            *(When(**{f"{prefix}node__path": path}, then=Value(path)) for path in paths.values()),
            output_field=CharField(),
        )

    with travel(date(2026, 12, 10)):
        with django_assert_num_queries(2):  # inspections, hazards
            grouped = records.compute_grouped(KEYS, enterprises=_town_a(world), start=START, end=END, group=by_node)
        for pk, path in paths.items():
            alone = records.compute(
                KEYS, enterprises=Enterprise.objects.filter(pk=pk).values("pk"), start=START, end=END
            )
            assert {k: v for k, v in alone.items() if k in grouped[path]} == grouped[path]
    assert grouped[paths[world.ent_a2.pk]]["hazards_major"] == 1
    assert "inspections" not in grouped[paths[world.ent_a2.pk]]  # no inspection of it in the period


def test_figures_without_a_provider_are_left_out(world: World) -> None:
    computed = records.compute(["fines", "hazards_found", "free_1"], enterprises=_town_a(world), start=START, end=END)
    assert computed == {"hazards_found": 0}


@pytest.mark.usefixtures("rows")
def test_the_coverage_probe_marks_the_enterprises_inspected_in_the_period(world: World) -> None:
    marked = dict(Enterprise.objects.annotate(x=records.inspected("pk", START, END)).values_list("pk", "x"))
    assert marked == {world.ent_a.pk: True, world.ent_a2.pk: False, world.ent_b.pk: True}
    # a period holding only ent_a2's inspection just after the end
    after = dict(
        Enterprise.objects.annotate(
            x=records.inspected("pk", END + timedelta(days=1), END + timedelta(days=1))
        ).values_list("pk", "x")
    )
    assert after == {world.ent_a.pk: False, world.ent_a2.pk: True, world.ent_b.pk: False}
