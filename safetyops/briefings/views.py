"""Briefing pages: the archive with the request form, one briefing (polling while the worker runs),
section 7, regenerate, publish, and the PDF download.

Every view reads top to bottom: scope helper (404 outside) → right (403) → form → service →
message → redirect.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyops.briefings import services, writing
from safetyops.briefings.forms import BriefingFilterForm, BriefingRequestForm, Section7Form
from safetyops.briefings.models import Briefing
from safetyops.briefings.selectors import briefings_visible_to, get_briefing_for_user
from safetyops.briefings.services import BriefingError, NotPermitted, RateLimited
from safetyops.core.views import pdf_download

PAGE_SIZE = 30


def _require_read(request: HttpRequest) -> None:
    if not services.may_read(request.user):
        raise PermissionDenied


@login_required
def briefing_list(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    visible = briefings_visible_to(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    filters = BriefingFilterForm(request.GET or None, user=request.user, years=years)
    briefings = visible.select_related("node", "requested_by").order_by("-period_end", "node__path", "-pk")
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("node") is not None:
            briefings = briefings.filter(node=data["node"])
        if data.get("year"):
            briefings = briefings.filter(year=data["year"])
        if data.get("status"):
            briefings = briefings.filter(status=data["status"])
    page = Paginator(briefings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "briefings/list.html",
        {
            "page": page,
            "filters": filters,
            "form": BriefingRequestForm(user=request.user),
            "can_write": services.may_write(request.user),
        },
    )


@login_required
def briefing_create(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    form = BriefingRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["period"]
        try:
            briefing = services.briefing_request(
                actor=request.user, node=form.cleaned_data["node"], start=start, end=end
            )
        except NotPermitted:
            raise PermissionDenied from None
        except BriefingError as exc:
            form.add_error(None, exc.message)
            status = 429 if isinstance(exc, RateLimited) else 400
        else:
            # No "please wait" flash: it would show later beside a finished briefing. The page
            # itself says where the render is.
            return redirect("briefings:briefing_detail", pk=briefing.pk)
    else:
        status = 400 if request.method == "POST" else 200
    return render(request, "briefings/request.html", {"form": form}, status=status)


@login_required
def briefing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = get_briefing_for_user(request.user, pk)
    totals = (briefing.figures or {}).get("totals")
    stale = briefing.is_stale(timezone.now(), services.STALE_AFTER)
    context = {
        "briefing": briefing,
        "can_write": services.may_write(request.user),
        # Checksums and render timings are for the administrators, not for the leaders who read.
        "show_technical": services.may_see_technical(request.user),
        "stale": stale,
        "polling": briefing.in_flight and not stale,
        "totals": totals,
        "coverage": writing.fmt_pct(totals["coverage"]) if totals else "",
        "rate": writing.fmt_pct(totals["rate"]) if totals else "",
    }
    template = "briefings/_status.html" if request.headers.get("HX-Request") else "briefings/detail.html"
    return render(request, template, context)


def _run(request: HttpRequest, action: Callable[[], Briefing], success: str) -> bool:
    try:
        action()
    except NotPermitted:
        raise PermissionDenied from None
    except BriefingError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


@login_required
def briefing_section7(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = get_briefing_for_user(request.user, pk, write=True)
    initial = briefing.section7 or (writing.suggested_section7(briefing.figures) if briefing.figures else "")
    form = Section7Form(request.POST or None, initial={"text": initial})
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        saved = _run(
            request,
            lambda: services.briefing_update_section7(actor=request.user, briefing_id=briefing.pk, text=text),
            _("已保存“存在问题及下步工作”。"),
        )
        if saved and "regenerate" in request.POST:
            _run(
                request,
                lambda: services.briefing_regenerate(actor=request.user, briefing_id=briefing.pk),
                _("正在按最新数据重新生成简报草稿。"),
            )
        if saved:
            return redirect("briefings:briefing_detail", pk=briefing.pk)
    return render(
        request,
        "briefings/section7.html",
        {"briefing": briefing, "form": form, "published": briefing.status == Briefing.Status.PUBLISHED},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def briefing_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = get_briefing_for_user(request.user, pk, write=True)
    if request.method == "POST":
        _run(
            request,
            lambda: services.briefing_regenerate(actor=request.user, briefing_id=briefing.pk),
            _("正在按最新数据重新生成简报草稿。"),
        )
        return redirect("briefings:briefing_detail", pk=briefing.pk)
    return render(request, "briefings/confirm.html", {"briefing": briefing, "action": "regenerate"})


@login_required
def briefing_publish(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = get_briefing_for_user(request.user, pk, write=True)
    if request.method == "POST":
        _run(
            request,
            lambda: services.briefing_publish(actor=request.user, briefing_id=briefing.pk),
            _("简报已发布。"),
        )
        return redirect("briefings:briefing_detail", pk=briefing.pk)
    return render(
        request,
        "briefings/confirm.html",
        {
            "briefing": briefing,
            "action": "publish",
            "next_number": services.next_issue_number(node_id=briefing.node_id, year=briefing.year),
        },
    )


@login_required
def briefing_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    briefing = get_briefing_for_user(request.user, pk)
    if not briefing.has_file:
        raise Http404
    return pdf_download(briefing.file, briefing.download_name)
