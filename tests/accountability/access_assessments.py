"""Access-matrix cases of the yearly assessment (joined into tests/accountability/access.py).

From accountability/scope.py: a draft sheet is the assessor side's (the county's admin and leader);
a final one is also the assessed unit's (town A's official and leader). Town A's supervisor
oversees 建筑施工 enterprises, not the township's sheet; enterprises see no sheet. The round page,
its workbook and its PDF are the offices' (each lists only the sheets its viewer sees); opening a
round, scoring, reviewing a veto and fixing a grade are the county admin's (ASSESS, VETO_REVIEW)."""

from __future__ import annotations

from typing import Any

from tests.access import OFFICE_ROLES, Case
from tests.conftest import World

COUNTY_SIDE = {"county_admin", "leader_county"}
SEES: dict[str, set[str]] = {
    "assessment_draft_town_a": COUNTY_SIDE,
    "assessment_final_town_a": COUNTY_SIDE | {"official_a", "leader_a"},
}
ASSESSOR = {"county_admin"}
DRAFT_YEAR, FINAL_YEAR = 2025, 2024


def _draft(world: World) -> Any:
    from tests.accountability.assessment_factories import sheet

    return sheet(world, year=DRAFT_YEAR)


def _final(world: World) -> dict[str, Any]:
    from tests.accountability.assessment_factories import final_sheet

    return {"pk": final_sheet(world, year=FINAL_YEAR).pk}


def _manual_row(world: World) -> dict[str, Any]:
    """A hand-scored row of town A's draft (its own 目标, added as the letter would give it)."""
    from accountability.models import AssessmentItem

    assessment = _draft(world)
    row = assessment.rows.filter(source=AssessmentItem.Source.MANUAL).first()
    if row is None:
        row = AssessmentItem.objects.create(
            assessment=assessment,
            position=assessment.rows.count() + 1,
            key="custom",
            label="安全生产月活动",
            weight=0,
            source=AssessmentItem.Source.MANUAL,
            target="完成",
        )
    return {"pk": row.pk}


def _pk(world: World) -> dict[str, Any]:
    return {"pk": _draft(world).pk}


CASES: dict[str, list[Case]] = {
    "accountability:assessment_round": [Case(allowed=OFFICE_ROLES)],
    "accountability:assessment_open": [Case(allowed=ASSESSOR)],
    "accountability:assessment_export": [Case(allowed=OFFICE_ROLES)],
    "accountability:assessment_report_pdf": [Case(allowed=OFFICE_ROLES)],
    "accountability:assessment_detail": [
        Case(kwargs=_pk, obj="assessment_draft_town_a", allowed=SEES["assessment_draft_town_a"]),
        Case(kwargs=_final, obj="assessment_final_town_a", allowed=SEES["assessment_final_town_a"]),
    ],
    "accountability:assessment_rescore": [Case(kwargs=_pk, obj="assessment_draft_town_a", allowed=ASSESSOR)],
    "accountability:assessment_veto_review": [Case(kwargs=_pk, obj="assessment_draft_town_a", allowed=ASSESSOR)],
    "accountability:assessment_finalise": [Case(kwargs=_pk, obj="assessment_draft_town_a", allowed=ASSESSOR)],
    "accountability:assessment_item_score": [Case(kwargs=_manual_row, obj="assessment_draft_town_a", allowed=ASSESSOR)],
}
