"""Stored files out of any storage: local files under MEDIA_ROOT or an S3 bucket (STORAGE_URL,
safetyops/env.py). A scoped view, once it has found the file in the user's scope, answers with
`stored_file_response`: the bytes streamed in chunks through Django, or, with
STORAGE_SIGNED_URL_SECONDS > 0 and S3, a redirect to a link the bucket honours for that long."""

from __future__ import annotations

from typing import IO, Protocol, cast

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponseBase, HttpResponseRedirect

# Chunks of the body read from the store and written to the client: memory stays at this size,
# whatever the file's.
CHUNK_BYTES = 64 * 1024


class StreamingStorage(Protocol):
    """A storage that hands out a file as a stream and as a signed link (safetyops/core/s3.py)."""

    def open_stream(self, name: str) -> tuple[IO[bytes], int]: ...

    def signed_url(self, name: str, *, seconds: int, content_type: str, disposition: str, cache: str) -> str: ...


def _streaming(storage: Storage) -> StreamingStorage | None:
    return cast(StreamingStorage, storage) if callable(getattr(storage, "open_stream", None)) else None


class StoredFileResponse(FileResponse):
    block_size = CHUNK_BYTES


def open_stored(storage: Storage, name: str) -> tuple[IO[bytes], int | None]:
    """A stored file opened for streaming, with its length when known; FileNotFoundError if gone."""
    streaming = _streaming(storage)
    if streaming is not None:
        return streaming.open_stream(name)
    return storage.open(name, "rb"), None


def stored_file_response(
    file: FieldFile, *, content_type: str, disposition: str, cache: str = "private, no-store"
) -> HttpResponseBase:
    """The response of a scoped view for a stored file (the caller has checked the scope and the
    right). 404 when the file is gone; a redirect to a short-lived signed URL when so configured."""
    if not file.name:
        raise Http404
    storage = file.storage
    seconds = int(getattr(settings, "STORAGE_SIGNED_URL_SECONDS", 0))
    streaming = _streaming(storage)
    if seconds > 0 and streaming is not None:
        url = streaming.signed_url(
            file.name, seconds=seconds, content_type=content_type, disposition=disposition, cache=cache
        )
        redirect = HttpResponseRedirect(url)
        redirect["Cache-Control"] = "private, no-store"  # the link expires: never reuse this answer
        redirect["Referrer-Policy"] = "no-referrer"
        return redirect
    try:
        handle, length = open_stored(storage, file.name)
    except FileNotFoundError:
        raise Http404 from None
    response = StoredFileResponse(handle, content_type=content_type)
    if length is not None:
        response["Content-Length"] = str(length)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = cache
    return response
