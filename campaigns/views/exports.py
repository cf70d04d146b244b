"""Workbook downloads: a report task's unit reports and a campaign's progress (CampaignRight.EXPORT)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from openpyxl import Workbook

from campaigns.exports import progress_workbook, task_workbook
from campaigns.overview import task_overview
from campaigns.progress import campaign_progress, targets_not_inspected
from campaigns.rights import CampaignRight
from campaigns.scope import get_campaign_for_user, get_task_for_user
from safetyops.core.views import download_name, xlsx_download


def _filename(name: str, what: str) -> str:
    return f"{download_name(name)[:60]}-{what}-{timezone.localdate():%Y%m%d}.xlsx"


def _download(workbook: Workbook, filename: str) -> FileResponse:
    return xlsx_download(workbook.save, filename)


@login_required
def task_export(request: HttpRequest, pk: int) -> FileResponse:
    task = get_task_for_user(request.user, pk, right=CampaignRight.EXPORT)
    rows = task_overview(user=request.user, task=task)
    return _download(task_workbook(rows, task), _filename(task.title, "报送情况"))


@login_required
def campaign_progress_export(request: HttpRequest, pk: int) -> FileResponse:
    campaign = get_campaign_for_user(request.user, pk, right=CampaignRight.EXPORT)
    progress = campaign_progress(user=request.user, campaign=campaign)
    not_inspected = targets_not_inspected(user=request.user, campaign=campaign)
    return _download(progress_workbook(progress, not_inspected), _filename(campaign.name, "进度"))
