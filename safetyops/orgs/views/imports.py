"""Enterprise import: upload form, template download, and the status page that polls until done."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from safetyops.orgs.forms_import import EnterpriseImportForm
from safetyops.orgs.importing import (
    CSV_CONTENT_TYPE,
    TEMPLATE_FORMATS,
    XLSX_CONTENT_TYPE,
    build_template,
    enterprise_import_start,
)
from safetyops.orgs.scope import Right, get_import_for_user, imports_visible_to, nodes_visible_to, require_right

RECENT_IMPORTS = 10
# Showing more rows than this makes the page too heavy for a phone; the count is always shown.
ERRORS_SHOWN = 1000


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.ENTERPRISE_IMPORT)
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = enterprise_import_start(actor=request.user, upload=form.cleaned_data["file"])
        return redirect("orgs:enterprise_import_detail", pk=job.pk)
    recent = imports_visible_to(request.user).select_related("created_by")[:RECENT_IMPORTS]
    return render(request, "orgs/import_start.html", {"form": form, "recent": recent})


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    require_right(request.user, Right.ENTERPRISE_IMPORT)
    if fmt not in TEMPLATE_FORMATS:
        raise Http404
    example_node = nodes_visible_to(request.user).order_by("path").first()
    content = build_template(fmt, example_node=example_node)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE if fmt == "xlsx" else CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _("企业导入模板") + f".{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_import_for_user(request.user, pk)
    require_right(request.user, Right.ENTERPRISE_IMPORT)
    errors = list(job.errors or [])
    # The record keeps the first errors and a closing entry saying how many more (capped_errors).
    omitted = errors.pop() if errors and "omitted" in errors[-1] else None
    context = {
        "job": job,
        "errors": errors[:ERRORS_SHOWN],
        "error_count": len(errors) + (omitted["omitted"] if omitted else 0),
        "error_rows": omitted["error_rows"] if omitted else len({e.get("row") for e in errors if e.get("row")}),
        "errors_truncated": len(errors) > ERRORS_SHOWN,
        "errors_shown": ERRORS_SHOWN,
        "omitted_message": omitted["message"] if omitted else "",
    }
    template = "orgs/_import_status.html" if request.headers.get("HX-Request") else "orgs/import_detail.html"
    return render(request, template, context)
