"""Activities (活动): defined by the organiser, assigned to units, each unit reporting its result."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import notices
from campaigns.errors import CampaignError, NotPermitted
from campaigns.lifecycle import CAMPAIGN_STEPS, REPORTABLE
from campaigns.models import Activity, ActivityAssignment, Campaign, unit_fields
from campaigns.services import Unitlike, check_units
from safetyops.core.audit import log_action
from safetyops.evidence.models import Attachment
from safetyops.evidence.services import attachment_create
from safetyops.evidence.uploads import UploadRejected, check_uploads
from safetyops.orgs.models import User
from safetyops.orgs.units import units_for_q


def activity_create(
    *,
    actor: User,
    campaign_id: int,
    kind: str,
    title: str,
    units: Iterable[Unitlike],
    planned_on: date | None = None,
    due_on: date | None = None,
    description: str = "",
) -> Activity:
    """An activity of the campaign, assigned to `units` (the organiser plans, in draft or active)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(of=("self",)).select_related("node").get(pk=campaign_id)
        CAMPAIGN_STEPS.check("plan", campaign, actor)
        for day in (planned_on, due_on):
            if day is not None and not campaign.starts_on <= day <= campaign.ends_on:
                raise CampaignError(_("活动日期应在行动期限（%(start)s至%(end)s）内。") % _period(campaign))
        if kind not in Activity.Kind.values:
            raise CampaignError(_("活动类型不正确，请重新选择。"))
        unit_list = check_units(campaign, units)
        activity = Activity.objects.create(
            campaign=campaign,
            kind=kind,
            title=title.strip() or str(Activity.Kind(kind).label),
            planned_on=planned_on,
            due_on=due_on,
            description=description,
            created_by=actor,
        )
        ActivityAssignment.objects.bulk_create(
            [ActivityAssignment(activity=activity, **unit_fields(unit)) for unit in unit_list]
        )
        log_action(
            campaign, "campaigns.activity.created", actor=actor, data={"activity": activity.pk, "units": len(unit_list)}
        )
        if campaign.status == Campaign.Status.ACTIVE:  # a draft's activities are told at launch
            transaction.on_commit(lambda: notices.tell_activity_assigned([activity.pk]))
    return activity


def _period(campaign: Campaign) -> dict[str, str]:
    return {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}


def activity_report(
    *,
    actor: User,
    assignment_id: int,
    held_on: date,
    summary: str,
    place: str = "",
    participants: int | None = None,
    photos: Sequence[Any] = (),
    today: date | None = None,
) -> ActivityAssignment:
    """The unit reports how its part of the activity went (date, place, summary, participants,
    photos). It may report again to correct it while the campaign is open: the earlier text stays in
    the audit trail and the earlier photos stay (evidence is never removed)."""
    today = today or timezone.localdate()
    summary = (summary or "").strip()
    if not summary:
        raise CampaignError(_("请填写活动开展情况。"))
    if held_on > today:
        raise CampaignError(_("开展日期不能晚于今天。"))
    if participants is not None and participants < 0:
        raise CampaignError(_("参加人数不能为负数。"))
    try:
        check_uploads(list(photos))
    except UploadRejected as rejected:
        raise CampaignError(str(rejected)) from None
    with transaction.atomic():
        assignment = (
            ActivityAssignment.objects.select_for_update(of=("self",))
            .select_related("activity__campaign", "area")
            .get(pk=assignment_id)
        )
        if not ActivityAssignment.objects.filter(pk=assignment.pk).filter(units_for_q(actor)).exists():
            raise NotPermitted(_("只有承办单位可以报送本单位的活动情况。"))
        campaign = assignment.activity.campaign
        if campaign.status not in REPORTABLE:
            raise CampaignError(
                _("行动“%(name)s”%(status)s，不能报送活动情况。")
                % {"name": campaign.name, "status": campaign.get_status_display()}
            )
        if held_on < campaign.starts_on:
            raise CampaignError(_("开展日期早于行动开始日期（%(day)s）。") % {"day": campaign.starts_on.isoformat()})
        before = {"held_on": str(assignment.held_on), "summary": assignment.summary} if assignment.reported else None
        assignment.held_on, assignment.place, assignment.summary = held_on, place.strip()[:128], summary
        assignment.participants, assignment.reported_by, assignment.reported_at = participants, actor, timezone.now()
        assignment.save()
        anchor: dict[str, Any] = (
            {"enterprise": assignment.enterprise} if assignment.enterprise_id else {"node": assignment.area}
        )
        for photo in photos:
            attachment_create(actor=actor, upload=photo, owner=assignment, role=Attachment.Role.DOCUMENT, **anchor)
        log_action(
            assignment,
            "campaigns.activity.reported",
            actor=actor,
            data={"photos": len(photos), **({"before": before} if before else {})},
        )
    return assignment
