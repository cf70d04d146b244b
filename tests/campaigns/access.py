"""Access-matrix cases of the campaigns app. A county campaign is seen by the county's and its
townships' offices (a draft only by the county's); only its organiser (the county admin) takes its
steps and plans its work. A unit's work (an activity's assignment, a report) is seen by the unit
itself and the offices above it; enterprise users see no campaign page, only their own work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.access import OFFICE_ROLES, WRITERS, Case
from tests.conftest import World

SEES = {
    "county_campaign": OFFICE_ROLES,
    "county_draft": {"county_admin", "leader_county"},
    # A township's own work: not the other township's official, nor town A's supervisor (a node's
    # work is not a department's), nor any enterprise.
    "work_town_a": {"county_admin", "official_a", "leader_a", "leader_county"},
    "work_ent_a": {"county_admin", "official_a", "leader_a", "leader_county", "enterprise_a"},
}
ORGANISER = {"county_admin"}
REPORTERS = {"county_admin", "official_a", "official_b", "supervisor_a", "enterprise_a", "enterprise_b"}
EXPORTERS = OFFICE_ROLES  # county admin, officials, supervisors, leaders (CampaignRight.EXPORT)


def _campaign(world: World) -> Any:
    from tests.campaigns.factories import county_campaign

    return county_campaign(world)


def _report_task(world: World) -> Any:
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


def _draft(world: World) -> Any:
    from tests.campaigns.factories import county_campaign

    return county_campaign(world, launch=False)


def _activity(world: World) -> Any:
    from campaigns.activities import activity_create

    return activity_create(
        actor=world.county_admin,
        campaign_id=_campaign(world).pk,
        kind="drill",
        title="应急演练",
        units=[world.town_a, world.town_b, world.ent_a],
    )


def _assignment(world: World, unit: Any) -> int:
    return int(_activity(world).assignments.get(**{"node" if unit == world.town_a else "enterprise": unit}).pk)


def _report(world: World, unit: Any) -> int:
    from campaigns.reports import task_create

    campaign = _campaign(world)
    task = task_create(
        actor=world.county_admin,
        campaign_id=campaign.pk,
        title="隐患整治情况",
        deadline=campaign.ends_on,
        units=[world.town_a, world.ent_a],
        figures=[{"key": "hazards_found"}],
    )
    return int(task.reports.get(**{"node" if unit == world.town_a else "enterprise": unit}).pk)


def _campaign_file(world: World) -> dict[str, int]:
    from campaigns.planning import campaign_plan_attach
    from tests.inspections.conftest import pdf

    campaign = _campaign(world)
    campaign_plan_attach(actor=world.county_admin, campaign=campaign, files=[pdf("实施方案.pdf")])
    return {"pk": campaign.pk, "file_pk": campaign.attachments.get().pk}


def _draft_activity(world: World) -> Any:
    from campaigns.activities import activity_create

    return activity_create(
        actor=world.county_admin, campaign_id=_draft(world).pk, kind="drill", title="应急演练", units=[world.town_a]
    )


def _draft_task(world: World) -> Any:
    from campaigns.reports import task_create

    draft = _draft(world)
    return task_create(
        actor=world.county_admin,
        campaign_id=draft.pk,
        title="中期报送",
        deadline=draft.ends_on,
        units=[world.town_a],
        figures=[{"key": "hazards_found"}],
    )


def _ended(world: World) -> dict[str, Any]:
    from tests.campaigns.factories import ended_campaign

    return {"pk": ended_campaign(world).pk}


def _published(world: World) -> dict[str, Any]:
    from tests.campaigns.factories import published_summary

    return {"pk": published_summary(world).campaign_id}


def _of_campaign(allowed: set[str]) -> list[Case]:
    return [Case(kwargs=lambda w: {"pk": _campaign(w).pk}, obj="county_campaign", allowed=allowed)]


CASES: dict[str, list[Case]] = {
    "campaigns:campaign_list": [Case(allowed=OFFICE_ROLES)],
    "campaigns:campaign_create": [Case(allowed=WRITERS)],
    "campaigns:my_work": [Case(allowed=REPORTERS)],
    "campaigns:campaign_detail": _of_campaign(OFFICE_ROLES),
    "campaigns:campaign_progress": _of_campaign(OFFICE_ROLES),
    "campaigns:campaign_targets": _of_campaign(OFFICE_ROLES),
    "campaigns:campaign_file": [Case(kwargs=_campaign_file, obj="county_campaign", allowed=OFFICE_ROLES)],
    "campaigns:campaign_edit": [Case(kwargs=lambda w: {"pk": _draft(w).pk}, obj="county_draft", allowed=ORGANISER)],
    "campaigns:campaign_launch": [Case(kwargs=lambda w: {"pk": _draft(w).pk}, obj="county_draft", allowed=ORGANISER)],
    "campaigns:campaign_end": _of_campaign(ORGANISER),
    "campaigns:activity_create": _of_campaign(ORGANISER),
    "campaigns:task_create": _of_campaign(ORGANISER),
    "campaigns:activity_remove": [
        Case(kwargs=lambda w: {"pk": _draft_activity(w).pk}, obj="county_draft", allowed=ORGANISER)
    ],
    "campaigns:task_remove": [Case(kwargs=lambda w: {"pk": _draft_task(w).pk}, obj="county_draft", allowed=ORGANISER)],
    "campaigns:activity_detail": [
        Case(kwargs=lambda w: {"pk": _activity(w).pk}, obj="county_campaign", allowed=OFFICE_ROLES)
    ],
    "campaigns:assignment_report": [
        Case(kwargs=lambda w: {"pk": _assignment(w, w.town_a)}, obj="work_town_a"),
        Case(kwargs=lambda w: {"pk": _assignment(w, w.ent_a)}, obj="work_ent_a"),
    ],
    "campaigns:task_overview": [
        Case(kwargs=lambda w: {"pk": _report_task(w).pk}, obj="county_campaign", allowed=OFFICE_ROLES)
    ],
    "campaigns:report_detail": [
        Case(kwargs=lambda w: {"pk": _report(w, w.town_a)}, obj="work_town_a"),
        Case(kwargs=lambda w: {"pk": _report(w, w.ent_a)}, obj="work_ent_a"),
    ],
    "campaigns:report_return": [
        Case(kwargs=lambda w: {"pk": _report(w, w.town_a)}, obj="work_town_a", allowed=ORGANISER)
    ],
    "campaigns:task_export": [
        Case(kwargs=lambda w: {"pk": _report_task(w).pk}, obj="county_campaign", allowed=EXPORTERS)
    ],
    "campaigns:task_reports_pdf": [
        Case(kwargs=lambda w: {"pk": _report_task(w).pk}, obj="county_campaign", allowed=EXPORTERS)
    ],
    # The 总结: only the organiser writes and publishes it; everyone who sees the campaign reads the PDF.
    "campaigns:summary_edit": [Case(kwargs=_ended, obj="county_campaign", allowed=ORGANISER)],
    "campaigns:summary_publish": [Case(kwargs=_ended, obj="county_campaign", allowed=ORGANISER)],
    "campaigns:summary_pdf": [Case(kwargs=_published, obj="county_campaign", allowed=OFFICE_ROLES)],
    "campaigns:campaign_progress_export": [
        Case(kwargs=lambda w: {"pk": _campaign(w).pk}, obj="county_campaign", allowed=EXPORTERS)
    ],
}
