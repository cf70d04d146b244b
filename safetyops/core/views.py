from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from io import BytesIO
from typing import IO, overload

from django.db import connection
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from safetyops.core.dbrouting import reading_from_replica
from safetyops.core.storage import stored_file_response


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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a download's name may not hold (Windows' reserved characters, control characters: a header).
UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def download_name(name: str) -> str:
    """A file name made of user text (a task's title): without what a header or a file system cannot hold."""
    return UNSAFE_IN_NAME.sub("", name)


def xlsx_download(write: Callable[[IO[bytes]], None], filename: str, *, content_type: str = XLSX) -> FileResponse:
    """A workbook (or another file: `content_type`) `write(out)` fills, as an attachment: on disk,
    not in memory; the file is unlinked at once and gone when the response closes it."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        # The rows of a lazy workbook (a generator over a queryset) are read here: on the read
        # replica when there is one (safetyops.core.dbrouting).
        with reading_from_replica():
            write(out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return FileResponse(out, as_attachment=True, filename=download_name(filename), content_type=content_type)


@overload
def pdf_download(source: bytes, filename: str) -> FileResponse: ...
@overload
def pdf_download(source: FieldFile, filename: str) -> HttpResponseBase: ...
def pdf_download(source: FieldFile | bytes, filename: str) -> HttpResponseBase:
    """A PDF as an attachment named `filename`, never cached: a stored file (streamed from its
    storage or a signed link to it, 404 when it is gone: safetyops/core/storage.py) or the bytes just made."""
    name = download_name(filename)
    if not isinstance(source, bytes):
        return stored_file_response(
            source, content_type="application/pdf", disposition=content_disposition_header(True, name) or "attachment"
        )
    response = FileResponse(BytesIO(source), as_attachment=True, filename=name, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response
