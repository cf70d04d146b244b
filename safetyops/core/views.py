from __future__ import annotations

from io import BytesIO
from typing import Any

from django.db import connection
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for the load balancer and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def pdf_download(source: FieldFile | bytes, filename: str) -> FileResponse:
    """A PDF as an attachment named `filename`, never cached: a stored file (404 when it is gone)
    or the bytes just made."""
    if isinstance(source, bytes):
        handle: Any = BytesIO(source)
    else:
        try:
            handle = source.open("rb")
        except FileNotFoundError:
            raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response
