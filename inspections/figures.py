"""What inspections' records offer to report forms and campaign progress (safetyops/core/records.py):
the coverage probe (was an enterprise inspected in a period?) and the inspection and hazard figures
a report task may ask for. Registered in InspectionsConfig.ready().

Period semantics, the same for every figure: inspections dated within [start, end]; hazards
registered within it, and of those the ones closed by the end of `end` (已整改) and the ones past
their deadline and still open at the earlier of `end` and today (逾期未整改).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import CharField, Count, Exists, Min, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Hazard, Inspection
from safetyops.core.periods import local_start
from safetyops.core.records import (
    Figure,
    Group,
    Number,
    register_coverage_probe,
    register_figures,
    register_first_inspections,
)


def _inspections_of(outer_enterprise: str, start: date, end: date) -> QuerySet[Inspection]:
    return Inspection.objects.filter(
        enterprise_id=OuterRef(outer_enterprise),
        inspected_at__gte=local_start(start),
        inspected_at__lt=local_start(end + timedelta(days=1)),
    )


def inspected_probe(outer_enterprise: str, start: date, end: date) -> Exists:
    return Exists(_inspections_of(outer_enterprise, start, end))


def first_inspections(enterprises: QuerySet[Any], start: date, end: date) -> Iterable[datetime]:
    """One query: each enterprise's first inspection time within [start, end]."""
    return (
        Inspection.objects.filter(
            enterprise_id__in=enterprises,
            inspected_at__gte=local_start(start),
            inspected_at__lt=local_start(end + timedelta(days=1)),
        )
        .values("enterprise_id")
        .annotate(first=Min("inspected_at"))
        .values_list("first", flat=True)
        .order_by()
    )


def _grouped(qs: QuerySet[Any], group: Group | None) -> QuerySet[Any]:
    return qs.annotate(group=group("enterprise__") if group else Value(None, output_field=CharField())).values("group")


def inspection_figures(
    enterprises: QuerySet[Any], start: date, end: date, group: Group | None = None
) -> dict[Any, dict[str, Number]]:
    """One query: the inspections of the period, per group."""
    start_dt, end_dt = local_start(start), local_start(end + timedelta(days=1))
    rows = _grouped(
        Inspection.objects.filter(enterprise_id__in=enterprises, inspected_at__gte=start_dt, inspected_at__lt=end_dt),
        group,
    ).annotate(inspections=Count("pk"), enterprises=Count("enterprise_id", distinct=True))
    out: dict[Any, dict[str, Number]] = {}
    for row in rows.order_by():
        out[row["group"]] = {"inspected_enterprises": row["enterprises"], "inspections": row["inspections"]}
    if group is None:
        out.setdefault(None, {"inspected_enterprises": 0, "inspections": 0})
    return out


def hazard_figures(
    enterprises: QuerySet[Any], start: date, end: date, group: Group | None = None
) -> dict[Any, dict[str, Number]]:
    """One query: the hazards registered in the period, per group, and of those the ones closed by
    the end and the ones overdue (still open at the earlier of the end and today)."""
    start_dt, end_dt = local_start(start), local_start(end + timedelta(days=1))
    overdue_at = min(end, timezone.localdate())
    still_open_then = Q(closed_at__isnull=True) | Q(closed_at__gte=local_start(overdue_at))
    rows = _grouped(
        Hazard.objects.filter(enterprise_id__in=enterprises, registered_at__gte=start_dt, registered_at__lt=end_dt),
        group,
    ).annotate(
        found=Count("pk"),
        general=Count("pk", filter=Q(level=Hazard.Level.GENERAL)),
        major=Count("pk", filter=Q(level=Hazard.Level.MAJOR)),
        closed=Count("pk", filter=Q(closed_at__lt=end_dt)),
        overdue=Count("pk", filter=Q(deadline__lt=overdue_at) & still_open_then),
    )
    out: dict[Any, dict[str, Number]] = {}
    for row in rows.order_by():
        out[row["group"]] = _hazard_values(row)
    if group is None:
        out.setdefault(None, _hazard_values({"found": 0, "general": 0, "major": 0, "closed": 0, "overdue": 0}))
    return out


def _hazard_values(row: dict[str, Any]) -> dict[str, Number]:
    rate = (
        (Decimal(row["closed"] * 100) / row["found"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if row["found"]
        else Decimal("0")
    )
    return {
        "hazards_found": row["found"],
        "hazards_general": row["general"],
        "hazards_major": row["major"],
        "hazards_closed": row["closed"],
        "rectification_rate": rate,
        "hazards_overdue": row["overdue"],
    }


def register() -> None:
    register_coverage_probe(inspected_probe)
    register_first_inspections(first_inspections)
    source_i, source_h = _("检查记录"), _("隐患台账")
    register_figures(
        "inspections",
        [
            Figure("inspected_enterprises", _("检查企业数"), _("家"), source_i),
            Figure("inspections", _("检查次数"), _("次"), source_i),
        ],
        inspection_figures,
    )
    register_figures(
        "hazards",
        [
            Figure("hazards_found", _("发现隐患数"), _("条"), source_h),
            Figure("hazards_general", _("其中一般隐患"), _("条"), source_h),
            Figure("hazards_major", _("其中重大隐患"), _("条"), source_h),
            Figure("hazards_closed", _("已整改隐患"), _("条"), source_h),
            Figure("rectification_rate", _("整改率"), "%", source_h, decimal=True),
            Figure("hazards_overdue", _("逾期未整改隐患"), _("条"), source_h),
        ],
        hazard_figures,
    )
