"""Hazard figures for dashboards, in one aggregate query over the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Value
from django.utils import timezone

from inspections.models import Hazard, HazardExtension
from inspections.scope import hazards_visible_to

S = Hazard.Status

# COUNT(1) FILTER (...) needs no column, so PostgreSQL can answer from an index alone.
ONE = Value(1)


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
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    qs = hazards_visible_to(user)
    is_open = ~Q(status=S.CLOSED)
    this_year = Q(registered_at__date__gte=year_start)
    # COUNT(*) so that PostgreSQL answers from the covering index hazard_scope_counts alone.
    row = qs.order_by().aggregate(
        open=Count(ONE, filter=is_open),
        overdue=Count(ONE, filter=is_open & Q(deadline__lt=today)),
        major_open=Count(ONE, filter=is_open & Q(level=Hazard.Level.MAJOR)),
        listed=Count(ONE, filter=is_open & Q(listed_supervision=True)),
        found_this_year=Count(ONE, filter=this_year),
        closed_this_year=Count(ONE, filter=this_year & Q(status=S.CLOSED)),
        plan_pending=Count(ONE, filter=Q(status=S.PLAN_PENDING)),
        awaiting_verification=Count(ONE, filter=Q(status=S.AWAITING_VERIFICATION)),
    )
    extensions = HazardExtension.objects.filter(
        hazard__in=qs.values("pk"), decision=HazardExtension.Decision.PENDING
    ).count()
    return HazardStats(**row, extensions_pending=extensions)
