"""Hazard figures for dashboards over the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from inspections.scope import hazards_visible_to
from inspections.tally import live_counts, tally_counts
from safetyops.orgs.scope import scope_for


@dataclass(frozen=True)
class HazardStats:
    open: int
    overdue: int
    major_open: int
    listed: int
    found_this_year: int
    closed_this_year: int
    plan_pending: int
    awaiting_verification: int
    extensions_pending: int

    @property
    def rectification_rate(self) -> float | None:
        """整改率: closed / found, for hazards registered this year."""
        if not self.found_this_year:
            return None
        return round(100 * self.closed_this_year / self.found_this_year, 1)


def hazard_stats(*, user: Any) -> HazardStats:
    """The dashboard's hazard figures over the user's scope: from the per-node tally where it can
    answer (inspections/tally.py), else counted live."""
    today = timezone.localdate()
    counts = tally_counts(scope_for(user), today=today)
    if counts is None:
        counts = live_counts(hazards_visible_to(user), today)
    return HazardStats(**{field: counts[field] for field in HazardStats.__dataclass_fields__})
