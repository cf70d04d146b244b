"""Evidence files (photos, PDFs) of any owner, served only through the user's scope: no MEDIA_URL is served.

Outside the scope is 404 for everyone, an enterprise user of another enterprise included.
"""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.decorators.http import require_safe

from safetyops.core.storage import stored_file_response
from safetyops.evidence.models import Attachment
from safetyops.evidence.scope import get_attachment_for_user

# Photos are shown in the browser; anything else (a PDF) is downloaded, never rendered inline from
# our origin: a PDF viewer runs the document's scripts and forms under the page's address.
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}
# A photo opened by itself: no script, nothing fetched from elsewhere, no framing by other sites.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"


def content_disposition(disposition: str, name: str) -> str:
    """`inline; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / RFC 5987): Chinese names survive."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _serve(file: FieldFile, *, content_type: str, disposition: str) -> HttpResponseBase:
    response = stored_file_response(
        file, content_type=content_type, disposition=disposition, cache="private, max-age=3600"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return attachment_response(get_attachment_for_user(request.user, pk))


def attachment_response(attachment: Attachment) -> HttpResponseBase:
    """The file of an attachment the caller has already found in the user's scope (an app whose
    objects carry node-anchored files that more people see, e.g. a county campaign's plan)."""
    kind = "inline" if attachment.content_type in INLINE_TYPES else "attachment"
    name = attachment.original_name or f"file{PurePath(attachment.file.name or '').suffix}"
    return _serve(attachment.file, content_type=attachment.content_type, disposition=content_disposition(kind, name))


@login_required
@require_safe
def attachment_thumbnail(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = get_attachment_for_user(request.user, pk)
    if not attachment.thumbnail:
        raise Http404
    name = f"{PurePath(attachment.original_name).stem or 'thumb'}-thumb.jpg"
    return _serve(attachment.thumbnail, content_type="image/jpeg", disposition=content_disposition("inline", name))
