"""The summary (总结) pages: edit the draft, publish, download the PDF; and the printed reports
of a task. Each view: scope helper (404 outside) → the step's who-check (403) → form → service →
message → redirect."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import summary as services
from campaigns.errors import CampaignError, NotPermitted
from campaigns.export_kinds import TASK_REPORTS_PDF
from campaigns.lifecycle import CAMPAIGN_STEPS
from campaigns.models import Campaign, Summary
from campaigns.rights import CampaignRight
from campaigns.scope import get_campaign_for_user, get_task_for_user
from safetyops.core.pdf import text_blocks
from safetyops.core.views import pdf_download
from safetyops.exports.views import export_response


class SummaryForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("总结正文"),
        strip=True,
        widget=forms.Textarea(attrs={"rows": 28, "class": "form-control"}),
        help_text=gettext_lazy("以“一、”“（一）”开头的行排为标题，其余每行一段。发布后不能修改。"),
        error_messages={"required": gettext_lazy("总结正文不能为空，请填写后再保存。")},
    )


def _summary_of(campaign: Campaign) -> Summary | None:
    try:
        return campaign.summary
    except Summary.DoesNotExist:
        return None


def _organiser_campaign(request: HttpRequest, pk: int, step: str) -> Campaign:
    campaign = get_campaign_for_user(request.user, pk)
    if CAMPAIGN_STEPS.forbids(step, campaign, request.user) is not None:
        raise PermissionDenied
    return campaign


@login_required
def summary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _organiser_campaign(request, pk, "write_summary")
    summary = _summary_of(campaign)
    status = 200
    if summary is None and CAMPAIGN_STEPS.allows("write_summary", campaign, request.user):
        # The first visit of an ended campaign's organiser drafts it from the records.
        summary = services.summary_draft(actor=request.user, campaign_id=campaign.pk)
        messages.info(request, _("已根据行动记录起草总结，请核实、修改并补充下步工作后发布。"))
    form = SummaryForm(request.POST or None, initial={"text": summary.text if summary else ""})
    if request.method == "POST":
        try:
            if "redraft" in request.POST:
                services.summary_draft(actor=request.user, campaign_id=campaign.pk, replace=True)
                messages.success(request, _("已按最新记录重新起草，原稿已被替换。"))
                return redirect("campaigns:summary_edit", pk=campaign.pk)
            if form.is_valid():
                services.summary_save(actor=request.user, campaign_id=campaign.pk, text=form.cleaned_data["text"])
                messages.success(request, _("总结已保存。"))
                return redirect("campaigns:summary_edit", pk=campaign.pk)
        except NotPermitted:
            raise PermissionDenied from None
        except CampaignError as exc:
            form.add_error(None, exc.message)
        status = 400
    return render(
        request,
        "campaigns/summary_edit.html",
        {
            "campaign": campaign,
            "summary": summary,
            "blocks": text_blocks(summary.text) if summary else [],
            "form": form,
            "steps": CAMPAIGN_STEPS.steps_for(campaign, request.user),
        },
        status=status,
    )


@login_required
def summary_publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _organiser_campaign(request, pk, "summarise")
    if request.method == "POST":
        again = "again" in request.POST  # a failed render, sent back to the worker
        try:
            if again:
                services.summary_render_again(actor=request.user, campaign_id=campaign.pk)
            else:
                services.summary_publish(actor=request.user, campaign_id=campaign.pk)
        except NotPermitted:
            raise PermissionDenied from None
        except CampaignError as exc:
            messages.error(request, exc.message)
        else:
            done = _("正在重新生成总结PDF。") if again else _("总结已发布，行动已总结；PDF正在生成。")
            messages.success(request, done)
        return redirect("campaigns:summary_edit", pk=campaign.pk)
    reason = CAMPAIGN_STEPS.steps_for(campaign, request.user)["summarise"]
    context = {"campaign": campaign, "summary": _summary_of(campaign), "reason": reason}
    return render(request, "campaigns/summary_publish.html", context)


@login_required
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    campaign = get_campaign_for_user(request.user, pk)
    summary = _summary_of(campaign)
    if summary is None or not summary.has_file:
        raise Http404
    return pdf_download(summary.file, summary.download_name)


@login_required
def task_reports_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Every unit's report, printed; above TASK_REPORTS_PDF_SYNC_MAX units, by a worker."""
    task = get_task_for_user(request.user, pk, right=CampaignRight.EXPORT)  # 404 outside before 403
    return export_response(request, TASK_REPORTS_PDF, fixed={"task": str(task.pk)})
