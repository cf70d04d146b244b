"""Campaign pages: the list, a new campaign from its kind's proposal, the campaign, editing a
draft, launch and end, the progress page and the target list.

Outside the scope is 404 (campaigns.scope); in scope without the organiser's role is 403 for every
step (CAMPAIGN_STEPS); the services say in Chinese why a step cannot be taken now.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import services
from campaigns.errors import CampaignError, NotPermitted
from campaigns.forms import CampaignForm, ProposedActivities, ProposedTasks, TaskForm
from campaigns.lifecycle import CAMPAIGN_STEPS
from campaigns.models import Activity, ActivityAssignment, Campaign, Summary, UnitReport
from campaigns.overview import campaign_overview
from campaigns.planning import PlannedActivity, PlannedTask, campaign_create_planned, campaign_update_planned
from campaigns.progress import (
    campaign_progress,
    current_targets,
    not_inspected_pages,
    page_coverage,
    progress_snapshot,
    shared_for_large_parts,
)
from campaigns.proposals import proposal_for
from campaigns.reports import State
from campaigns.rights import CampaignRight
from campaigns.scope import campaigns_visible_to, get_campaign_for_user, is_organiser, targets_visible_to
from safetyops.core.steps import Offered
from safetyops.evidence.views import attachment_response
from safetyops.orgs.models import Enterprise, User
from safetyops.orgs.scope import has_right, scope_for
from safetyops.orgs.units import units_for_q, units_q

PAGE_SIZE = 20
Status = Campaign.Status


def actor_of(request: HttpRequest) -> User:
    """The signed-in user (every view here is login_required)."""
    return cast(User, request.user)


def campaign_for_page(user: Any, pk: int) -> Campaign:
    """A campaign page: in scope (else 404)."""
    return get_campaign_for_user(user, pk)


def _organiser_node(user: Any) -> Any:
    scope = scope_for(user)
    if scope.node_id is None or not has_right(user, CampaignRight.ORGANISE):
        raise PermissionDenied
    return user.membership.node


# List --------------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.node_path is None and not scope.everything:
        raise PermissionDenied  # enterprise users: their work is on 本单位任务 (my_work)
    qs = campaigns_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    page = Paginator(qs.order_by("-starts_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    coverage = page_coverage(request.user, [c for c in page if c.status != Status.DRAFT])
    rows = [(campaign, coverage.get(campaign.pk)) for campaign in page]
    context = {
        "page": page,
        "rows": rows,
        "statuses": Status.choices,
        "status": status,
        "year": year,
        "can_organise": has_right(request.user, CampaignRight.ORGANISE) and scope.node_id is not None,
        "kinds": Campaign.Kind.choices,
    }
    return render(request, "campaigns/campaign_list.html", context)


# Create and edit -----------------------------------------------------------------------------------


def _planned(activities: Any, tasks: Any) -> tuple[list[PlannedActivity], list[PlannedTask]]:
    planned_activities = [
        PlannedActivity(f["kind"], f["title"], f.get("planned_on"), f.get("due_on"), f.get("description", ""))
        for f in activities.cleaned_data
        if f.get("include")
    ]
    planned_tasks = [
        PlannedTask(
            f["title"],
            f["deadline"],
            [{"key": key} for key in (f.get("figures") or "").split(",") if key],
            f.get("instructions", ""),
        )
        for f in tasks.cleaned_data
        if f.get("include")
    ]
    return planned_activities, planned_tasks


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    node = _organiser_node(request.user)
    today = timezone.localdate()
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in Campaign.Kind.values:
        return render(request, "campaigns/campaign_kind.html", {"kinds": Campaign.Kind.choices, "year": today.year})
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else today.year
    proposal = proposal_for(kind, year=year, today=today, topic=request.GET.get("topic", ""))
    activity_initial = [vars(a) for a in proposal.activities]
    task_initial = [{**vars(t), "figures": ",".join(t.figures)} for t in proposal.tasks]
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, request.FILES or None, node=node, initial=CampaignForm.initial_of_proposal(proposal))
    units_form = TaskForm(data, node=node, prefix="u")  # only its units part is used
    activities = ProposedActivities(data, prefix="a", initial=activity_initial)
    tasks = ProposedTasks(data, prefix="t", initial=task_initial)
    if request.method == "POST":
        units_form.is_valid()
        units = units_form.cleaned_data.get("unit_list") or []
        work_wanted = any(f.get("include") for f in (activities.cleaned_data if activities.is_valid() else [])) or any(
            f.get("include") for f in (tasks.cleaned_data if tasks.is_valid() else [])
        )
        if not (activities.is_valid() and tasks.is_valid()):
            form.add_error(None, _("建议的活动或报送任务填写有误，请检查名称和日期。"))
        if form.is_valid() and activities.is_valid() and tasks.is_valid():
            if work_wanted and not units:
                form.add_error(None, _("请选择承办单位，建议的活动和报送任务将发给这些单位。"))
            else:
                planned_activities, planned_tasks = _planned(activities, tasks)
                try:
                    campaign = campaign_create_planned(
                        actor=actor_of(request),
                        node=node,
                        fields=form.service_fields(),
                        activities=planned_activities,
                        tasks=planned_tasks,
                        units=units,
                        plan_files=form.cleaned_data.get("plan") or [],
                    )
                except NotPermitted as exc:
                    raise PermissionDenied from exc
                except CampaignError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request, _("已创建专项行动草稿“%(name)s”，核对后即可启动。") % {"name": campaign.name}
                    )
                    return redirect("campaigns:campaign_detail", pk=campaign.pk)
    context = {
        "form": form,
        "units_form": units_form,
        "activities": activities,
        "tasks": tasks,
        "proposal": proposal,
        "kind": kind,
        "kind_label": Campaign.Kind(kind).label,
        "node": node,
    }
    return render(request, "campaigns/campaign_form.html", context)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_page(request.user, pk)
    if (refused := CAMPAIGN_STEPS.forbids("edit", campaign, request.user)) is not None:
        raise PermissionDenied(refused.message)
    if (problem := CAMPAIGN_STEPS.refusal("edit", campaign, request.user)) is not None:
        messages.error(request, problem.message)
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    form = CampaignForm(
        request.POST or None, request.FILES or None, node=campaign.node, initial=CampaignForm.initial_of(campaign)
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign_update_planned(
                actor=actor_of(request),
                campaign_id=campaign.pk,
                fields=form.service_fields(),
                plan_files=form.cleaned_data.get("plan") or [],
            )
        except CampaignError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign, "node": campaign.node})


# The campaign ---------------------------------------------------------------------------------------


def _task_counts(user: Any, campaign: Campaign) -> list[dict[str, Any]]:
    """Per task, the counts per state of the reports the user sees (campaigns.overview)."""
    out = []
    for item in campaign_overview(user=user, campaign=campaign):
        counts = item.counts
        reported = counts[State.SUBMITTED] + counts[State.LATE] + counts[State.ZERO]
        out.append({"task": item.task, "counts": counts, "reported": reported})
    return out


def _activity_counts(user: Any, campaign: Campaign) -> list[Any]:
    return list(
        Activity.objects.filter(campaign=campaign)
        .annotate(
            units=Count("assignments", filter=Q(units_q(user, "assignments__"))),
            reported=Count(
                "assignments", filter=Q(units_q(user, "assignments__"), assignments__reported_at__isnull=False)
            ),
        )
        .order_by("planned_on", "pk")
    )


def _my_part(user: Any, campaign: Campaign) -> dict[str, Any]:
    """The work addressed to the user's own unit in this campaign."""
    mine = units_for_q(user)
    return {
        "assignments": list(
            ActivityAssignment.objects.filter(mine, activity__campaign=campaign).select_related("activity")
        ),
        "reports": list(UnitReport.objects.filter(mine, task__campaign=campaign).select_related("task")),
    }


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_page(request.user, pk)
    organiser = is_organiser(request.user, campaign)
    steps = Offered(CAMPAIGN_STEPS.steps_for(campaign, request.user)) if organiser else Offered({})
    progress = (
        shared_for_large_parts(
            request.user,
            f"detail:{campaign.pk}:{campaign.status}:{timezone.localdate()}",
            lambda: campaign_progress(user=request.user, campaign=campaign, whole_only=True),
        )[0]
        if campaign.status != Status.DRAFT
        else None
    )
    context = {
        "campaign": campaign,
        "organiser": organiser,
        "steps": steps,
        "progress": progress,
        "tasks": _task_counts(request.user, campaign),
        "activities": _activity_counts(request.user, campaign),
        "mine": _my_part(request.user, campaign),
        "attachments": list(campaign.attachments.order_by("pk")),
        "scope_nodes": list(campaign.scope_nodes.order_by("code")),
        "scope_sectors": list(campaign.scope_sectors.order_by("sort_order")),
        "scope_picked": campaign.scope_enterprises.count(),
        "risk_labels": _risk_labels(campaign),
        "targets_total": campaign.targets.filter(removed_at__isnull=True).count()
        if campaign.status != Status.DRAFT
        else None,
        "scope_count": services.scope_enterprises(campaign).count() if campaign.status == Status.DRAFT else None,
        "can_export": has_right(request.user, CampaignRight.EXPORT),
        "summary_file": campaign.status == Status.SUMMARISED
        and Summary.objects.filter(campaign=campaign).exclude(file="").exists(),
    }
    return render(request, "campaigns/campaign_detail.html", context)


def _risk_labels(campaign: Campaign) -> list[str]:
    labels = dict(Enterprise.RiskLevel.choices)
    return [str(labels.get(level, level)) for level in campaign.scope_risk_levels]


@login_required
def campaign_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """The campaign's plan document, for everyone who sees the campaign (the file is anchored at the
    organiser's node, which a township's scope does not cover)."""
    campaign = campaign_for_page(request.user, pk)
    attachment = campaign.attachments.filter(pk=file_pk).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


def _step_page(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    campaign = campaign_for_page(request.user, pk)
    if (refused := CAMPAIGN_STEPS.forbids(step, campaign, request.user)) is not None:
        raise PermissionDenied(refused.message)
    if request.method == "POST":
        action = services.campaign_launch if step == "launch" else services.campaign_end
        try:
            action(actor=actor_of(request), campaign_id=campaign.pk)
        except CampaignError as exc:
            messages.error(request, exc.message)
        else:
            done = (
                _("行动已启动，目标企业名单已确定，承办单位已收到任务通知。")
                if step == "launch"
                else _("行动已结束，可以起草总结。")
            )
            messages.success(request, done)
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    context = {
        "campaign": campaign,
        "step": step,
        "reason": CAMPAIGN_STEPS.refusal(step, campaign, request.user),
        "scope_count": services.scope_enterprises(campaign).count() if step == "launch" else None,
    }
    return render(request, "campaigns/campaign_confirm.html", context)


@login_required
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(request, pk, "launch")


@login_required
def campaign_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(request, pk, "end")


# Progress and targets ---------------------------------------------------------------------------------


@login_required
def campaign_progress_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_page(request.user, pk)
    if campaign.status == Status.DRAFT:
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    snapshot = progress_snapshot(user=request.user, campaign=campaign)
    progress, daily = snapshot.progress, snapshot.daily
    pending = not_inspected_pages(user=request.user, campaign=campaign, snapshot=snapshot, per_page=30)
    not_inspected = pending.get_page(request.GET.get("page"))
    chart = {
        "daily": {
            "labels": [day.strftime("%m-%d") for day, _n in daily],
            "values": [n for _d, n in daily],
            "goal": progress.whole.targets * campaign.goal_coverage // 100,
            "name": _("累计已检查目标企业"),
        }
    }
    context = {
        "campaign": campaign,
        "progress": progress,
        "snapshot": snapshot,
        "not_inspected": not_inspected,
        "chart": chart,
        "can_inspect": has_right(request.user, "inspection.write") and campaign.status == Status.ACTIVE,
        "can_export": has_right(request.user, CampaignRight.EXPORT),
        "ends_in": (campaign.ends_on - timezone.localdate()).days,
    }
    return render(request, "campaigns/campaign_progress.html", context)


@login_required
def campaign_targets(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_page(request.user, pk)
    show = request.GET.get("show", "")
    qs = current_targets(request.user, campaign) if show != "removed" else campaign.targets.none()
    if show == "removed":
        qs = targets_visible_to(request.user, campaign).filter(removed_at__isnull=False)
    elif show == "later":
        qs = qs.filter(added_later=True)
    text = request.GET.get("q", "").strip()[:60]
    if text:
        qs = qs.filter(enterprise__name__icontains=text)
    page = Paginator(
        qs.select_related("enterprise", "node").order_by("node__path", "enterprise__name", "pk"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request, "campaigns/campaign_targets.html", {"campaign": campaign, "page": page, "show": show, "q": text}
    )
