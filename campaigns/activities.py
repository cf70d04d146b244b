"""Activities (活动): defined by the organiser, assigned to units, each unit reporting its result."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.errors import CampaignError
from campaigns.lifecycle import CAMPAIGN_STEPS
from campaigns.models import Activity, ActivityAssignment, Campaign, unit_fields
from campaigns.services import Unitlike, check_units
from safetyops.core.audit import log_action
from safetyops.orgs.models import User


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
    return activity


def _period(campaign: Campaign) -> dict[str, str]:
    return {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
