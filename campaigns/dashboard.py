"""What campaigns contribute to the dashboard: the card 专项行动, the active campaigns the user sees,
each with the coverage of the user's part (a township its own targets, the organiser the whole),
the days left and the goal. Two queries, whatever the number of campaigns or targets; a county's or
a city's view is counted at most once a minute (progress.page_coverage). Registered in
CampaignsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.progress import page_coverage
from campaigns.scope import campaigns_visible_to
from safetyops.core.contrib import register_dashboard_card
from safetyops.core.periods import pct

SHOWN = 6  # the card lists the campaigns ending first; the campaign list has the rest


def _campaigns(page: Any) -> dict[str, Any] | None:
    if page.scope.enterprise_id is not None:
        return None
    user = page.request.user
    campaigns = list(campaigns_visible_to(user).filter(status=Campaign.Status.ACTIVE).order_by("ends_on", "pk")[:SHOWN])
    if not campaigns:
        return None
    today = timezone.localdate()
    parts = page_coverage(user, campaigns)
    rows = []
    for campaign in campaigns:
        targets, inspected = parts[campaign.pk].targets, parts[campaign.pk].inspected
        coverage = pct(inspected, targets)
        rows.append(
            {
                "campaign": campaign,
                "url": reverse("campaigns:campaign_progress", args=[campaign.pk]),
                "targets": targets,
                "inspected": inspected,
                "coverage": coverage,
                "bar": f"{min(coverage or 0, 100):.1f}",  # a CSS width, never localised
                "goal": campaign.goal_coverage,
                "met": coverage is not None and coverage >= campaign.goal_coverage,
                "days_left": (campaign.ends_on - today).days,
            }
        )
    return {"rows": rows}


def register() -> None:
    register_dashboard_card("campaigns", order=30, template="campaigns/dashboard/campaigns.html", context=_campaigns)
