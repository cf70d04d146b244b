"""The campaigns' long downloads as export kinds (safetyops/exports): a campaign's progress workbook,
whose 未检查企业 sheet holds every target not yet inspected (tens of thousands at city scale), and a
report task's printed reports, a PDF of every unit's report (WeasyPrint: 4 s of CPU for a city's
160 units). Above their thresholds a worker makes them; below, the request, as before."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exports import progress_workbook
from campaigns.progress import campaign_progress, targets_not_inspected
from campaigns.rights import CampaignRight
from campaigns.scope import get_campaign_for_user, get_task_for_user
from campaigns.summary import task_reports_pdf, task_reports_visible
from safetyops.core.views import download_name
from safetyops.exports.registry import PDF, ExportKind, ExportRun, document_run, register_export, workbook_run

CAMPAIGN_PROGRESS = "campaigns.campaign_progress"
TASK_REPORTS_PDF = "campaigns.task_reports_pdf"
# Units printed in the request: a unit's report costs about 26 ms of CPU (a city's 160 in 4.2 s), so
# 40 stay near a second; a county's task (17 units: 0.4 s) is still sent at once.
TASK_REPORTS_PDF_SYNC_MAX = 40


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


def build_task_reports_pdf(user: Any, params: QueryDict) -> ExportRun:
    """The task of `params["task"]` as the user sees it, its units those the user sees."""
    task = get_task_for_user(user, params.get("task"), right=CampaignRight.EXPORT)
    return document_run(
        total=task_reports_visible(task, user=user).count(),
        filename=f"{task.title}-报送汇编-{timezone.localdate():%Y%m%d}.pdf",
        build=lambda written: task_reports_pdf(task, user=user, rows_written=written),
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
    register_export(
        ExportKind(
            name=TASK_REPORTS_PDF,
            label=_("报送汇编"),
            right=CampaignRight.EXPORT,
            build=build_task_reports_pdf,
            back_url=lambda params: reverse("campaigns:task_overview", args=[params.get("task")]),
            content_type=PDF,
            sync_max_rows=TASK_REPORTS_PDF_SYNC_MAX,
            unit=_("个单位"),
        )
    )
