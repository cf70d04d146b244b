"""A new campaign with the work its proposal carries (campaigns/proposals.py), created in one
transaction: the draft, its plan document, the activities and the report tasks the official kept,
each addressed to the chosen units. A refusal of any part leaves nothing behind. Until launch the
organiser may remove a proposed activity or task again (nobody has been told of it yet)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from campaigns.activities import activity_create
from campaigns.lifecycle import CAMPAIGN_STEPS
from campaigns.models import Activity, Campaign, ReportTask
from campaigns.reports import task_create
from campaigns.services import Unitlike, campaign_create, campaign_update
from safetyops.core.audit import log_action
from safetyops.evidence.models import Attachment
from safetyops.evidence.services import attachment_create
from safetyops.orgs.models import Node, User


@dataclass(frozen=True)
class PlannedActivity:
    kind: str
    title: str
    planned_on: date | None
    due_on: date | None
    description: str = ""


@dataclass(frozen=True)
class PlannedTask:
    title: str
    deadline: date
    figures: Sequence[dict[str, Any]]
    instructions: str = ""


def campaign_plan_attach(*, actor: User, campaign: Campaign, files: Sequence[Any]) -> None:
    """The plan document(s) (实施方案), evidence anchored at the organiser's node."""
    for upload in files:
        attachment_create(actor=actor, upload=upload, owner=campaign, role=Attachment.Role.DOCUMENT, node=campaign.node)


def campaign_create_planned(
    *,
    actor: User,
    node: Node,
    fields: dict[str, Any],
    activities: Sequence[PlannedActivity] = (),
    tasks: Sequence[PlannedTask] = (),
    units: Sequence[Unitlike] = (),
    plan_files: Sequence[Any] = (),
) -> Campaign:
    with transaction.atomic():
        campaign = campaign_create(actor=actor, node=node, **fields)
        campaign_plan_attach(actor=actor, campaign=campaign, files=plan_files)
        for activity in activities:
            activity_create(
                actor=actor,
                campaign_id=campaign.pk,
                kind=activity.kind,
                title=activity.title,
                units=units,
                planned_on=activity.planned_on,
                due_on=activity.due_on,
                description=activity.description,
            )
        for task in tasks:
            task_create(
                actor=actor,
                campaign_id=campaign.pk,
                title=task.title,
                deadline=task.deadline,
                units=units,
                figures=task.figures,
                instructions=task.instructions,
            )
    return campaign


def campaign_update_planned(
    *, actor: User, campaign_id: int, fields: dict[str, Any], plan_files: Sequence[Any] = ()
) -> Campaign:
    """A draft's changes and any new plan document, in one transaction."""
    with transaction.atomic():
        campaign = campaign_update(actor=actor, campaign_id=campaign_id, **fields)
        campaign_plan_attach(actor=actor, campaign=campaign, files=plan_files)
    return campaign


def _remove(*, actor: User, obj: Activity | ReportTask, action: str) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(of=("self",)).select_related("node").get(pk=obj.campaign_id)
        CAMPAIGN_STEPS.check("edit", campaign, actor)  # a draft, its organiser
        title = obj.title
        obj.delete()  # its assignments or unit reports: a draft has no results nor versions
        log_action(campaign, action, actor=actor, data={"title": title})
    return campaign


def activity_remove(*, actor: User, activity_id: int) -> Campaign:
    return _remove(actor=actor, obj=Activity.objects.get(pk=activity_id), action="campaigns.activity.removed")


def task_remove(*, actor: User, task_id: int) -> Campaign:
    return _remove(actor=actor, obj=ReportTask.objects.get(pk=task_id), action="campaigns.task.removed")
