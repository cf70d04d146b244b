"""Workbook downloads: a report task's unit reports and a campaign's progress (CampaignRight.EXPORT).
The progress workbook is an export kind (campaigns/export_kinds.py): above EXPORT_SYNC_MAX_ROWS
targets not yet inspected a worker writes it; a task's reports (one row per unit) stay in the request."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase

from campaigns.export_kinds import CAMPAIGN_PROGRESS, export_filename
from campaigns.exports import write_task_workbook
from campaigns.overview import task_overview
from campaigns.rights import CampaignRight
from campaigns.scope import get_campaign_for_user, get_task_for_user
from safetyops.core.views import xlsx_download
from safetyops.exports.views import export_response


@login_required
def task_export(request: HttpRequest, pk: int) -> FileResponse:
    task = get_task_for_user(request.user, pk, right=CampaignRight.EXPORT)
    rows = task_overview(user=request.user, task=task)
    return xlsx_download(partial(write_task_workbook, rows, task), export_filename(task.title, "报送情况"))


@login_required
def campaign_progress_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    # The campaign first: outside the scope is 404 before the right's 403, as for its page.
    campaign = get_campaign_for_user(request.user, pk, right=CampaignRight.EXPORT)
    return export_response(request, CAMPAIGN_PROGRESS, fixed={"campaign": str(campaign.pk)})
