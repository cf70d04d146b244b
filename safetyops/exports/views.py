"""The export switch (small exports in the request, large ones in a worker), the job's page that
polls for progress, and the scoped download."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache

from safetyops.core.views import download_name, xlsx_download
from safetyops.exports.registry import ExportRefused, export_kind, ignored
from safetyops.exports.services import (
    export_job_request,
    export_params,
    get_export_job_for_user,
    is_expired,
    params_query,
    sync_max_rows,
)
from safetyops.orgs.scope import require_right


def export_response(
    request: HttpRequest, kind_name: str, *, fixed: Mapping[str, str] | None = None
) -> HttpResponseBase:
    """The export `kind_name` of the request's query: the workbook itself when it has at most
    EXPORT_SYNC_MAX_ROWS rows (as before), else a job for a worker and the way to its page.
    `fixed` holds what the URL's path names (a campaign's pk); it wins over the query string."""
    kind = export_kind(kind_name)
    require_right(request.user, kind.right)
    params = export_params(request.GET)
    params = dict(sorted({**params, **{key: [value] for key, value in (fixed or {}).items()}}.items()))
    try:
        run = kind.build(request.user, params_query(params))
    except ExportRefused as exc:
        return HttpResponseBadRequest(exc.message)
    if run.total <= (sync_max_rows() if kind.sync_max_rows is None else kind.sync_max_rows):

        def write(out: IO[bytes]) -> None:
            run.write(out, ignored)

        download = xlsx_download(write, run.filename, content_type=kind.content_type)
        download["Cache-Control"] = "private, no-store"
        return download
    job = export_job_request(user=request.user, kind=kind_name, params=params, run=run)
    url = reverse("exports:job_detail", args=[job.pk])
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@never_cache
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_export_job_for_user(request.user, pk)
    kind = export_kind(job.kind)
    context = {
        "job": job,
        "kind": kind,
        "expired": is_expired(job),
        "back_url": kind.back_url(params_query(job.params)),
    }
    template = "exports/_job_status.html" if request.headers.get("HX-Request") else "exports/job.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = get_export_job_for_user(request.user, pk)
    if is_expired(job):
        back_url = export_kind(job.kind).back_url(params_query(job.params))
        return render(request, "exports/expired.html", {"job": job, "back_url": back_url}, status=410)
    if job.status != job.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = export_kind(job.kind).content_type
    response = FileResponse(handle, as_attachment=True, filename=download_name(job.filename), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
