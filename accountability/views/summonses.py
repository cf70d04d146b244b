"""The 约谈/督办 pages: the list, a new record (from a hazard at 督办/挂牌督办, an accident, a late
report, or a unit), the record, and its steps (record the talk, the unit's report, a commitment
done, follow-up, close, cancel).

Outside the scope is 404 (accountability.scope.get_summons_for_user); in scope without the step's
right or not one's own (the issuer's staff, the summoned unit's people) is 403 (SUMMONS_STEPS.forbids);
the services say in Chinese why a step cannot be taken now.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.errors import NotPermitted
from accountability.models import Summons, SummonsCommitment, SummonsReason
from accountability.rights import AccountabilityRight
from accountability.scope import accidents_visible_to, get_summons_for_user, summonses_visible_to
from accountability.summons import selectors, services
from accountability.summons.errors import SummonsError
from accountability.summons.forms import (
    ListFilterForm,
    NoteForm,
    RecordForm,
    ReportForm,
    SummonsForm,
    parse_commitments,
)
from accountability.summons.lifecycle import SUMMONS_STEPS
from accountability.summons.pdf import summons_pdf, summons_pdf_filename
from campaigns.selectors import late_unit_reports
from inspections.ports import summons_hazard_facts
from safetyops.core.audit import action_label, audit_events_for
from safetyops.core.params import parse_int
from safetyops.core.steps import Offered
from safetyops.core.views import pdf_download
from safetyops.orgs.models import Node, User
from safetyops.orgs.scope import has_right, scope_for

PAGE_SIZE = 30
ENTERPRISES_SHOWN = 20


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


# The list ----------------------------------------------------------------------------------------


@login_required
def summons_list(request: HttpRequest) -> HttpResponse:
    if scope_for(request.user).empty:
        raise PermissionDenied
    form = ListFilterForm(request.GET or None)
    qs = summonses_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["year"]:
            qs = qs.filter(held_on__year=data["year"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["target"]:
            qs = qs.filter(**{f"{data['target']}__isnull": False})
    # A subquery, not a join: COUNT(DISTINCT) grouped the page by every selected column.
    reasons = SummonsReason.objects.filter(summons=OuterRef("pk")).order_by().values("summons")
    qs = qs.annotate(reason_count=Coalesce(Subquery(reasons.annotate(n=Count("pk")).values("n")), 0)).prefetch_related(
        Prefetch("commitments", queryset=SummonsCommitment.objects.order_by("due_on", "pk"))
    )
    page = Paginator(qs.order_by("-held_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(summons, selectors.next_deadline(summons, today)) for summons in page.object_list]
    return render(
        request,
        "accountability/summons/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "today": today,
            "can_issue": has_right(request.user, AccountabilityRight.SUMMONS_ISSUE)
            and scope_for(request.user).node_id is not None,
        },
    )


# A new one ---------------------------------------------------------------------------------------


def _preset(request: HttpRequest, issuer: Node) -> tuple[Any, list[str]]:
    """The target and the ticked reasons the GET parameters ask for (a hazard, an accident, a
    report, or a unit), each only if it lies inside the issuer's part."""
    actor = request.user
    if (hazard_id := parse_int(request.GET.get("hazard"), 1)) is not None:
        facts = summons_hazard_facts(hazard_ids=[hazard_id], node_path=issuer.path, summonable_only=False)
        if not facts:
            messages.error(request, _("该隐患不在本单位管辖范围内。"))
            return None, []
        return selectors.resolve_target(issuer, "enterprise", facts[0].enterprise_id), [f"hazard:{hazard_id}"]
    if (accident_id := parse_int(request.GET.get("accident"), 1)) is not None:
        accident = accidents_visible_to(actor).filter(pk=accident_id, node__path__startswith=issuer.path).first()
        if accident is None:
            messages.error(request, _("该事故不在本单位管辖范围内。"))
            return None, []
        if accident.enterprise_id:
            return selectors.resolve_target(issuer, "enterprise", accident.enterprise_id), [f"accident:{accident_id}"]
        if accident.node_id != issuer.pk:
            return selectors.resolve_target(issuer, "node", accident.node_id), [f"accident:{accident_id}"]
        return None, []
    if (report_id := parse_int(request.GET.get("unit_report"), 1)) is not None:
        reports = late_unit_reports(report_ids=[report_id], area_path=issuer.path)
        if not reports:
            messages.error(request, _("该报表不在本单位管辖范围内，或并未迟报。"))
            return None, []
        report = reports[0]
        kind, pk = (
            ("node", report.node_id)
            if report.node_id
            else ("department", report.department_id)
            if report.department_id
            else ("enterprise", report.enterprise_id)
        )
        return selectors.resolve_target(issuer, kind, pk), [f"unit_report:{report_id}"]
    for kind in ("enterprise", "node", "department"):
        if request.GET.get(kind):
            return selectors.resolve_target(issuer, kind, request.GET.get(kind)), []
    return None, []


def _target_page(request: HttpRequest, issuer: Node) -> HttpResponse:
    """Step one: choose whom to summon (a node, a department, an enterprise; the enterprises with
    hazards at 督办/挂牌督办 or overdue first)."""
    q = (request.GET.get("q") or "").strip()[:50]
    pressing: dict[int, dict[str, Any]] = {}
    for fact in summons_hazard_facts(node_path=issuer.path):
        row = pressing.setdefault(
            fact.enterprise_id,
            {"pk": fact.enterprise_id, "name": fact.enterprise_name, "listed": 0, "supervised": 0, "overdue": 0},
        )
        row["listed" if fact.listed else "supervised" if fact.supervised else "overdue"] += 1
    found = (
        selectors.target_enterprises(issuer).filter(name__icontains=q).order_by("name")[:ENTERPRISES_SHOWN] if q else []
    )
    return render(
        request,
        "accountability/summons/target.html",
        {
            "issuer": issuer,
            "nodes": selectors.target_nodes(issuer),
            "departments": selectors.target_departments(issuer),
            "pressing": list(pressing.values())[:ENTERPRISES_SHOWN],
            "q": q,
            "found": found,
        },
    )


@login_required
def summons_create(request: HttpRequest) -> HttpResponse:
    if not has_right(request.user, AccountabilityRight.SUMMONS_ISSUE):
        raise PermissionDenied
    try:
        issuer = selectors.issuing_node(request.user)
    except SummonsError:
        raise PermissionDenied from None
    try:
        unit, ticked = _preset(request, issuer)
    except SummonsError as refused:
        messages.error(request, refused.message)
        unit, ticked = None, []
    if unit is None:
        return _target_page(request, issuer)
    options = selectors.reason_options(request.user, unit)
    if request.method == "POST":
        form = SummonsForm(request.POST, request.FILES, options=options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                summons = services.summons_create(
                    actor=_actor(request),
                    unit=unit,
                    kind=data["kind"],
                    held_on=data["held_on"],
                    place=data["place"],
                    summoned_by=data["summoned_by"],
                    attendees=data["attendees"],
                    reasons=form.reason_refs(),
                    summary=data["summary"],
                    minutes=data["minutes"],
                    minutes_file=(data["minutes_file"] or [None])[0],
                    commitments=parse_commitments(data["commitments"]),
                    report_due_on=data["report_due_on"],
                    key=data["key"] or None,
                )
            except NotPermitted:
                raise PermissionDenied from None
            except SummonsError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    _("已记录约谈情况，被约谈单位已收到报送整改报告的通知。")
                    if summons.status == Summons.Status.HELD
                    else _("已保存，被约谈单位已收到约谈通知。"),
                )
                return redirect("accountability:summons_detail", pk=summons.pk)
    else:
        form = SummonsForm(options=options, initial={"reasons": ticked, "held_on": timezone.localdate()})
    return render(
        request,
        "accountability/summons/form.html",
        {"form": form, "unit": unit, "issuer": issuer, "unit_kind": selectors.unit_kind(unit)},
    )


# The record --------------------------------------------------------------------------------------


def _timeline(summons: Summons) -> list[dict[str, Any]]:
    return [
        {"label": action_label(event.action), "at": event.created_at, "actor": event.actor, "data": event.data}
        for event in audit_events_for(summons).order_by("created_at", "pk")
    ]


@login_required
def summons_detail(request: HttpRequest, pk: int) -> HttpResponse:
    summons = get_summons_for_user(request.user, pk)
    reasons = list(summons.reasons.all())
    today = timezone.localdate()
    return render(
        request,
        "accountability/summons/detail.html",
        {
            "summons": summons,
            "reasons": [(reason, selectors.reason_link(reason)) for reason in reasons],
            "commitments": list(summons.commitments.select_related("done_by")),
            "attachments": list(summons.attachments.order_by("uploaded_at", "pk")),
            "steps": Offered(SUMMONS_STEPS.steps_for(summons, request.user)),
            "timeline": _timeline(summons),
            "today": today,
            "report_late": bool(
                summons.status == Summons.Status.HELD and summons.report_due_on and summons.report_due_on < today
            ),
        },
    )


@login_required
def summons_pdf_download(request: HttpRequest, pk: int) -> FileResponse:
    summons = get_summons_for_user(request.user, pk)
    return pdf_download(summons_pdf(summons), summons_pdf_filename(summons))


def _step_summons(request: HttpRequest, pk: int, step: str) -> Summons:
    summons = get_summons_for_user(request.user, pk)
    if SUMMONS_STEPS.forbids(step, summons, request.user) is not None:
        raise PermissionDenied
    return summons


def _step_page(request: HttpRequest, summons: Summons, step: str, form: Any, **extra: Any) -> HttpResponse:
    reason = SUMMONS_STEPS.refusal(step, summons, request.user)
    return render(
        request,
        "accountability/summons/step.html",
        {"summons": summons, "step": step, "form": form, "reason": reason, **extra},
    )


def _run(request: HttpRequest, form: Any, action: Any, done: str) -> bool:
    try:
        action()
    except NotPermitted:
        raise PermissionDenied from None
    except SummonsError as refused:
        form.add_error(None, refused.message)
        return False
    messages.success(request, done)
    return True


@login_required
def summons_record(request: HttpRequest, pk: int) -> HttpResponse:
    summons = _step_summons(request, pk, "record")
    if request.method == "POST":
        form = RecordForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data

            def act() -> Any:
                return services.summons_record(
                    actor=_actor(request),
                    summons=summons,
                    held_on=data["held_on"],
                    attendees=data["attendees"],
                    minutes=data["minutes"],
                    minutes_file=(data["minutes_file"] or [None])[0],
                    commitments=parse_commitments(data["commitments"]),
                    report_due_on=data["report_due_on"],
                )

            if _run(request, form, act, _("已记录约谈情况，被约谈单位已收到报送整改报告的通知。")):
                return redirect("accountability:summons_detail", pk=summons.pk)
    else:
        form = RecordForm(initial={"held_on": summons.held_on, "attendees": summons.attendees})
    return _step_page(request, summons, "record", form)


@login_required
def summons_report(request: HttpRequest, pk: int) -> HttpResponse:
    summons = _step_summons(request, pk, "report")
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data

            def act() -> Any:
                return services.summons_report(
                    actor=_actor(request), summons=summons, text=data["text"], files=data["attachments"] or []
                )

            if _run(request, form, act, _("整改报告已报送，约谈单位已收到通知。")):
                return redirect("accountability:summons_detail", pk=summons.pk)
    else:
        form = ReportForm()
    return _step_page(request, summons, "report", form)


@login_required
def summons_commitment_done(request: HttpRequest, pk: int, commitment_pk: int) -> HttpResponse:
    summons = _step_summons(request, pk, "commitment_done")
    commitment = get_object_or_404(SummonsCommitment, pk=commitment_pk, summons=summons)
    form = NoteForm(request.POST or None, label=_("完成情况"))
    if request.method == "POST" and form.is_valid():

        def act() -> Any:
            return services.summons_commitment_done(
                actor=_actor(request), commitment=commitment, note=form.cleaned_data["note"]
            )

        if _run(request, form, act, _("已报告该项承诺完成。")):
            return redirect("accountability:summons_detail", pk=summons.pk)
    return _step_page(request, summons, "commitment_done", form, commitment=commitment)


def _note_step(
    request: HttpRequest, pk: int, step: str, label: str, service: Any, done: str, required: bool = True
) -> HttpResponse:
    summons = _step_summons(request, pk, step)
    form = NoteForm(request.POST or None, label=label, required=required)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        if _run(
            request,
            form,
            lambda: service(
                actor=_actor(request), summons=summons, **{"note" if step == "follow_up" else "reason": note}
            ),
            done,
        ):
            return redirect("accountability:summons_detail", pk=summons.pk)
    extra: dict[str, Any] = {}
    if step == "close":
        extra["open_commitments"] = summons.commitments.filter(done_at__isnull=True).count()
    return _step_page(request, summons, step, form, **extra)


@login_required
def summons_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _note_step(
        request, pk, "follow_up", _("跟踪督办情况"), services.summons_follow_up, _("已记录跟踪督办情况。")
    )


@login_required
def summons_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _note_step(
        request, pk, "close", _("审核意见或办结理由"), services.summons_close, _("已办结。"), required=False
    )


@login_required
def summons_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _note_step(
        request, pk, "cancel", _("取消原因"), services.summons_cancel, _("已取消，被约谈单位已收到通知。")
    )
