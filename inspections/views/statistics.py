"""隐患统计报告 pages (第十四条): the enterprise's list, one period's report, the 主要负责人's signature,
and the officials' list of who has not filed. Scope helper (404 outside) → right (403) → form →
service → message → redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import statistics
from inspections.forms.duties import StatisticsSignForm, UnfiledFilterForm
from inspections.models import HazardStatisticsReport
from inspections.rights import InspectionRight
from inspections.statistics import Period, StatisticsError
from safetyops.evidence import signing
from safetyops.orgs.models import Enterprise
from safetyops.orgs.scope import get_enterprise_for_user, require_right, scope_for

PAGE_SIZE = 50


def _period(slug: str) -> Period:
    period = Period.parse(slug)
    if period is None or not period.ended():
        raise Http404
    return period


def _own_enterprise(user: Any) -> Enterprise:
    """The enterprise user's own enterprise (403 for every other role)."""
    require_right(user, InspectionRight.HAZARD_RESPOND)
    enterprise_id = scope_for(user).enterprise_id
    if enterprise_id is None:
        raise PermissionDenied
    return get_enterprise_for_user(user, enterprise_id)


def _report(enterprise: Enterprise, period: Period) -> HazardStatisticsReport | None:
    return (
        HazardStatisticsReport.objects.filter(enterprise=enterprise, year=period.year, quarter=period.quarter)
        .select_related("signature", "signature__signer")
        .first()
    )


@login_required
def statistics_list(request: HttpRequest) -> HttpResponse:
    enterprise = _own_enterprise(request.user)
    today = timezone.localdate()
    filed = statistics.reports_of(enterprise)
    registered = timezone.localdate(enterprise.created_at)
    rows = [
        {"period": p, "report": filed.get((p.year, p.quarter)), "late": today > p.due}
        for p in statistics.recent_periods(today)
        if p.end >= registered
    ]
    older = [
        r
        for key, r in sorted(filed.items(), reverse=True)
        if key not in {(p.year, p.quarter) for p in statistics.recent_periods(today)}
    ]
    return render(
        request,
        "inspections/statistics_list.html",
        {
            "enterprise": enterprise,
            "rows": rows,
            "older": older,
            "principal": statistics.is_principal(request.user, enterprise),
        },
    )


@login_required
def statistics_detail(request: HttpRequest, enterprise_pk: int, period: str) -> HttpResponse:
    enterprise = get_enterprise_for_user(request.user, enterprise_pk)
    when = _period(period)
    report = _report(enterprise, when)
    figures = report.figures if report else statistics.statistics_figures(enterprise=enterprise, period=when)
    own = scope_for(request.user).enterprise_id == enterprise.pk
    return render(
        request,
        "inspections/statistics_detail.html",
        {
            "enterprise": enterprise,
            "period": when,
            "report": report,
            "figures": figures,
            "late": report is None and timezone.localdate() > when.due,
            "own": own,
            "refusal": statistics.sign_refusal(request.user, enterprise, when) if own else "",
        },
    )


@login_required
def statistics_sign(request: HttpRequest, enterprise_pk: int, period: str) -> HttpResponse:
    enterprise = get_enterprise_for_user(request.user, enterprise_pk, right=InspectionRight.HAZARD_RESPOND)
    if scope_for(request.user).enterprise_id != enterprise.pk:
        raise PermissionDenied
    when = _period(period)
    form = StatisticsSignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            statistics.statistics_report_sign(
                actor=request.user,
                enterprise_id=enterprise.pk,
                period=when,
                typed_name=data["typed_name"],
                confirmed=data["confirmed"],
                note=data["note"],
                expected_sha256=data["sha256"],
                **signing.client_of(request),
            )
        except statistics.NotPermitted as exc:
            raise PermissionDenied from exc
        except StatisticsError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(p)s隐患统计报告已签署报送。") % {"p": when.label})
            return redirect("inspections:statistics_detail", enterprise_pk=enterprise.pk, period=when.slug)
    figures = statistics.statistics_figures(enterprise=enterprise, period=when)
    note = form["note"].value() or ""
    text = statistics.signed_text(figures, note)
    if not form.is_bound:
        form.initial["sha256"] = statistics.sha256_of(statistics.signed_text(figures, ""))
    refusal = statistics.sign_refusal(request.user, enterprise, when)
    return render(
        request,
        "inspections/statistics_sign.html",
        {
            "enterprise": enterprise,
            "period": when,
            "figures": figures,
            "text": text,
            "form": form,
            "refusal": refusal,
            "signer": (request.user.full_name or request.user.username),  # type: ignore[union-attr]
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def statistics_unfiled(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.empty:
        raise PermissionDenied
    today = timezone.localdate()
    form = UnfiledFilterForm(request.GET or None, today=today)
    period = form.chosen_period()
    unfiled = statistics.unfiled_enterprises(user=request.user, period=period)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if query:
        unfiled = unfiled.filter(Q(name__icontains=query) | Q(credit_code__icontains=query.upper()))
    page = Paginator(unfiled.select_related("node").order_by("node__path", "name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inspections/statistics_unfiled.html",
        {
            "form": form,
            "period": period,
            "page": page,
            "summary": statistics.filing_summary(user=request.user, period=period),
            "late": today > period.due,
        },
    )
