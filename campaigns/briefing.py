"""What campaigns contribute to the monthly briefing (DOMAIN §8): section 专项行动开展情况 (section 4:
each campaign of the period with its coverage, hazards and rectification rate in the briefing's
area, against its goals, and its late units) and, in the ranking section (section 6, inspections'),
the units whose reports of the period were late, missing or zero. Registered in CampaignsConfig.ready().

The figures are frozen as plain JSON in the briefing's snapshot, as they stood at the end of the
period: the targets listed then, the inspections of the campaign's period up to then, the hazards
registered and closed by then, the report versions submitted by then. Four queries, whatever the
number of campaigns, targets or reports.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from campaigns.models import Campaign, Target, UnitReport
from campaigns.notices import unit_key
from campaigns.progress import coverage_counts
from campaigns.reports import State, reports_with_state
from safetyops.core.contrib import (
    BriefingRender,
    register_briefing_figures,
    register_briefing_part,
    register_briefing_section,
)
from safetyops.core.periods import day_label, fmt_pct, local_start, pct
from safetyops.orgs.models import Node

# Worst first: a unit that never reported, then one that reported late, then a zero report.
FLAGGED = (State.MISSING, State.LATE, State.ZERO)
_FLAGGED_FIELDS = (
    "campaign_id",
    "state",
    "who",
    "node_id",
    "department_id",
    "enterprise_id",
    "area__name",
    "task_id",
    "task_title",
    "deadline",
)


def _campaigns_of(node: Node, start: date, end: date) -> list[Campaign]:
    """Campaigns running during the period, organised by this node, above it or below it, with their
    hazards in the area: registered by the period's end, closed by then, registered within it."""
    start_dt, end_dt = local_start(start), local_start(end + timedelta(days=1))
    ancestors = node.path.strip("/").split("/")
    in_area = Q(hazards__node__path__startswith=node.path, hazards__registered_at__lt=end_dt)
    return list(
        Campaign.objects.filter(starts_on__lte=end, ends_on__gte=start)
        .exclude(status=Campaign.Status.DRAFT)
        .filter(Q(node__path__startswith=node.path) | Q(node__code__in=ancestors))
        .select_related("node")
        .annotate(
            found=Count("hazards", filter=in_area & Q(hazards__registered_at__gte=start_dt)),
            found_total=Count("hazards", filter=in_area),
            closed_total=Count("hazards", filter=in_area & Q(hazards__closed_at__lt=end_dt)),
        )
        .order_by("starts_on", "name", "pk")
    )


def _coverage(node: Node, campaigns: list[Campaign], end: date) -> dict[int, tuple[int, int]]:
    """{campaign id: (targets in the area at the period's end, of them inspected within the campaign's
    period up to the period's end)}: one grouped query."""
    end_dt = local_start(end + timedelta(days=1))
    listed_then = Target.objects.filter(node__path__startswith=node.path, added_at__lt=end_dt).filter(
        Q(removed_at__isnull=True) | Q(removed_at__gte=end_dt)
    )
    return coverage_counts(listed_then, campaigns, until=end)


def _flagged_reports(node: Node, campaigns: list[Campaign], end: date) -> list[dict[str, Any]]:
    """The units' reports in the area, of the campaigns' tasks due by the period's end, that were
    missing, late or zero at its end."""
    rows = (
        reports_with_state(
            UnitReport.objects.filter(
                task__campaign__in=campaigns, area__path__startswith=node.path, task__deadline__lte=end
            ),
            as_of=end,
        )
        .filter(Q(state__in=FLAGGED))  # an annotation of reports_with_state
        .annotate(
            who=Coalesce("node__name", "department__name", "enterprise__name"),
            campaign_id=F("task__campaign_id"),
            task_title=F("task__title"),
            deadline=F("task__deadline"),
        )
        .values(*_FLAGGED_FIELDS)
        .order_by("deadline", "task_id", "who", "pk")
    )
    # Within a task, worst first: missing, then late, then zero.
    return sorted(rows, key=lambda r: (r["deadline"], r["task_id"], FLAGGED.index(r["state"])))


def _ranked_units(rows: list[dict[str, Any]], start: date) -> list[dict[str, Any]]:
    """Section 6: the units whose reports due within the period were missing, late or zero, ranked
    by missing, then late, then zero reports (worst first), then by name."""
    units: dict[tuple[str, int], dict[str, Any]] = {}
    for row in rows:
        if row["deadline"] < start:
            continue
        # A node is its own area; a department or an enterprise is placed by its area.
        area = "" if row["node_id"] else row["area__name"]
        unit = units.setdefault(
            unit_key(row), {"name": row["who"], "area": area, **dict.fromkeys(FLAGGED, 0), "tasks": []}
        )
        unit[row["state"]] += 1
        unit["tasks"].append(f"{row['task_title']}（{State.LABELS[row['state']]}）")
    ranked = sorted(units.values(), key=lambda u: (*(-u[s] for s in FLAGGED), u["name"]))
    return [{"rank": i, **u} for i, u in enumerate(ranked, 1)]


def campaign_figures(node: Node, start: date, end: date) -> dict[str, Any]:
    """Campaigns running during the period (organised by this node, above it or below it) with their
    progress in the node's area at the period's end, and the units late, missing or reporting zero."""
    campaigns = _campaigns_of(node, start, end)
    if not campaigns:
        return {"campaigns": [], "campaign_units": []}
    coverage = _coverage(node, campaigns, end)
    flagged = _flagged_reports(node, campaigns, end)
    late_by_campaign: dict[int, list[dict[str, str]]] = defaultdict(list)
    for row in flagged:
        if row["state"] != State.ZERO:
            late_by_campaign[row["campaign_id"]].append(
                {"unit": row["who"], "task": row["task_title"], "state": str(State.LABELS[row["state"]])}
            )
    kinds, statuses = dict(Campaign.Kind.choices), dict(Campaign.Status.choices)
    rows_out = []
    for c in campaigns:
        targets, inspected = coverage.get(c.pk, (0, 0))
        found, closed = c.found_total, c.closed_total  # type: ignore[attr-defined]
        rows_out.append(
            {
                "name": c.name,
                "kind": str(kinds.get(c.kind, c.kind)),
                "starts_on": c.starts_on.isoformat(),
                "ends_on": c.ends_on.isoformat(),
                "counted_to": min(c.ends_on, end).isoformat(),
                "organiser": c.node.name,
                "status": str(statuses.get(c.status, c.status)),
                "found": c.found,  # type: ignore[attr-defined]
                "targets": targets,
                "inspected": inspected,
                "coverage": pct(inspected, targets),
                "goal_coverage": c.goal_coverage,
                "hazards_found": found,
                "hazards_closed": closed,
                "rate": pct(closed, found),
                "goal_rectification": c.goal_rectification,
                "late_units": late_by_campaign.get(c.pk, []),
            }
        )
    return {"campaigns": rows_out, "campaign_units": _ranked_units(flagged, start)}


# Sections ----------------------------------------------------------------------------------------


def _met(value: float | None, goal: int) -> bool | None:
    return None if value is None else value >= goal


def _campaigns(render: BriefingRender) -> dict[str, Any]:
    rows = render.figures.get("campaigns", [])
    # A snapshot frozen before the progress figures existed has rows without "targets".
    if any("targets" not in c for c in rows):
        return {"legacy": True, "rows": rows}
    shown = [
        {
            **c,
            "coverage_text": fmt_pct(c["coverage"]),
            "rate_text": fmt_pct(c["rate"]),
            "coverage_met": _met(c["coverage"], c["goal_coverage"]),
            "rate_met": _met(c["rate"], c["goal_rectification"]),
            "not_inspected": c["targets"] - c["inspected"],
            "counted_to_text": day_label(c["counted_to"]),
        }
        for c in rows
    ]
    return {"legacy": False, "rows": shown, "area_word": render.figures["node"]["area_word"]}


def _late_units(render: BriefingRender) -> dict[str, Any]:
    return {"units": render.figures.get("campaign_units", [])}


def register() -> None:
    register_briefing_figures("campaigns", campaign_figures)
    register_briefing_section(
        "campaigns",
        order=40,
        title="专项行动开展情况",
        template="campaigns/briefing/campaigns.html",
        context=_campaigns,
    )
    register_briefing_part(
        "ranking",
        "campaign_units",
        order=10,
        template="campaigns/briefing/late_units.html",
        context=_late_units,
        shown=lambda render: bool(render.figures.get("campaign_units")),
    )
