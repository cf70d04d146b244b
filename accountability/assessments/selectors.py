"""Reads of the yearly assessment for pages and files: the year's ranking (from a queryset the
caller scoped with accountability.scope.assessments_visible_to) and a sheet's rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from accountability.models import Assessment, AssessmentItem, Grade


@dataclass
class Ranked:
    rank: int
    assessment: Assessment


@dataclass
class Ranking:
    year: int
    rows: list[Ranked] = field(default_factory=list)
    grades: dict[str, int] = field(default_factory=dict)
    vetoed: int = 0
    drafts: int = 0

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def grade_counts(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.grades.get(value, 0)) for value, label in Grade.choices]


def ranking(assessments: QuerySet[Assessment], year: int) -> Ranking:
    """The year's sheets, highest score first (equal scores share a rank; then by unit)."""
    found = list(
        assessments.filter(year=year).order_by("-score", "area__path", "node__code", "department__sort_order", "pk")
    )
    result = Ranking(year=year)
    previous: Decimal | None = None
    rank = 0
    for position, assessment in enumerate(found, start=1):
        if assessment.score != previous:
            rank, previous = position, assessment.score
        result.rows.append(Ranked(rank, assessment))
    result.grades = dict(Counter(a.grade for a in found if a.grade))
    result.vetoed = sum(1 for a in found if a.vetoed)
    result.drafts = sum(1 for a in found if a.status == Assessment.Status.DRAFT)
    return result


def sheet_rows(assessment: Assessment) -> list[AssessmentItem]:
    return list(assessment.rows.order_by("position").select_related("scored_by").prefetch_related("attachments"))


def rows_of(rows: list[AssessmentItem]) -> dict[str, Any]:
    """The sheet split for display: scored items and deductions, with their sums."""
    items = [row for row in rows if row.weight >= 0]
    deductions = [row for row in rows if row.weight < 0]
    return {
        "items": items,
        "deductions": deductions,
        "weight": sum((row.weight for row in items), Decimal("0")),
        "items_score": sum((row.score for row in items if row.score is not None), Decimal("0")),
        "deducted": sum((row.score for row in deductions if row.score is not None), Decimal("0")),
        "unscored": sum(1 for row in items if row.source == AssessmentItem.Source.MANUAL and row.score is None),
    }
