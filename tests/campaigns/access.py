"""Access-matrix cases of the campaigns app (the exports; the lead's pages add theirs). A county
campaign is seen by the county's and its townships' offices; enterprise users see no campaign page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.access import OFFICE_ROLES, Case
from tests.conftest import World

SEES = {"county_campaign": OFFICE_ROLES}
EXPORTERS = OFFICE_ROLES  # county admin, officials, supervisors, leaders (CampaignRight.EXPORT)


def _campaign(world: World) -> Any:
    from tests.campaigns.factories import county_campaign

    return county_campaign(world)


def _task(world: World) -> Any:
    from django.utils import timezone

    from campaigns import reports

    campaign = _campaign(world)
    return reports.task_create(
        actor=world.county_admin,
        campaign_id=campaign.pk,
        title="隐患整治情况",
        deadline=timezone.localdate() + timedelta(days=10),
        units=[world.town_a, world.town_b],
        figures=[{"key": "hazards_found"}],
    )


CASES: dict[str, list[Case]] = {
    "campaigns:task_export": [Case(kwargs=lambda w: {"pk": _task(w).pk}, obj="county_campaign", allowed=EXPORTERS)],
    "campaigns:campaign_progress_export": [
        Case(kwargs=lambda w: {"pk": _campaign(w).pk}, obj="county_campaign", allowed=EXPORTERS)
    ],
}
