"""The ledger (隐患台账): one filterable list of the user's hazards, and its Excel export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from inspections.forms.ledger import LedgerFilterForm
from inspections.ledger import (
    DEFAULT_SORT,
    hazard_ledger_queryset,
    hazard_ledger_summary,
    ledger_page,
)
from inspections.ledger_export import HAZARD_LEDGER
from inspections.rights import InspectionRight
from safetyops.core.pagination import DeferredJoinPaginator
from safetyops.exports.views import export_response
from safetyops.orgs.scope import has_right, scope_for

PAGE_SIZE = 50


@login_required
def hazard_ledger(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.empty:
        raise PermissionDenied
    today = timezone.localdate()
    form = LedgerFilterForm(request.GET, user=request.user)
    valid = form.is_valid()
    hazards = hazard_ledger_queryset(user=request.user, filters=form.cleaned_data if valid else {}, today=today)
    if not valid:
        # A rejected filter (e.g. an area outside the scope) shows nothing rather than everything.
        hazards = hazards.none()
    summary = hazard_ledger_summary(hazards, today=today, scope=scope if valid and not form.narrows() else None)
    paginator = DeferredJoinPaginator(hazards.select_related("enterprise", "node", "sector"), PAGE_SIZE)
    paginator.count = summary.total  # type: ignore[misc]  # already counted by the summary query
    keyset = valid and form.cleaned_data.get("sort") == DEFAULT_SORT
    shown = ledger_page(paginator, request.GET, keyset=keyset)
    # Links (pages, export) carry the filter without the empty fields htmx serialises.
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in {"page", "after", "before"} and any(values):
            query.setlist(key, [value for value in values if value])
    context = {
        "form": form,
        "page": shown.page,
        "next_cursor": shown.next_cursor,
        "previous_cursor": shown.previous_cursor,
        "summary": summary,
        "today": today,
        "query": query.urlencode(),  # the export link
        "link_query": query,  # the pages' links (templates/_pagination.html), with the cursors:
        "next_after": shown.next_cursor or None,
        "previous_before": shown.previous_cursor if shown.previous_cursor and shown.page.number > 2 else None,
        "is_enterprise": scope.enterprise_id is not None,
        "can_export": has_right(request.user, InspectionRight.HAZARD_EXPORT) and valid,
    }
    # On a history-cache miss htmx sends HX-Request too, but wants the whole page back.
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "inspections/_ledger_results.html" if partial else "inspections/ledger.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def hazard_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered ledger as a workbook; above EXPORT_SYNC_MAX_ROWS rows, made by a worker."""
    return export_response(request, HAZARD_LEDGER)
