"""Report tasks (报送任务) and the units' reports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.errors import CampaignError
from campaigns.lifecycle import CAMPAIGN_STEPS
from campaigns.models import Campaign, ReportTask, UnitReport, unit_fields
from campaigns.services import Unitlike, check_units
from safetyops.core import records
from safetyops.core.audit import log_action
from safetyops.orgs.models import User


def clean_figures(figures: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The task's figure list: library keys must exist; free figures need a label."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in figures:
        key = str(item.get("key", "")).strip()
        if not key or key in seen:
            continue
        if key.startswith("free_"):
            label = str(item.get("label", "")).strip()
            if not label:
                raise CampaignError(_("自定义指标须填写名称。"))
            out.append({"key": key, "label": label[:40], "unit": str(item.get("unit", "")).strip()[:8]})
        elif records.figure(key) is None:
            raise CampaignError(_("指标“%(key)s”不在指标库中。") % {"key": key})
        else:
            out.append({"key": key})
        seen.add(key)
    return out


def task_create(
    *,
    actor: User,
    campaign_id: int,
    title: str,
    deadline: date,
    units: Iterable[Unitlike],
    figures: Iterable[dict[str, Any]] = (),
    period_start: date | None = None,
    period_end: date | None = None,
    instructions: str = "",
) -> ReportTask:
    """A report task of the campaign for `units`; the figures' period defaults to the campaign's
    start up to the deadline. The deadline lies within the campaign's period."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(of=("self",)).select_related("node").get(pk=campaign_id)
        CAMPAIGN_STEPS.check("plan", campaign, actor)
        if not campaign.starts_on <= deadline <= campaign.ends_on:
            raise CampaignError(
                _("报送期限应在行动期限（%(start)s至%(end)s）内。")
                % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
            )
        start = period_start or campaign.starts_on
        end = period_end or deadline
        if end < start:
            raise CampaignError(_("统计截止日不能早于统计起始日。"))
        unit_list = check_units(campaign, units)
        task = ReportTask.objects.create(
            campaign=campaign,
            title=title.strip(),
            instructions=instructions,
            period_start=start,
            period_end=end,
            deadline=deadline,
            figures=clean_figures(figures),
            created_by=actor,
        )
        UnitReport.objects.bulk_create([UnitReport(task=task, **unit_fields(unit)) for unit in unit_list])
        log_action(campaign, "campaigns.task.created", actor=actor, data={"task": task.pk, "units": len(unit_list)})
    return task
