"""Hazard pages: one hazard, 我的隐患, registration and each step of the 五落实 lifecycle.

Every view reads top to bottom: scope helper (404 outside the scope) → right (403) → form →
service → message → redirect. GET of a step shows its form (or why it cannot be taken now).
Which steps a user may take, and why not, is read from the declaration in
inspections/lifecycle.py, the same table the services refuse by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import services
from inspections.forms.hazards import (
    CompletionForm,
    EnterprisePickerForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FixOnSpotForm,
    HazardCreateForm,
    PlanDecisionForm,
    PlanForm,
    StepForm,
    SupervisionForm,
    VerifyForm,
)
from inspections.lifecycle import HAZARD_STEPS
from inspections.models import CompletionReport, Hazard, HazardEvent, HazardExtension, HazardPlan
from inspections.rights import InspectionRight
from inspections.scope import get_hazard_for_user, hazards_visible_to
from inspections.timeline import hazard_timeline
from safetyops.core.errors import NotPermitted, ServiceError
from safetyops.core.steps import Offered
from safetyops.evidence.models import Attachment
from safetyops.orgs.scope import get_enterprise_for_user, require_right, scope_for
from safetyops.orgs.selectors import enterprise_search

Status = Hazard.Status
PICKER_LIMIT = 20
CLOSED_SHOWN = 50


# What the current user can do now -------------------------------------------------------------


def hazard_steps(user: Any, hazard: Hazard) -> Offered:
    """The steps the user may take on the hazard now, with the reasons for the others."""
    return Offered(HAZARD_STEPS.steps_for(hazard, user))


def _pending_extension(hazard: Hazard) -> HazardExtension | None:
    return hazard.extensions.filter(decision=HazardExtension.Decision.PENDING).first()


def _require_step_allowed_for(user: Any, hazard: Hazard, step: str) -> None:
    """A step the user's role may never take on this hazard (not theirs, 重大 above them) is 403."""
    if HAZARD_STEPS.forbids(step, hazard, user) is not None:
        raise PermissionDenied


# Detail ---------------------------------------------------------------------------------------


@login_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk)
    prefetch_related_objects(
        [hazard],
        "registered_by",
        "closed_by",
        Prefetch(
            "events",
            queryset=HazardEvent.objects.select_related("actor").prefetch_related("attachments"),
        ),
        Prefetch("plans", queryset=HazardPlan.objects.select_related("submitted_by", "decided_by")),
        Prefetch("extensions", queryset=HazardExtension.objects.select_related("requested_by", "decided_by")),
        Prefetch("completion_reports", queryset=CompletionReport.objects.select_related("submitted_by")),
    )
    extensions = list(hazard.extensions.all())
    pending = any(e.decision == HazardExtension.Decision.PENDING for e in extensions)
    steps = hazard_steps(request.user, hazard)
    # An inspector who may not close this one on the spot is told why (自查, another inspection, too late).
    spot = (
        steps.reason("fix_on_spot")
        if InspectionRight.INSPECT in scope_for(request.user).rights
        and hazard.status == Status.REGISTERED
        and hazard.level == Hazard.Level.GENERAL
        else ""
    )
    return render(
        request,
        "inspections/hazard_detail.html",
        {
            "hazard": hazard,
            "area": hazard.node.full_name(),
            "events": hazard_timeline(hazard, enterprise_viewer=scope_for(request.user).enterprise_id),
            "plans": hazard.plans.all(),
            "extensions": extensions,
            "reports": hazard.completion_reports.all(),
            "steps": steps,
            "fix_on_spot_note": spot,
            "pending_extension": pending,
            "is_enterprise": scope_for(request.user).enterprise_id is not None,
        },
    )


# 我的隐患 --------------------------------------------------------------------------------------


@dataclass
class HazardRow:
    hazard: Hazard
    next_step: str
    overdue_days: int
    needs_us: bool  # the enterprise has to act (rather than wait for the office)


def _next_step(hazard: Any, overdue: bool) -> tuple[str, bool]:
    """What the enterprise has to do next, and by when; and whether it is the enterprise's turn."""
    deadline = hazard.deadline.isoformat()
    if hazard.status == Status.REGISTERED:
        if overdue:
            return _("已逾期，请立即提交整改方案（期限 %(d)s）") % {"d": deadline}, True
        if hazard.plan_returned:
            return _("方案已退回，请在 %(d)s 前修改后重新提交") % {"d": deadline}, True
        return _("请在 %(d)s 前提交整改方案") % {"d": deadline}, True
    if hazard.status == Status.PLAN_PENDING:
        return _("方案待安监办审批"), False
    if hazard.status == Status.RECTIFYING:
        if overdue:
            return _("已逾期，请立即完成整改并报告（期限 %(d)s）") % {"d": deadline}, True
        return _("整改中，请在 %(d)s 前报告完成") % {"d": deadline}, True
    return _("待验收"), False


@login_required
def my_hazards(request: HttpRequest) -> HttpResponse:
    require_right(request.user, InspectionRight.HAZARD_RESPOND)
    if scope_for(request.user).enterprise_id is None:
        raise PermissionDenied
    today = timezone.localdate()
    hazards = hazards_visible_to(request.user).annotate(
        pending_extension=Exists(
            HazardExtension.objects.filter(hazard=OuterRef("pk"), decision=HazardExtension.Decision.PENDING)
        ),
        plan_returned=Exists(HazardPlan.objects.filter(hazard=OuterRef("pk"), decision=HazardPlan.Decision.RETURNED)),
    )
    rows = []
    for hazard in hazards.filter(status__in=Hazard.OPEN_STATUSES):
        overdue_days = hazard.days_overdue(today)
        text, needs_us = _next_step(hazard, overdue_days > 0)
        rows.append(HazardRow(hazard, text, overdue_days, needs_us))
    # Overdue first (the longest overdue on top), then what the enterprise must do, then what waits.
    rows.sort(
        key=lambda r: (
            r.overdue_days == 0,
            not r.needs_us,
            r.hazard.deadline,
            r.hazard.level != Hazard.Level.MAJOR,
            r.hazard.pk,
        )
    )
    closed = list(hazards.filter(status=Status.CLOSED).order_by("-closed_at", "-pk")[:CLOSED_SHOWN])
    return render(
        request,
        "inspections/my_hazards.html",
        {
            "rows": rows,
            "overdue_count": sum(1 for r in rows if r.overdue_days),
            "closed": closed,
            "closed_limit": CLOSED_SHOWN,
            "can_self_report": InspectionRight.HAZARD_SELF_REPORT in scope_for(request.user).rights,
        },
    )


# Registration ---------------------------------------------------------------------------------


@login_required
def hazard_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    enterprise_pk = request.GET.get("enterprise") or scope.enterprise_id
    if not enterprise_pk:
        require_right(request.user, InspectionRight.INSPECT)
        return _enterprise_picker(request)
    enterprise = get_enterprise_for_user(request.user, enterprise_pk)
    official = scope.enterprise_id is None
    require_right(request.user, InspectionRight.INSPECT if official else InspectionRight.HAZARD_SELF_REPORT)
    form = HazardCreateForm(request.POST or None, request.FILES or None, enterprise=enterprise, official=official)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hazard = _apply(
            request,
            lambda: services.hazard_register(
                actor=request.user,
                enterprise_id=enterprise.pk,
                data=form.to_input(),
                photos=data["photos"],
                key=form.idempotency_key,
            ),
        )
        if hazard is not None:
            messages.success(
                request,
                _("已登记隐患 %(n)s，整改期限 %(d)s。") % {"n": hazard.number, "d": hazard.deadline.isoformat()},
            )
            return redirect("inspections:hazard_detail", pk=hazard.pk)
    return render(
        request,
        "inspections/hazard_create.html",
        {"form": form, "enterprise": enterprise, "official": official},
        status=400 if request.method == "POST" else 200,
    )


def _enterprise_picker(request: HttpRequest) -> HttpResponse:
    """An official chooses the enterprise first (the page is then reloaded with ?enterprise=)."""
    form = EnterprisePickerForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    found = enterprise_search(user=request.user, filters={"q": query}).order_by("name", "pk")[:PICKER_LIMIT]
    return render(
        request,
        "inspections/hazard_create.html",
        {"picker": form, "found": found, "query": query, "picker_limit": PICKER_LIMIT},
    )


# Lifecycle steps ------------------------------------------------------------------------------


def _apply(request: HttpRequest, action: Callable[[], Hazard]) -> Hazard | None:
    """Run a service. A wrong role answers 403; a step not allowed now is shown, nothing changed."""
    try:
        return action()
    except NotPermitted:
        raise PermissionDenied from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    return None


def _step(
    request: HttpRequest,
    hazard: Hazard,
    form: StepForm,
    *,
    step: str,
    title: str,
    run: Callable[[dict[str, Any], str | None], Hazard],
    success: str,
    submit: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The common body of a step view: validate, call the service, then redirect or re-render."""
    if request.method == "POST" and form.is_valid():
        done = _apply(request, lambda: run(form.cleaned_data, form.idempotency_key))
        if done is not None:
            messages.success(request, success)
            return redirect("inspections:hazard_detail", pk=hazard.pk)
    refusal = HAZARD_STEPS.refusal(step, hazard, request.user)
    context = {
        "hazard": hazard,
        "form": form,
        "title": title,
        "submit": submit,
        "available": refusal is None,
        "reason": refusal.message if refusal else "",
        **(extra or {}),
    }
    return render(request, "inspections/hazard_step.html", context, status=400 if request.method == "POST" else 200)


def _post_files(request: HttpRequest) -> tuple[Any, Any]:
    return (request.POST or None, request.FILES or None) if request.method == "POST" else (None, None)


@login_required
def hazard_plan(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk, right=InspectionRight.HAZARD_RESPOND)
    _require_step_allowed_for(request.user, hazard, "plan")
    returned = hazard.plans.filter(decision=HazardPlan.Decision.RETURNED).order_by("-submitted_at", "-pk").first()
    # A returned plan is the starting point of the next one: the enterprise corrects, not retypes.
    initial = {name: getattr(returned, name) for name in PlanForm.base_fields if name != "key"} if returned else {}
    form = PlanForm(request.POST or None, hazard=hazard, initial=initial)
    major = hazard.level == Hazard.Level.MAJOR
    return _step(
        request,
        hazard,
        form,
        step="plan",
        title=_("提交重大隐患治理方案") if major else _("提交整改方案（五落实）"),
        run=lambda data, key: services.hazard_submit_plan(
            actor=request.user, hazard_id=hazard.pk, plan=form.to_input(), key=key
        ),
        success=_("方案已提交，等待安监办审批。") if major else _("方案已提交并生效，请按期完成整改后报告。"),
        submit=_("提交方案"),
        extra={"returned_plan": returned},
    )


@login_required
def hazard_plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk, right=InspectionRight.HAZARD_REVIEW)
    form = PlanDecisionForm(request.POST or None)

    def run(data: dict[str, Any], key: str | None) -> Hazard:
        if data["decision"] == PlanDecisionForm.APPROVE:
            return services.hazard_approve_plan(
                actor=request.user, hazard_id=hazard.pk, comment=data["comment"], key=key
            )
        return services.hazard_return_plan(actor=request.user, hazard_id=hazard.pk, reason=data["comment"], key=key)

    approve = form.is_bound and form.data.get("decision") == PlanDecisionForm.APPROVE
    return _step(
        request,
        hazard,
        form,
        step="plan_decide",
        title=_("审批整改方案"),
        run=run,
        success=_("已批准方案，隐患进入整改。") if approve else _("已退回方案，企业将按意见修改。"),
        submit=_("提交审批"),
        extra={"pending_plan": hazard.plans.filter(decision=HazardPlan.Decision.PENDING).order_by("-pk").first()},
    )


@login_required
def hazard_completion(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk, right=InspectionRight.HAZARD_RESPOND)
    _require_step_allowed_for(request.user, hazard, "completion")
    form = CompletionForm(*_post_files(request))
    return _step(
        request,
        hazard,
        form,
        step="completion",
        title=_("报告整改完成"),
        run=lambda data, key: services.hazard_report_completion(
            actor=request.user,
            hazard_id=hazard.pk,
            description=data["description"],
            money_spent=data["money_spent"],
            after_photos=data["after_photos"],
            documents=data["documents"],
            key=key,
        ),
        success=_("已报告整改完成，等待安监办验收。"),
        submit=_("提交验收申请"),
    )


@login_required
def hazard_verify(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk, right=InspectionRight.HAZARD_REVIEW)
    _require_step_allowed_for(request.user, hazard, "verify")
    form = VerifyForm(request.POST or None, hazard=hazard)

    def run(data: dict[str, Any], key: str | None) -> Hazard:
        if data["decision"] == VerifyForm.VERIFY:
            return services.hazard_verify(
                actor=request.user,
                hazard_id=hazard.pk,
                opinion=data["opinion"],
                expert_opinion=data.get("expert_opinion") or "",
                key=key,
            )
        return services.hazard_reject_verification(
            actor=request.user, hazard_id=hazard.pk, reason=data["opinion"], new_deadline=data["new_deadline"], key=key
        )

    verify = form.is_bound and form.data.get("decision") == VerifyForm.VERIFY
    report_event = (
        hazard.events.filter(action=HazardEvent.Action.COMPLETION_REPORTED)
        .select_related("actor")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")
        .first()
    )
    return _step(
        request,
        hazard,
        form,
        step="verify",
        title=_("验收销号"),
        run=run,
        success=_("验收通过，隐患已销号。") if verify else _("验收不通过，已退回企业继续整改。"),
        submit=_("提交验收结论"),
        extra={
            "report": hazard.completion_reports.order_by("-submitted_at", "-pk").first(),
            "report_event": report_event,
            # What was found, to verify against.
            "before_photos": list(hazard.attachments.filter(role=Attachment.Role.BEFORE).order_by("uploaded_at", "pk")),
        },
    )


@login_required
def hazard_extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk, right=InspectionRight.HAZARD_RESPOND)
    _require_step_allowed_for(request.user, hazard, "extension_request")
    form = ExtensionRequestForm(request.POST or None, hazard=hazard)
    return _step(
        request,
        hazard,
        form,
        step="extension_request",
        title=_("申请延期"),
        run=lambda data, key: services.hazard_request_extension(
            actor=request.user,
            hazard_id=hazard.pk,
            reason=data["reason"],
            requested_deadline=data["requested_deadline"],
            key=key,
        ),
        success=_("延期申请已提交，等待安监办审批；审批前请按原期限推进整改。"),
        submit=_("提交延期申请"),
    )


@login_required
def hazard_extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk, right=InspectionRight.HAZARD_REVIEW)
    pending = _pending_extension(hazard)
    form = ExtensionDecisionForm(request.POST or None, extension=pending)

    def run(data: dict[str, Any], key: str | None) -> Hazard:
        return services.hazard_decide_extension(
            actor=request.user,
            hazard_id=hazard.pk,
            approve=data["decision"] == ExtensionDecisionForm.APPROVE,
            comment=data["comment"],
            approved_deadline=data["approved_deadline"],
            key=key,
        )

    approve = form.is_bound and form.data.get("decision") == ExtensionDecisionForm.APPROVE
    return _step(
        request,
        hazard,
        form,
        step="extension_decide",
        title=_("审批延期申请"),
        run=run,
        success=_("已同意延期，整改期限已更新。") if approve else _("已答复不同意延期。"),
        submit=_("提交审批"),
        extra={"extension": pending},
    )


@login_required
def hazard_fix_on_spot(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk, right=InspectionRight.INSPECT)
    form = FixOnSpotForm(*_post_files(request))
    return _step(
        request,
        hazard,
        form,
        step="fix_on_spot",
        title=_("当场整改销号"),
        run=lambda data, key: services.hazard_fix_on_spot(
            actor=request.user, hazard_id=hazard.pk, after_photos=data["after_photos"], comment=data["comment"], key=key
        ),
        success=_("已确认当场整改，隐患已销号。"),
        submit=_("确认销号"),
    )


@login_required
def hazard_list_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk, right=InspectionRight.HAZARD_LIST_SUPERVISION)
    form = SupervisionForm(request.POST or None)
    return _step(
        request,
        hazard,
        form,
        step="list_supervision",
        title=_("挂牌督办"),
        run=lambda data, key: services.hazard_list_supervision(
            actor=request.user, hazard_id=hazard.pk, comment=data["comment"], key=key
        ),
        success=_("已挂牌督办。"),
        submit=_("确认挂牌督办"),
    )
