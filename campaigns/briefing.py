"""What campaigns contribute to the monthly briefing: section 专项行动开展情况 (the campaigns of the
period and the hazards registered under each; their progress arrives with this app's next issue).
Registered in CampaignsConfig.ready()."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q

from campaigns.models import Campaign
from safetyops.core.contrib import register_briefing_figures, register_briefing_section
from safetyops.core.periods import local_start
from safetyops.orgs.models import Node


def campaign_figures(node: Node, start: date, end: date) -> dict[str, Any]:
    """Campaigns running during the period, organised by this node, above it or below it. Their progress
    (coverage, reports) arrives with the campaigns module; what the data already holds is the hazards
    registered under each campaign in this area."""
    start_dt, end_dt = local_start(start), local_start(end + timedelta(days=1))
    ancestors = [code for code in node.path.strip("/").split("/")]
    in_area = Q(hazards__node__path__startswith=node.path, hazards__registered_at__gte=start_dt)
    rows = (
        Campaign.objects.filter(starts_on__lte=end, ends_on__gte=start)
        .exclude(status=Campaign.Status.DRAFT)
        .filter(Q(node__path__startswith=node.path) | Q(node__code__in=ancestors))
        .annotate(found=Count("hazards", filter=in_area & Q(hazards__registered_at__lt=end_dt)))
        .values("name", "kind", "starts_on", "ends_on", "node__name", "status", "found")
        .order_by("starts_on", "name", "pk")
    )
    kinds = dict(Campaign.Kind.choices)
    statuses = dict(Campaign.Status.choices)
    rows_out = [
        {
            "name": row["name"],
            "kind": str(kinds.get(row["kind"], row["kind"])),
            "starts_on": row["starts_on"].isoformat(),
            "ends_on": row["ends_on"].isoformat(),
            "organiser": row["node__name"],
            "status": str(statuses.get(row["status"], row["status"])),
            "found": row["found"],
        }
        for row in rows
    ]
    return {"campaigns": rows_out}


def register() -> None:
    register_briefing_figures("campaigns", campaign_figures)
    register_briefing_section(
        "campaigns", order=40, title="专项行动开展情况", template="campaigns/briefing/campaigns.html"
    )
