"""Access-matrix cases of the campaigns app (the summary's and the printed reports' here; the
lead's main pages join them). A county campaign is seen by every office role of the county and
by no enterprise user (campaigns/scope.py); only its organiser (the county admin) writes and
publishes its summary; EXPORT holders print a task's reports."""

from __future__ import annotations

from typing import Any

from tests.access import OFFICE_ROLES, Case
from tests.conftest import World

SEES = {
    "campaign_county": set(OFFICE_ROLES),
    "task_county": set(OFFICE_ROLES),
}
ORGANISER = {"county_admin"}
EXPORTERS = {"county_admin", "official_a", "official_b", "supervisor_a", "leader_a", "leader_county"}


def _ended(world: World) -> dict[str, Any]:
    from tests.campaigns.factories import ended_campaign

    return {"pk": ended_campaign(world).pk}


def _published(world: World) -> dict[str, Any]:
    from tests.campaigns.factories import published_summary

    return {"pk": published_summary(world).campaign_id}


def _task(world: World) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    from campaigns import reports
    from tests.campaigns.factories import county_campaign

    campaign = county_campaign(world)
    task = reports.task_create(
        actor=world.county_admin,
        campaign_id=campaign.pk,
        title="隐患整治情况报送",
        deadline=timezone.localdate() + timedelta(days=3),
        units=[world.town_a, world.town_b],
        figures=[{"key": "hazards_found"}],
    )
    return {"pk": task.pk}


CASES = {
    "campaigns:summary_edit": [Case(kwargs=_ended, obj="campaign_county", allowed=ORGANISER)],
    "campaigns:summary_publish": [Case(kwargs=_ended, obj="campaign_county", allowed=ORGANISER)],
    "campaigns:summary_pdf": [Case(kwargs=_published, obj="campaign_county", allowed=set(OFFICE_ROLES))],
    "campaigns:task_reports_pdf": [Case(kwargs=_task, obj="task_county", allowed=EXPORTERS)],
}
