"""The PDFs every app prints (briefings, campaign summaries, report books): WeasyPrint from HTML
that a template rendered (so user text is escaped), the vendored CJK font, a temporary file to
render into and its copy into storage with its checksum."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "fonts" / "noto-sans-sc"


def font_uris() -> dict[str, str]:
    """The vendored "SafetyOps Sans" for a template's @font-face: `font_regular`, `font_bold`."""
    return {
        "font_regular": (FONT_DIR / "NotoSansSC-Regular.otf").as_uri(),
        "font_bold": (FONT_DIR / "NotoSansSC-Bold.otf").as_uri(),
    }


def css_string(text: str) -> str:
    """`text` safe inside a CSS string of a <style> element (a running head): no quote, backslash,
    markup character or line break."""
    return re.sub(r"[\\\"'<>&\n\r]", "", text)


_HEADING = re.compile(r"^([（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")


def text_blocks(text: str) -> list[tuple[bool, str]]:
    """An official's plain text as (is_heading, line), blank lines dropped: lines that start
    "一、" or "（一）" are headings, the others paragraphs."""
    lines = (line.strip() for line in text.splitlines())
    return [(bool(_HEADING.match(line)), line) for line in lines if line]


@dataclass(frozen=True)
class PdfFile:
    """A file embedded in a PDF (e.g. the exact text a letter's signature covers): `pdfdetach`
    or any PDF reader gives back these bytes unchanged."""

    name: str
    data: bytes
    description: str = ""


def write_pdf(html: str, path: Path, *, files: Sequence[PdfFile] = ()) -> None:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # "Step 1 - Fetching ..." per render
    from weasyprint import HTML, Attachment

    attachments = [
        Attachment(file_obj=io.BytesIO(file.data), name=file.name, description=file.description or None)
        for file in files
    ]
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(target=str(path), attachments=attachments or None)


def pdf_bytes(html: str, *, files: Sequence[PdfFile] = ()) -> bytes:
    """The PDF of `html`, in memory (for a download made while the user waits)."""
    with temporary_pdf() as path:
        write_pdf(html, path, files=files)
        return path.read_bytes()


@contextmanager
def temporary_pdf(prefix: str = "safetyops-") -> Iterator[Path]:
    """A path for WeasyPrint to write to, removed afterwards whatever happens."""
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".pdf")
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def save_file(path: Path, name: str) -> tuple[str, str, int]:
    """Copy a finished file into storage under `name` (storage may alter it): (name, sha256, size).
    Read in chunks: a county's briefing need not sit in memory (on S3 it is sent in parts)."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        handle.seek(0)
        stored = default_storage.save(name, File(handle))
    return stored, digest, path.stat().st_size
