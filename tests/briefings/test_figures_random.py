"""The hazard figures over many generated hazards (three and a half years of them, closed at any
time or never, in every unit of the county and in a county outside it) equal the same figures
counted row by row in Python from their definitions, for a month, a quarter, a December, a
January and a period longer than the 12-month trend. The aggregate skips the hazards no count can
take and selects the area by node ids; this checks that neither drops one that counts."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from inspections.briefing import _HAZARD_KEYS, hazard_figures
from inspections.models import Hazard
from safetyops.core.periods import previous_period, trend_months
from safetyops.orgs.models import Node
from tests.briefings.conftest import SHANGHAI
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory, NodeFactory

FIRST_DAY = datetime(2023, 1, 1, tzinfo=SHANGHAI)
DAYS = 3 * 365 + 180
PERIODS = [
    (date(2026, 3, 1), date(2026, 3, 31)),
    (date(2026, 1, 1), date(2026, 3, 31)),
    (date(2025, 12, 1), date(2025, 12, 31)),
    (date(2026, 1, 1), date(2026, 1, 31)),
    (date(2024, 11, 15), date(2026, 2, 10)),  # longer than the trend: starts before its first month
]


def make_hazards(world: World, count: int, seed: int) -> list[Hazard]:
    rng = random.Random(seed)
    on_county = EnterpriseFactory(name="安平县本级企业", node=world.county)
    elsewhere = NodeFactory(code="330002", name="外县", level=Node.Level.COUNTY, kind=Node.Kind.COUNTY)
    outside = EnterpriseFactory(name="外县企业", node=elsewhere)
    enterprises = [world.ent_a, world.ent_a2, world.ent_b, on_county, outside]
    hazards = []
    for n in range(count):
        enterprise = rng.choice(enterprises)
        registered = FIRST_DAY + timedelta(seconds=rng.randrange(DAYS * 86400))
        closed = None if rng.random() < 0.3 else registered + timedelta(seconds=rng.randrange(400 * 86400))
        major = rng.random() < 0.25
        listed = major and rng.random() < 0.6
        hazards.append(
            Hazard(
                number=f"YH-R-{n:05d}",
                enterprise=enterprise,
                node=enterprise.node,
                level="major" if major else "general",
                category="thing",
                source=rng.choice(["inspection", "self"]),
                description="随机生成的隐患",
                status="closed" if closed else rng.choice(["registered", "rectifying", "awaiting_verification"]),
                deadline=timezone.localdate(registered) + timedelta(days=rng.choice([7, 15, 30, 60])),
                fixed_on_spot=not major and closed is not None and rng.random() < 0.2,
                registered_by=world.official_a,
                registered_at=registered,
                closed_at=closed,
                listed_supervision=listed,
                listed_at=registered + timedelta(days=rng.randrange(30)) if listed and rng.random() < 0.8 else None,
            )
        )
    return Hazard.objects.tally_bulk_create(hazards)


def counted(hazards: list[Hazard], start: date, end: date) -> dict[str, Any]:
    """Every hazard count of the pass, from its definition, one hazard at a time."""

    def registered_on(h: Hazard) -> date:
        return timezone.localdate(h.registered_at)

    def closed_on(h: Hazard) -> date:
        return timezone.localdate(h.closed_at) if h.closed_at else date.max

    def listed_on(h: Hazard) -> date:
        return timezone.localdate(h.listed_at) if h.listed_at else date.min

    registered = [h for h in hazards if registered_on(h) <= end]
    found = [h for h in registered if start <= registered_on(h)]
    open_end = [h for h in registered if closed_on(h) > end]
    listed_then = [h for h in registered if h.listed_supervision and listed_on(h) <= end]
    listed = [h for h in listed_then if closed_on(h) > end or start <= closed_on(h)]
    ytd = [h for h in registered if registered_on(h) >= date(end.year, 1, 1)]
    prev_start, prev_end = previous_period(start, end)
    out: dict[str, Any] = {
        "found": len(found),
        "found_major": sum(h.level == "major" for h in found),
        "found_self": sum(h.source == "self" for h in found),
        "found_on_spot": sum(h.fixed_on_spot and closed_on(h) <= end for h in found),
        "found_closed": sum(closed_on(h) <= end for h in found),
        "closed": sum(start <= closed_on(h) <= end for h in hazards),
        "open_end": len(open_end),
        "open_major_end": sum(h.level == "major" for h in open_end),
        "overdue": sum(h.deadline < end for h in open_end),
        "overdue_major": sum(h.deadline < end and h.level == "major" for h in open_end),
        "listed_open": sum(closed_on(h) > end for h in listed_then),
        "ytd_found": len(ytd),
        "ytd_closed": sum(closed_on(h) <= end for h in ytd),
        "previous_found": sum(prev_start <= registered_on(h) <= prev_end for h in hazards),
    }
    out["trend"] = [
        (
            f"{year}-{month:02d}",
            sum((registered_on(h).year, registered_on(h).month) == (year, month) for h in registered),
            sum(closed_on(h) <= end and (closed_on(h).year, closed_on(h).month) == (year, month) for h in hazards),
        )
        for year, month in trend_months(end)
    ]
    out["listed"] = (
        len(listed),
        sum(closed_on(h) <= end for h in listed),
        sum(closed_on(h) > end and h.deadline < end for h in listed),
    )
    return out


def figures_counted(figures: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    out = {key: row[key] for key in _HAZARD_KEYS}
    out["trend"] = [(m["month"], m["found"], m["closed"]) for m in figures["trend"]]
    listed = figures["listed"]
    out["listed"] = (listed["total"], listed["closed"], listed["overdue"])
    return out


@pytest.mark.parametrize("start,end", PERIODS)
def test_generated_hazards_give_the_counts_of_their_definitions(world: World, start: date, end: date) -> None:
    hazards = make_hazards(world, 600, seed=15)
    figures = hazard_figures(world.county, start, end)
    in_county = [h for h in hazards if h.node.is_within(world.county)]
    want = counted(in_county, start, end)
    assert figures_counted(figures, figures["totals"]) == want
    assert want["found"] and want["open_end"] and want["closed"] and want["listed"][0]  # the data reaches every count

    units = {u["name"]: u for u in figures["units"]}
    for unit, name in ((world.town_a, "东城镇"), (world.town_b, "西山镇")):
        mine = counted([h for h in in_county if h.node.is_within(unit)], start, end)
        assert {key: units[name][key] for key in _HAZARD_KEYS} == {key: mine[key] for key in _HAZARD_KEYS}, name
    own = counted([h for h in in_county if h.node_id == world.county.pk], start, end)
    assert {key: units["安平县本级"][key] for key in _HAZARD_KEYS} == {key: own[key] for key in _HAZARD_KEYS}

    town = hazard_figures(world.town_a, start, end)  # a township's area: its own node and its village
    assert figures_counted(town, town["totals"]) == counted(
        [h for h in in_county if h.node.is_within(world.town_a)], start, end
    )
