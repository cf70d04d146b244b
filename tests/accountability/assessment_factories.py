"""Assessments for tests: a round opened through the services, and accidents that veto."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from accountability.assessments import services
from accountability.models import Assessment
from tests.accountability.accident_factories import accident_row
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
LAST_YEAR = 2025


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def larger(node: Any, when: datetime.datetime, responsible: list[Any] | None = None, **fields: Any) -> Any:
    """A 较大 accident (3 deaths)."""
    return accident_row(node, when, deaths=3, responsible=responsible, **fields)


def major(node: Any, when: datetime.datetime, responsible: list[Any] | None = None, **fields: Any) -> Any:
    """A 重大 accident (10 deaths)."""
    return accident_row(node, when, deaths=10, responsible=responsible, **fields)


def open_round(world: World, year: int = LAST_YEAR) -> dict[str, Assessment]:
    """The county's round for `year`; the sheets by unit name."""
    services.assessment_round_open(actor=world.county_admin, year=year)
    return {a.unit_name: a for a in Assessment.objects.filter(year=year)}


def sheet(world: World, node: Any = None, year: int = LAST_YEAR) -> Assessment:
    found = Assessment.objects.filter(year=year, node=node or world.town_a).first()
    if found is None:
        services.assessment_round_open(actor=world.county_admin, year=year)
        found = Assessment.objects.get(year=year, node=node or world.town_a)
    return found


def score_all_manual(world: World, assessment: Assessment, score: str | None = None) -> None:
    for row in assessment.rows.filter(source="manual", score__isnull=True):
        services.assessment_item_score(
            actor=world.county_admin, item=row, score=score or str(row.weight), note="按台账核实"
        )


def final_sheet(world: World, node: Any = None, year: int = LAST_YEAR) -> Assessment:
    assessment = sheet(world, node, year)
    if assessment.status != Assessment.Status.FINAL:
        score_all_manual(world, assessment)
        assessment = services.assessment_finalise(actor=world.county_admin, assessment=assessment)
    return assessment
