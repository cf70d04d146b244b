"""What inspections' records offer to report forms and campaign progress (safetyops/core/records.py):
the coverage probe (was an enterprise inspected in a period?) and the inspection and hazard figures
a report task may ask for. Registered in InspectionsConfig.ready().

Period semantics, the same for every figure: inspections dated within [start, end]; hazards
registered within it, and of those the ones closed by the end of `end` (已整改) and the ones past
their deadline and still open at the earlier of `end` and today (逾期未整改).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Hazard, Inspection
from safetyops.core.periods import local_start
from safetyops.core.records import (
    Figure,
    Number,
    register_coverage_probe,
    register_figures,
    register_first_inspection_probe,
)


def inspected_probe(outer_enterprise: str, start: date, end: date) -> Exists:
    return Exists(
        Inspection.objects.filter(
            enterprise_id=OuterRef(outer_enterprise),
            inspected_at__gte=local_start(start),
            inspected_at__lt=local_start(end + timedelta(days=1)),
        )
    )


def first_inspection_probe(outer_enterprise: str, start: date, end: date) -> Subquery:
    return Subquery(
        Inspection.objects.filter(
            enterprise_id=OuterRef(outer_enterprise),
            inspected_at__gte=local_start(start),
            inspected_at__lt=local_start(end + timedelta(days=1)),
        )
        .order_by("inspected_at")
        .values("inspected_at")[:1]
    )


def record_figures(enterprises: QuerySet[Any], start: date, end: date) -> dict[str, Number]:
    """Two queries: the inspections of the period, the hazards registered in it."""
    start_dt, end_dt = local_start(start), local_start(end + timedelta(days=1))
    inspections = Inspection.objects.filter(
        enterprise_id__in=enterprises, inspected_at__gte=start_dt, inspected_at__lt=end_dt
    ).aggregate(inspections=Count("pk"), enterprises=Count("enterprise_id", distinct=True))
    overdue_at = min(end, timezone.localdate())
    still_open_then = Q(closed_at__isnull=True) | Q(closed_at__gte=local_start(overdue_at))
    hazards = Hazard.objects.filter(
        enterprise_id__in=enterprises, registered_at__gte=start_dt, registered_at__lt=end_dt
    ).aggregate(
        found=Count("pk"),
        general=Count("pk", filter=Q(level=Hazard.Level.GENERAL)),
        major=Count("pk", filter=Q(level=Hazard.Level.MAJOR)),
        closed=Count("pk", filter=Q(closed_at__lt=end_dt)),
        overdue=Count("pk", filter=Q(deadline__lt=overdue_at) & still_open_then),
    )
    rate = (
        (Decimal(hazards["closed"] * 100) / hazards["found"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if hazards["found"]
        else Decimal("0")
    )
    return {
        "inspected_enterprises": inspections["enterprises"],
        "inspections": inspections["inspections"],
        "hazards_found": hazards["found"],
        "hazards_general": hazards["general"],
        "hazards_major": hazards["major"],
        "hazards_closed": hazards["closed"],
        "rectification_rate": rate,
        "hazards_overdue": hazards["overdue"],
    }


def register() -> None:
    register_coverage_probe(inspected_probe)
    register_first_inspection_probe(first_inspection_probe)
    source_i, source_h = _("检查记录"), _("隐患台账")
    register_figures(
        "inspections",
        [
            Figure("inspected_enterprises", _("检查企业数"), _("家"), source_i),
            Figure("inspections", _("检查次数"), _("次"), source_i),
            Figure("hazards_found", _("发现隐患数"), _("条"), source_h),
            Figure("hazards_general", _("其中一般隐患"), _("条"), source_h),
            Figure("hazards_major", _("其中重大隐患"), _("条"), source_h),
            Figure("hazards_closed", _("已整改隐患"), _("条"), source_h),
            Figure("rectification_rate", _("整改率"), "%", source_h, decimal=True),
            Figure("hazards_overdue", _("逾期未整改隐患"), _("条"), source_h),
        ],
        record_figures,
    )
