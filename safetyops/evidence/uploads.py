"""Upload checks of every evidence file: photos and PDFs recognised by their content (never by their
names), a size cap, a pixel limit read from the header before decoding, a full decode, thumbnails.
Stored by safetyops/evidence/services.py under random names; served only by the scoped view."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from safetyops.evidence.models import Attachment

IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
THUMBNAIL_SIZE = (320, 320)


class UploadRejected(ValueError):
    """The file is not acceptable; the message says why in Chinese."""


@dataclass(frozen=True)
class UploadKind:
    kind: str
    content_type: str
    extension: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_PIXELS", 40_000_000))


# Pillow's own guard, for any image opened in the process: a warning above this many pixels, an
# error (at open) above twice as many. inspect_upload refuses above max_pixels() first, naming the size.
Image.MAX_IMAGE_PIXELS = 2 * max_pixels()


def _too_many_pixels_unknown(name: str) -> UploadRejected:
    return UploadRejected(
        _("“%(name)s”的分辨率超过上限 %(limit)d 百万像素，请缩小后重新上传。")
        % {"name": name, "limit": max_pixels() // 1_000_000}
    )


def _too_many_pixels(name: str, width: int, height: int) -> UploadRejected:
    return UploadRejected(
        _(
            "“%(name)s”的分辨率为 %(width)d×%(height)d（约 %(mp)d 百万像素），超过上限 %(limit)d 百万像素，"
            "请缩小后重新上传（用本系统的网页选择照片时会自动缩小）。"
        )
        % {
            "name": name,
            "width": width,
            "height": height,
            "mp": width * height // 1_000_000,
            "limit": max_pixels() // 1_000_000,
        }
    )


_TRUNCATION_LOCK = threading.Lock()


@contextmanager
def _truncated_images_refused() -> Iterator[None]:
    """Pillow's LOAD_TRUNCATED_IMAGES is process-wide, and importing WeasyPrint turns it on: turn
    it off while an upload is decoded (the lock keeps threads from restoring it under us)."""
    with _TRUNCATION_LOCK:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def inspect_upload(upload: Any) -> UploadKind:
    """Tell an image or PDF by its bytes, not its name; raise UploadRejected otherwise."""
    name = getattr(upload, "name", "") or _("文件")
    size = getattr(upload, "size", None)
    if size is not None and size > max_upload_bytes():
        raise UploadRejected(
            _("“%(name)s”大小为 %(size).1f MB，超过上限 %(limit)d MB，请压缩后重新上传。")
            % {"name": name, "size": size / 1024 / 1024, "limit": max_upload_bytes() // 1024 // 1024}
        )
    if not size:
        raise UploadRejected(_("“%(name)s”是空文件，请重新选择。") % {"name": name})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return UploadKind(Attachment.Kind.PDF, "application/pdf", ".pdf")
    try:
        # Image.open reads the header only: the size is as declared, nothing is decoded yet.
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > max_pixels():
                raise _too_many_pixels(name, width, height)
            image_format = image.format
            image.verify()
        # verify() reads the structure only: decode too, so that a photo cut short in transfer is
        # refused here rather than failing when its thumbnail is drawn (JPEG at 1/8 scale: fast).
        upload.seek(0)
        with Image.open(upload) as image, _truncated_images_refused():
            image.draft("RGB", (max(image.width // 8, 1), max(image.height // 8, 1)))
            image.load()
    except UploadRejected:
        raise
    except Image.DecompressionBombError:  # so large that Pillow refuses to open it at all
        raise _too_many_pixels_unknown(name) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        image_format = None
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise UploadRejected(_("“%(name)s”不是有效的图片（JPG、PNG、WebP）或 PDF 文件，请重新选择。") % {"name": name})
    content_type, extension = IMAGE_FORMATS[image_format]
    return UploadKind(Attachment.Kind.IMAGE, content_type, extension)


def thumbnail_of(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        image.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80)
        return out.getvalue()


def check_uploads(uploads: list[Any]) -> None:
    """Reject a batch before any state changes, so a bad file never leaves a half-saved step."""
    for upload in uploads:
        inspect_upload(upload)
