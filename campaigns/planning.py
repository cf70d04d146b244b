"""A new campaign with the work its proposal carries (campaigns/proposals.py), created in one
transaction: the draft, its plan document, the activities and the report tasks the official kept,
each addressed to the chosen units. A refusal of any part leaves nothing behind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from campaigns.activities import activity_create
from campaigns.models import Campaign
from campaigns.reports import task_create
from campaigns.services import Unitlike, campaign_create
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
