"""The accident registry's pages (国务院令第493号): the list, registering (a draft, then 登记 with
第十二条's six items), the detail with its level, clocks and timeline, casualty revisions, and the
county's investigation steps (forward, 谎报/瞒报, group, report, reply, responsibility, 四不放过, 结案).

get_accident_for_user (404 outside the scope), then ACCIDENT_STEPS.forbids (403 without the right),
then the form and the service, whose refusal is shown in Chinese and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accountability.accidents import forms, levels, selectors, services
from accountability.accidents.errors import AccidentError
from accountability.accidents.lifecycle import ACCIDENT_STEPS
from accountability.errors import NotPermitted
from accountability.models import Accident, AccidentCategory, AccidentFollowUp, AccidentLevel, AccidentResponsibility
from accountability.rights import AccountabilityRight
from accountability.scope import get_accident_for_user, summonses_visible_to
from accountability.views.letters import actor_of
from safetyops.core.links import PkLink
from safetyops.core.pagination import KeyedSubqueryPaginator
from safetyops.core.steps import Offered
from safetyops.exports.views import export_response
from safetyops.orgs.scope import has_right, scope_for

PAGE_SIZE = 30


def _accident_step(request: HttpRequest, pk: int, step: str) -> Accident:
    accident = get_accident_for_user(request.user, pk)
    if (refused := ACCIDENT_STEPS.forbids(step, accident, request.user)) is not None:
        raise PermissionDenied(refused.message)
    return accident


@login_required
def accident_list(request: HttpRequest) -> HttpResponse:
    if scope_for(request.user).empty:
        raise PermissionDenied
    form = forms.ListFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    page = KeyedSubqueryPaginator(selectors.accident_list(request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "rows_html": accident_rows(list(page.object_list)),
        "may_register": has_right(request.user, AccountabilityRight.ACCIDENT_REGISTER),
    }
    return render(request, "accountability/accidents/list.html", context)


def accident_rows(accidents: list[Accident]) -> SafeString:
    """The list's <tr>s, drawn by Jinja2 (templates/jinja2/accountability/_accident_rows.html):
    30 rows with two {% url %}, an include and two blocktranslates each were most of the page's
    template time. Labels are translated here, once."""
    template = engines["jinja2"].get_template("accountability/_accident_rows.html")
    labels = {
        "draft": _("草稿"),
        "casualties": _("死%(d)s 重%(s)s 轻%(m)s"),
        "missing": _("失踪%(n)s"),
        "late": _("迟报"),
        "none": _("没有符合条件的事故。"),
    }
    context = {
        "accidents": accidents,
        "t": labels,
        "link": PkLink.of("accountability:accident_detail"),
        "minute": _minute,
        "categories": {value: str(label) for value, label in AccidentCategory.choices},
        "levels": {value: str(label) for value, label in AccidentLevel.choices},
        "misreports": {value: str(label) for value, label in Accident.Misreport.choices},
        "statuses": {value: str(label) for value, label in Accident.Status.choices},
    }
    return mark_safe(template.render(context))  # noqa: S308 - autoescaped by Jinja2


def _minute(moment: datetime.datetime) -> str:
    # As Django's {{ moment|date:"Y-m-d H:i" }}: in the current time zone.
    return dateformat.format(timezone.localtime(moment), "Y-m-d H:i")


def _save(request: HttpRequest, form: forms.AccidentForm, accident: Accident | None) -> Accident | None:
    data = {k: v for k, v in form.cleaned_data.items()}
    register = "register" in request.POST
    actor = actor_of(request)
    try:
        saved = services.accident_draft_save(actor=actor, accident=accident, **data)
    except AccidentError as exc:
        form.add_error(None, exc.message)
        return None
    if not register:
        messages.success(request, _("已保存草稿。"))
        return saved
    if saved.status != Accident.Status.DRAFT:  # the same post again: the first one registered it
        messages.success(request, _("已登记事故 %(n)s。") % {"n": saved.number})
        return saved
    try:
        saved = services.accident_register(actor=actor, accident=saved)
    except AccidentError as exc:
        messages.warning(request, _("已保存草稿，但未登记：%(m)s") % {"m": exc.message})
        return saved
    messages.success(request, _("已登记事故 %(n)s。") % {"n": saved.number})
    return saved


@login_required
def accident_create(request: HttpRequest) -> HttpResponse:
    try:
        ACCIDENT_STEPS.check_right("edit", request.user)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    form = forms.AccidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, None)
        if saved is not None:
            return redirect("accountability:accident_detail", pk=saved.pk)
    context = {"form": form, "accident": None}
    return render(request, "accountability/accidents/form.html", context, status=400 if form.errors else 200)


@login_required
def accident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident_step(request, pk, "edit")
    reason = ACCIDENT_STEPS.refusal("edit", accident, request.user)
    form = forms.AccidentForm(request.POST or None, user=request.user, initial=forms.AccidentForm.initial_of(accident))
    if request.method == "POST" and reason is None and form.is_valid():
        saved = _save(request, form, accident)
        if saved is not None:
            return redirect("accountability:accident_detail", pk=saved.pk)
    context = {"form": form, "accident": accident, "reason": reason}
    return render(request, "accountability/accidents/form.html", context, status=400 if form.errors else 200)


@login_required
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    accident = get_accident_for_user(request.user, pk)
    steps = ACCIDENT_STEPS.steps_for(accident, request.user)
    offered = {n: r for n, r in steps.items() if ACCIDENT_STEPS.forbids(n, accident, request.user) is None}
    follow_ups = list(accident.follow_ups.prefetch_related("attachments").select_related("done_by"))
    context = {
        "accident": accident,
        "level_text": selectors.level_text(accident),
        "clocks": selectors.clocks(accident),
        "steps": Offered(offered),
        # Why a step this person may take is not offered now (drafting steps only on a draft).
        "reasons": [
            (ACCIDENT_STEPS[n].label, r)
            for n, r in offered.items()
            if r and (accident.status == Accident.Status.DRAFT) == (n in ("edit", "register"))
        ],
        "labels": {s.name: s.label for s in ACCIDENT_STEPS.steps},
        "revisions": list(accident.revisions.select_related("created_by").order_by("-number")),
        "responsibilities": list(accident.responsibilities.select_related("node", "department", "enterprise")),
        "follow_ups": follow_ups,
        "attachments": list(accident.attachments.all()),
        "timeline": selectors.timeline(accident),
        "missing": services.missing_items(accident) if accident.status == Accident.Status.DRAFT else [],
        "manage": has_right(request.user, AccountabilityRight.ACCIDENT_MANAGE),
        "now": timezone.now(),
        "today": timezone.localdate(),  # Beijing's date: a 四不放过 item is overdue from the day after its due date
        # The 约谈/督办 held about it, as far as the viewer sees them; and whether they may start one.
        "summonses": list(summonses_visible_to(request.user).filter(reasons__accident=accident).distinct()),
        "can_summon": accident.status != Accident.Status.DRAFT
        and has_right(request.user, AccountabilityRight.SUMMONS_ISSUE),
    }
    return render(request, "accountability/accidents/detail.html", context)


def _step_page(
    request: HttpRequest,
    pk: int,
    step: str,
    form_class: Callable[..., Any],
    act: Callable[[Any, Accident, dict[str, Any]], Any],
    done: str,
    *,
    title: str,
    intro: str = "",
    initial: Callable[[Accident], dict[str, Any]] | None = None,
    form_kwargs: Callable[[Accident], dict[str, Any]] | None = None,
    danger: bool = False,
) -> HttpResponse:
    accident = _accident_step(request, pk, step)
    reason = ACCIDENT_STEPS.refusal(step, accident, request.user)
    extra = form_kwargs(accident) if form_kwargs else {}
    form = form_class(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        initial=initial(accident) if initial else None,
        **extra,
    )
    if request.method == "POST" and reason is None and form.is_valid():
        try:
            act(actor_of(request), accident, form.cleaned_data)
        except NotPermitted as exc:
            raise PermissionDenied(exc.message) from exc
        except AccidentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("accountability:accident_detail", pk=accident.pk)
    context = {"accident": accident, "form": form, "reason": reason, "title": title, "intro": intro, "danger": danger}
    return render(request, "accountability/accidents/step.html", context, status=400 if form.errors else 200)


class Confirm(forms.Styled):
    pass


@login_required
def accident_revise(request: HttpRequest, pk: int) -> HttpResponse:
    def initial(accident: Accident) -> dict[str, Any]:
        return services.figures_of(accident)

    return _step_page(
        request,
        pk,
        "revise",
        forms.ReviseForm,
        lambda actor, accident, data: services.accident_revise(actor=actor, accident=accident, **data),
        _("已补报伤亡和损失，事故等级已按第三条重新核定。"),
        title=_("补报伤亡和损失"),
        intro=_("第十三条：自事故发生之日起30日内（道路交通事故、火灾事故7日内），伤亡人数发生变化的，应当及时补报。"),
        initial=initial,
    )


@login_required
def accident_forward(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(
        request,
        pk,
        "forward",
        forms.ForwardForm,
        lambda actor, accident, data: services.accident_forward(actor=actor, accident=accident, **data),
        _("已记录上报上级。"),
        title=_("记录上报上级"),
        intro=_("第十一条：每级上报的时间不得超过2小时。"),
        initial=lambda a: {"forwarded_to": str(levels.COUNTY_FORWARDS_TO), "forwarded_at": timezone.localtime()},
    )


@login_required
def accident_misreport(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(
        request,
        pk,
        "misreport",
        forms.MisreportForm,
        lambda actor, accident, data: services.accident_mark_misreport(
            actor=actor, accident=accident, kind=data.get("kind") or "", reason=data["reason"]
        ),
        _("已保存谎报/瞒报认定。"),
        title=_("谎报/瞒报认定"),
        intro=_("依据《生产安全事故罚款处罚规定》认定谎报、瞒报；选择“无”并填写理由可撤销认定。"),
        initial=lambda a: {"kind": a.misreport},
    )


@login_required
def accident_investigate(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(
        request,
        pk,
        "investigate",
        forms.InvestigateForm,
        lambda actor, accident, data: services.accident_investigation_start(actor=actor, accident=accident, **data),
        _("已登记事故调查组。"),
        title=_("登记调查组"),
        initial=lambda a: {"group": a.investigation_group, "started_on": a.investigation_started_on},
    )


@login_required
def accident_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(
        request,
        pk,
        "report",
        forms.ReportForm,
        lambda actor, accident, data: services.accident_report_submit(actor=actor, accident=accident, **data),
        _("已上传事故调查报告。"),
        title=_("上传调查报告"),
        intro=_("第三十二条：人民政府应当自收到事故调查报告之日起15日内做出批复（特别重大事故30日）。"),
    )


@login_required
def accident_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(
        request,
        pk,
        "reply",
        forms.ReplyForm,
        lambda actor, accident, data: services.accident_reply(actor=actor, accident=accident, **data),
        _("已记录政府批复。"),
        title=_("记录政府批复"),
    )


@login_required
def accident_responsibility_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(
        request,
        pk,
        "responsibility",
        forms.ResponsibilityForm,
        lambda actor, accident, data: services.accident_responsibility_add(actor=actor, accident=accident, **data),
        _("已添加责任认定。"),
        title=_("责任认定"),
        intro=_("地区：属地管理责任；部门：监管责任；企业：主体责任。年度考核的一票否决据此认定。"),
        form_kwargs=lambda a: {"user": request.user, "accident": a},
    )


@login_required
def accident_responsibility_remove(request: HttpRequest, pk: int, rpk: int) -> HttpResponse:
    accident = _accident_step(request, pk, "responsibility")
    row = get_object_or_404(AccidentResponsibility, pk=rpk, accident=accident)
    return _step_page(
        request,
        pk,
        "responsibility",
        Confirm,
        lambda actor, accident, data: services.accident_responsibility_remove(actor=actor, responsibility=row),
        _("已删除责任认定。"),
        title=_("删除责任认定：%(u)s") % {"u": row.node or row.department or row.enterprise},
        intro=row.finding,
        danger=True,
    )


def _follow_up(request: HttpRequest, pk: int, fpk: int) -> AccidentFollowUp:
    accident = _accident_step(request, pk, "follow_up")
    return get_object_or_404(AccidentFollowUp, pk=fpk, accident=accident)


@login_required
def accident_follow_up_due(request: HttpRequest, pk: int, fpk: int) -> HttpResponse:
    item = _follow_up(request, pk, fpk)
    return _step_page(
        request,
        pk,
        "follow_up",
        forms.FollowUpDueForm,
        lambda actor, accident, data: services.accident_follow_up_due(actor=actor, follow_up=item, **data),
        _("已调整完成期限。"),
        title=_("调整期限：%(i)s") % {"i": item.get_item_display()},
        initial=lambda a: {"due_on": item.due_on},
    )


@login_required
def accident_follow_up_done(request: HttpRequest, pk: int, fpk: int) -> HttpResponse:
    item = _follow_up(request, pk, fpk)
    return _step_page(
        request,
        pk,
        "follow_up",
        forms.FollowUpDoneForm,
        lambda actor, accident, data: services.accident_follow_up_done(
            actor=actor, follow_up=item, note=data["note"], files=data["evidence"]
        ),
        _("已落实“%(i)s”。") % {"i": item.get_item_display()},
        title=_("落实：%(i)s") % {"i": item.get_item_display()},
        intro=_("填写落实情况并上传至少一份佐证材料（照片或 PDF）。"),
    )


@login_required
def accident_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(
        request,
        pk,
        "close",
        Confirm,
        lambda actor, accident, data: services.accident_close(actor=actor, accident=accident),
        _("已结案。"),
        title=_("结案"),
        intro=_("结案需已记录政府批复，且四不放过事项全部落实。"),
    )


@login_required
def accident_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as a workbook; above EXPORT_SYNC_MAX_ROWS accidents, made by a worker."""
    from accountability.accidents.export import ACCIDENT_LEDGER

    return export_response(request, ACCIDENT_LEDGER)
