"""A campaign's progress workbook as an export kind: its 未检查企业 sheet holds every target not yet
inspected (tens of thousands at city scale), so above EXPORT_SYNC_MAX_ROWS of them a worker writes it."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exports import progress_workbook
from campaigns.progress import campaign_progress, targets_not_inspected
from campaigns.rights import CampaignRight
from campaigns.scope import get_campaign_for_user
from safetyops.core.views import download_name
from safetyops.exports.registry import ExportKind, ExportRun, register_export, workbook_run

CAMPAIGN_PROGRESS = "campaigns.campaign_progress"


def export_filename(name: str, what: str) -> str:
    return f"{download_name(name)[:60]}-{what}-{timezone.localdate():%Y%m%d}.xlsx"


def build_progress_export(user: Any, params: QueryDict) -> ExportRun:
    """The campaign of `params["campaign"]` as the user sees it (404 outside, 403 without the right)."""
    campaign = get_campaign_for_user(user, params.get("campaign"), right=CampaignRight.EXPORT)
    not_inspected = targets_not_inspected(user=user, campaign=campaign)
    return workbook_run(
        total=not_inspected.order_by().count(),
        filename=export_filename(campaign.name, "进度"),
        build=lambda written: progress_workbook(
            campaign_progress(user=user, campaign=campaign), not_inspected, rows_written=written
        ),
    )


def register() -> None:
    register_export(
        ExportKind(
            name=CAMPAIGN_PROGRESS,
            label=_("专项行动进度"),
            right=CampaignRight.EXPORT,
            build=build_progress_export,
            back_url=lambda params: reverse("campaigns:campaign_progress", args=[params.get("campaign")]),
        )
    )
