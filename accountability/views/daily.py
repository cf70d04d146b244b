"""The daily 安全风险研判与承诺公告's pages: the officials' board (and its workbook), publishing
(the enterprise), an enterprise's 30-day history, one 公告 (and its PDF), the review of a 承诺不实
flag, and the county's setting. Each view: scope helper (404 outside) → right (403) → form →
service → message → redirect."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accountability.daily import board as boards
from accountability.daily import services
from accountability.daily.board_export import DAILY_BOARD
from accountability.daily.coverage import DEFAULT_DUE_TIME, coverage, default_sectors, due_at
from accountability.daily.documents import pledge_context, pledge_pdf
from accountability.daily.forms import (
    FlagReviewForm,
    JudgmentFormSet,
    PledgeForm,
    SettingForm,
    judgment_initial,
    judgments_of,
)
from accountability.errors import NotPermitted, PledgeError
from accountability.models import STANDARD_PLEDGE, DailyPledge, DailyPledgeSetting
from accountability.rights import AccountabilityRight
from accountability.scope import daily_pledges_visible_to, get_daily_pledge_for_user, get_pledge_flag_for_user
from safetyops.core.pagination import DeferredJoinPaginator
from safetyops.core.views import pdf_download
from safetyops.evidence.signing import client_of, name_of
from safetyops.exports.views import export_response
from safetyops.orgs.scope import get_enterprise_for_user, has_right, scope_for

PAGE_SIZE = 50


def _office(request: HttpRequest) -> None:
    """The board is the offices' page (enterprise users publish instead): 403 for anyone else."""
    scope = scope_for(request.user)
    if scope.empty or scope.enterprise_id is not None:
        raise PermissionDenied


def _day(request: HttpRequest) -> tuple[datetime.date, str]:
    today = timezone.localdate()
    asked = request.GET.get("date", "")
    try:
        day = parse_date(asked) if asked else None
    except ValueError:
        day = None
    if asked and day is None:
        return today, _("日期格式不正确，已显示今天。")
    if day is not None and day > today:
        return today, _("不能查看今天以后的日期，已显示今天。")
    return day or today, ""


@login_required
def daily_board(request: HttpRequest) -> HttpResponse:
    _office(request)
    day, warning = _day(request)
    if warning:
        messages.warning(request, warning)
    state = request.GET.get("state", "")
    query = request.GET.get("q", "")[:64]
    result = boards.board(request.user, day, state=state, query=query)
    pages = DeferredJoinPaginator(result.rows, PAGE_SIZE)
    if result.shown is not None:  # the grouped counts tell: no second pass over the county's enterprises
        pages.count = result.shown
    page = pages.get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "accountability/daily/board.html",
        {
            "board": result,
            "page": page,
            "day": day,
            "today": today,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1) if day < today else None,
            "state": state if state in result.counts else "",
            "q": query,
            "states": [
                (s, boards.STATE_LABELS[s], boards.STATE_BADGES[s], result.counts[s]) for s in boards.BOARD_STATES
            ],
            "labels": boards.STATE_LABELS,
            "badges": boards.STATE_BADGES,
            "can_export": has_right(request.user, AccountabilityRight.EXPORT),
            "can_configure": has_right(request.user, AccountabilityRight.DAILY_CONFIGURE),
        },
    )


@login_required
def daily_board_export(request: HttpRequest) -> HttpResponseBase:
    """The board's rows as a workbook; above EXPORT_SYNC_MAX_ROWS, made by a worker."""
    _office(request)
    day, _warning = _day(request)
    return export_response(request, DAILY_BOARD, fixed={"date": day.isoformat()})


@login_required
def daily_publish(request: HttpRequest) -> HttpResponse:
    """Today's 公告 of the user's enterprise: the form, or what was published."""
    try:
        enterprise = services.covered_enterprise_of(request.user)
    except NotPermitted:
        raise PermissionDenied from None
    except PledgeError as exc:  # an enterprise outside the sectors that publish: say so (the nav shows the link)
        return render(request, "accountability/daily/not_covered.html", {"message": exc.message})
    today = timezone.localdate()
    published = daily_pledges_visible_to(request.user).filter(enterprise=enterprise, date=today).first()
    due = due_at(today, coverage().due_time_for(enterprise.node.path))
    form = PledgeForm(request.POST or None)
    formset = JudgmentFormSet(request.POST or None, initial=judgment_initial(), prefix="j")
    status = 200
    if request.method == "POST" and published is None:
        if form.is_valid() and formset.is_valid():
            try:
                pledge = services.daily_pledge_publish(
                    actor=request.user,  # type: ignore[arg-type]
                    data=form.to_input(judgments_of(formset)),
                    typed_name=form.cleaned_data["typed_name"],
                    confirmed=form.cleaned_data["confirmed"],
                    key=form.cleaned_data["key"] or None,
                    **client_of(request),
                )
            except NotPermitted:
                raise PermissionDenied from None
            except PledgeError as exc:
                form.add_error(None, exc.message)
            else:
                if pledge.late:
                    messages.warning(
                        request, _("承诺公告已发布（迟于截止时间%(due)s，记为迟报）。") % {"due": due.strftime("%H:%M")}
                    )
                else:
                    messages.success(request, _("今日承诺公告已发布。"))
                return redirect("accountability:daily_pledge", pk=pledge.pk)
        status = 400
    elif request.method == "POST":
        messages.error(request, _("本企业今日已发布承诺公告，不能重复发布。"))
        return redirect("accountability:daily_pledge", pk=published.pk)  # type: ignore[union-attr]
    return render(
        request,
        "accountability/daily/publish.html",
        {
            "enterprise": enterprise,
            "today": today,
            "due": due,
            "late_now": timezone.now() > due,
            "published": published,
            "form": form,
            "formset": formset,
            "standard_pledge": STANDARD_PLEDGE,
            "signer_name": name_of(request.user),
        },
        status=status,
    )


@login_required
def daily_history(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_user(request.user, pk)
    covered = boards.is_covered(enterprise)
    days = boards.history(request.user, enterprise) if covered else []
    summary = {state: sum(1 for d in days if d.state == state) for state in boards.STATE_LABELS}
    return render(
        request,
        "accountability/daily/history.html",
        {
            "enterprise": enterprise,
            "covered": covered,
            "days": days,
            "summary": [(boards.STATE_LABELS[s], boards.STATE_BADGES[s], n) for s, n in summary.items()],
            "due_time": coverage().due_time_for(enterprise.node.path),
            "own": scope_for(request.user).enterprise_id == enterprise.pk,
        },
    )


def _pledge(request: HttpRequest, pk: int) -> DailyPledge:
    return get_daily_pledge_for_user(request.user, pk)


@login_required
def daily_pledge(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _pledge(request, pk)
    context = pledge_context(pledge)
    context["can_review"] = has_right(request.user, AccountabilityRight.DAILY_REVIEW)
    context["office"] = scope_for(request.user).enterprise_id is None
    return render(request, "accountability/daily/pledge_detail.html", context)


@login_required
def daily_pledge_pdf(request: HttpRequest, pk: int) -> FileResponse:
    pledge = _pledge(request, pk)
    return pdf_download(pledge_pdf(pledge), f"{pledge.enterprise.name}-承诺公告-{pledge.date:%Y%m%d}.pdf")


@login_required
def daily_flag(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_pledge_flag_for_user(request.user, pk, right=AccountabilityRight.DAILY_REVIEW)
    form = FlagReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pledge_flag_review(
                    actor=request.user,  # type: ignore[arg-type]
                    flag_id=flag.pk,
                    confirm=form.cleaned_data["decision"] == "confirm",
                    note=form.cleaned_data["note"],
                    key=form.cleaned_data["key"] or None,
                )
            except NotPermitted:
                raise PermissionDenied from None
            except PledgeError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("核实结论已记录。"))
                return redirect("accountability:daily_flag", pk=flag.pk)
        status = 400
    return render(
        request,
        "accountability/daily/flag_review.html",
        {"flag": flag, "pledge": flag.pledge, "form": form},
        status=status,
    )


@login_required
def daily_settings(request: HttpRequest) -> HttpResponse:
    try:
        node = services.setting_node_for(request.user, request.GET.get("node") or None)
    except NotPermitted:
        raise PermissionDenied from None
    except PledgeError:
        raise PermissionDenied from None
    setting = DailyPledgeSetting.objects.filter(node=node).first()
    initial: dict[str, Any] = (
        {"sectors": list(setting.sectors.all()), "due_time": setting.due_time}
        if setting
        else {"sectors": default_sectors(), "due_time": DEFAULT_DUE_TIME}
    )
    form = SettingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.daily_setting_update(
                    actor=request.user,  # type: ignore[arg-type]
                    node_id=node.pk,
                    sector_ids=[s.pk for s in form.cleaned_data["sectors"]],
                    due_time=form.cleaned_data["due_time"],
                )
            except NotPermitted:
                raise PermissionDenied from None
            except PledgeError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("每日承诺设置已保存。"))
                return redirect(f"{request.path}?node={node.pk}")
        status = 400
    return render(
        request,
        "accountability/daily/settings.html",
        {"node": node, "setting": setting, "form": form},
        status=status,
    )
