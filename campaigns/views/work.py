"""The work of a campaign: activities and their results, report tasks, one unit's report (the
pre-filled form, its versions), the organiser's overview and returning a report, and 本单位任务
(what is addressed to the user's own unit).

A unit's work is found through campaigns.scope.units_q (404 outside it); only the unit addressed
(units_for_q) reports, only the organiser plans and returns (403 for anyone else in scope).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, QuerySet, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.activities import activity_create as create_activity
from campaigns.activities import activity_report
from campaigns.errors import CampaignError, NotPermitted
from campaigns.forms import ActivityForm, ActivityResultForm, ReportForm, ReturnForm, TaskForm
from campaigns.lifecycle import CAMPAIGN_STEPS, REPORTABLE
from campaigns.models import Activity, ActivityAssignment, Campaign, ReportTask, ReportVersion, UnitReport
from campaigns.overview import task_overview as overview_rows
from campaigns.planning import activity_remove, task_remove
from campaigns.reports import (
    State,
    report_prefill,
    report_return,
    report_state,
    report_submit,
    task_create,
    versions_diff,
)
from campaigns.rights import CampaignRight
from campaigns.scope import campaigns_visible_to, get_task_for_user, is_organiser
from campaigns.views.campaigns import actor_of, campaign_for_page
from safetyops.core import records
from safetyops.orgs.scope import has_right, scope_for
from safetyops.orgs.units import units_for_q, units_q

Status = Campaign.Status


def _planner(request: HttpRequest, pk: int) -> Campaign:
    campaign = campaign_for_page(request.user, pk)
    if (refused := CAMPAIGN_STEPS.forbids("plan", campaign, request.user)) is not None:
        raise PermissionDenied(refused.message)
    return campaign


def _visible_work(user: Any, model: Any, campaign_path: str) -> QuerySet[Any]:
    """Rows of a unit's work the user sees: their units' (units_q), and not of another side's draft."""
    visible = campaigns_visible_to(user).values("pk")
    return model.objects.filter(units_q(user)).filter(
        ~Q(**{f"{campaign_path}__status": Status.DRAFT}) | Q(**{f"{campaign_path}__in": visible})
    )


def figure_label(item: dict[str, Any]) -> str:
    """A task figure's label: the library's, or the free figure's own."""
    found = records.figure(item["key"])
    return str(found.label) if found is not None else str(item.get("label", item["key"]))


def _addressed(user: Any, obj: Any) -> bool:
    return type(obj).objects.filter(pk=obj.pk).filter(units_for_q(user)).exists()


# Activities ----------------------------------------------------------------------------------------


@login_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _planner(request, pk)
    form = ActivityForm(request.POST or None, node=campaign.node)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = create_activity(
                actor=actor_of(request),
                campaign_id=campaign.pk,
                kind=data["kind"],
                title=data["title"],
                units=data["unit_list"],
                planned_on=data["planned_on"],
                due_on=data["due_on"],
                description=data["description"],
            )
        except CampaignError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已安排活动“%(title)s”。") % {"title": activity.title})
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/activity_form.html", {"campaign": campaign, "form": form})


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = Activity.objects.select_related("campaign__node").filter(pk=pk).first()
    if activity is None:
        raise Http404
    campaign = campaign_for_page(request.user, activity.campaign_id)
    assignments = list(
        activity.assignments.filter(units_q(request.user))
        .select_related("node", "department", "enterprise", "area")
        .prefetch_related("attachments")
        .order_by("area__path", "pk")
    )
    context = {
        "campaign": campaign,
        "activity": activity,
        "assignments": assignments,
        "reported": sum(1 for a in assignments if a.reported),
        "can_remove": CAMPAIGN_STEPS.allows("edit", campaign, request.user),
    }
    return render(request, "campaigns/activity_detail.html", context)


@login_required
def assignment_report(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = (
        _visible_work(request.user, ActivityAssignment, "activity__campaign")
        .select_related("activity__campaign__node", "node", "department", "enterprise", "area")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    campaign = assignment.activity.campaign
    addressed = _addressed(request.user, assignment) and has_right(request.user, CampaignRight.REPORT)
    open_ = campaign.status in REPORTABLE
    initial = {
        "held_on": assignment.held_on or assignment.activity.planned_on,
        "place": assignment.place,
        "participants": assignment.participants,
        "summary": assignment.summary,
    }
    form = ActivityResultForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if not addressed:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                activity_report(
                    actor=actor_of(request),
                    assignment_id=assignment.pk,
                    held_on=data["held_on"],
                    summary=data["summary"],
                    place=data["place"],
                    participants=data["participants"],
                    photos=data.get("photos") or [],
                )
            except NotPermitted as exc:
                raise PermissionDenied from exc
            except CampaignError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已报送“%(title)s”开展情况。") % {"title": assignment.activity.title})
                return redirect("campaigns:assignment_report", pk=assignment.pk)
    context = {
        "assignment": assignment,
        "activity": assignment.activity,
        "campaign": campaign,
        "form": form,
        "can_report": addressed and open_,
        "sees_campaign": campaigns_visible_to(request.user).filter(pk=campaign.pk).exists(),
        "photos": list(assignment.attachments.order_by("pk")),
    }
    return render(request, "campaigns/assignment_report.html", context)


# Report tasks ----------------------------------------------------------------------------------------


@login_required
def task_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _planner(request, pk)
    form = TaskForm(request.POST or None, node=campaign.node)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = task_create(
                actor=actor_of(request),
                campaign_id=campaign.pk,
                title=data["title"],
                deadline=data["deadline"],
                units=data["unit_list"],
                figures=data["figure_list"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                instructions=data["instructions"],
            )
        except CampaignError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已下发报送任务“%(title)s”。") % {"title": task.title})
            return redirect("campaigns:task_overview", pk=task.pk)
    return render(request, "campaigns/task_form.html", {"campaign": campaign, "form": form})


def _cell(item: dict[str, Any] | None) -> tuple[str, str]:
    """A figure of a unit's latest version for the overview table: its value, and the note when it
    differs from the system's value ("" otherwise)."""
    if not item:
        return "", ""
    corrected = item.get("system") is not None and item.get("system") != item.get("value")
    return str(item.get("value", "")), (str(item.get("note") or "") if corrected else "")


@login_required
def task_overview(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    campaign = task.campaign
    rows = overview_rows(user=request.user, task=task)
    counts = {state: 0 for state in State.LABELS}
    for row in rows:
        counts[row.state] += 1
    keys = [item["key"] for item in task.figures]
    table = [(row, [_cell(row.figures.get(key)) for key in keys]) for row in rows]
    context = {
        "task": task,
        "campaign": campaign,
        "rows": rows,
        "table": table,
        "counts": [(State.BADGES[state], label, counts[state]) for state, label in State.LABELS.items()],
        "organiser": is_organiser(request.user, campaign),
        "can_remove": CAMPAIGN_STEPS.allows("edit", campaign, request.user),
        "can_export": has_right(request.user, CampaignRight.EXPORT),
        "figures": [figure_label(item) for item in task.figures],
    }
    return render(request, "campaigns/task_overview.html", context)


# One unit's report ----------------------------------------------------------------------------------


def _report_for(user: Any, pk: int) -> UnitReport:
    report = (
        _visible_work(user, UnitReport, "task__campaign")
        .select_related("task__campaign__node", "node", "department", "enterprise", "area")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request.user, pk)
    task, campaign = report.task, report.task.campaign
    versions = list(
        ReportVersion.objects.filter(report=report)
        .select_related("submitted_by")
        .prefetch_related("attachments")
        .order_by("number")
    )
    latest = versions[-1] if versions else None
    today = timezone.localdate()
    addressed = _addressed(request.user, report) and has_right(request.user, CampaignRight.REPORT)
    may_submit = (
        addressed
        and campaign.status in REPORTABLE
        and not (report.status == UnitReport.Status.SUBMITTED and today > task.deadline)
    )
    prefilled = report_prefill(report) if may_submit else []
    form = ReportForm(request.POST or None, request.FILES or None, prefilled=prefilled)
    if latest is not None and not form.is_bound:
        for key, item in latest.figures.items():
            if f"value_{key}" in form.fields:
                form.fields[f"value_{key}"].initial = item.get("value", "")
                form.fields[f"note_{key}"].initial = item.get("note", "")
        form.fields["text"].initial = latest.text
    if request.method == "POST":
        if not addressed:
            raise PermissionDenied
        if form.is_valid():
            try:
                report_submit(
                    actor=actor_of(request),
                    report_id=report.pk,
                    values=form.values(),
                    notes=form.notes(),
                    text=form.cleaned_data["text"],
                    zero=form.cleaned_data["zero"],
                    files=form.cleaned_data.get("attachments") or [],
                    key=form.cleaned_data["key"] or None,
                )
            except NotPermitted as exc:
                raise PermissionDenied from exc
            except CampaignError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已报送“%(title)s”。") % {"title": task.title})
                return redirect("campaigns:report_detail", pk=report.pk)
    labels = {item["key"]: figure_label(item) for item in task.figures}
    labels["text"] = _("工作情况")
    history = [
        (
            version,
            [(labels.get(key, key), item) for key, item in version.figures.items()],
            [(labels.get(key, key), old, new) for key, old, new in versions_diff(versions[i - 1], version)]
            if i
            else [],
        )
        for i, version in enumerate(versions)
    ]
    state = report_state(report, latest, today=today, first_late=versions[0].late if versions else None)
    context = {
        "report": report,
        "task": task,
        "campaign": campaign,
        "form": form,
        "may_submit": may_submit,
        "addressed": addressed,
        "history": list(reversed(history)),
        "latest": latest,
        "state": state,
        "state_label": State.LABELS[state],
        "state_badge": State.BADGES[state],
        "organiser": is_organiser(request.user, campaign),
        "can_return": is_organiser(request.user, campaign)
        and report.status == UnitReport.Status.SUBMITTED
        and campaign.status in REPORTABLE,
        "sees_campaign": campaigns_visible_to(request.user).filter(pk=campaign.pk).exists(),
        "past_deadline": today > task.deadline,
    }
    return render(request, "campaigns/report_detail.html", context)


@login_required
def report_return_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request.user, pk)
    campaign = report.task.campaign
    if (refused := CAMPAIGN_STEPS.forbids("plan", campaign, request.user)) is not None:
        raise PermissionDenied(refused.message)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_return(actor=actor_of(request), report_id=report.pk, reason=form.cleaned_data["reason"])
        except CampaignError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已退回“%(unit)s”的报告，对方将收到通知。") % {"unit": report.unit_name})
            return redirect("campaigns:task_overview", pk=report.task_id)
    return render(request, "campaigns/report_return.html", {"report": report, "campaign": campaign, "form": form})


# 本单位任务 -------------------------------------------------------------------------------------------


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """What the active and ended campaigns ask of the user's own unit: activities to report, reports to submit."""
    scope = scope_for(request.user)
    if not has_right(request.user, CampaignRight.REPORT) or (scope.node_path is None and scope.enterprise_id is None):
        raise PermissionDenied
    mine = units_for_q(request.user)
    open_campaigns = Q(status__in=REPORTABLE)
    today = timezone.localdate()
    assignments = list(
        ActivityAssignment.objects.filter(mine, activity__campaign__in=Campaign.objects.filter(open_campaigns))
        .select_related("activity__campaign")
        .order_by(F("reported_at").asc(nulls_first=True), "-activity__planned_on", "pk")[:200]
    )
    reports = list(
        UnitReport.objects.filter(mine, task__campaign__in=Campaign.objects.filter(open_campaigns))
        .select_related("task__campaign")
        .annotate(done=Case(When(status=UnitReport.Status.SUBMITTED, then=1), default=0))
        .order_by("done", "-task__deadline", "pk")[:200]
    )
    context = {
        "assignments": assignments,
        "reports": reports,
        "today": today,
        "is_enterprise": scope.enterprise_id is not None,
    }
    return render(request, "campaigns/my_work.html", context)


# Removing proposed work from a draft -------------------------------------------------------------------


def _remove_page(request: HttpRequest, obj: Activity | ReportTask, remove: Any, what: str) -> HttpResponse:
    campaign = campaign_for_page(request.user, obj.campaign_id)
    if (refused := CAMPAIGN_STEPS.forbids("edit", campaign, request.user)) is not None:
        raise PermissionDenied(refused.message)
    problem = CAMPAIGN_STEPS.refusal("edit", campaign, request.user)
    if request.method == "POST" and problem is None:
        try:
            remove(actor_of(request), obj.pk)
        except CampaignError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已移除“%(title)s”。") % {"title": obj.title})
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    context = {"campaign": campaign, "obj": obj, "what": what, "problem": problem}
    return render(request, "campaigns/work_remove.html", context)


@login_required
def activity_remove_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = Activity.objects.filter(pk=pk).first()
    if activity is None:
        raise Http404
    return _remove_page(request, activity, lambda actor, pk: activity_remove(actor=actor, activity_id=pk), _("活动"))


@login_required
def task_remove_page(request: HttpRequest, pk: int) -> HttpResponse:
    task = ReportTask.objects.filter(pk=pk).first()
    if task is None:
        raise Http404
    return _remove_page(request, task, lambda actor, pk: task_remove(actor=actor, task_id=pk), _("报送任务"))
