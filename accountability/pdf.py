"""A letter or pledge as a PDF (A4, the vendored font): the document as its addressee signed it,
then the signature block (who, when, how) with the version and the SHA-256 of the signed text.

The PDF carries the exact signed text (the LetterVersion's canonical text, UTF-8) as an embedded
file, SIGNED_TEXT_NAME, so that anyone holding the PDF can check it without the system:
`pdfdetach -save 1 -o t.txt letter.pdf && sha256sum t.txt` prints the hash the PDF shows.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import texts
from accountability.models import Letter, LetterTemplate, LetterVersion
from safetyops.core.pdf import PdfFile, css_string, font_uris, pdf_bytes
from safetyops.evidence.models import Signature

SIGNED_TEXT_NAME = "signed-text.txt"


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _version_signed(letter: Letter) -> tuple[LetterVersion | None, Signature | None]:
    """The version the PDF prints and its signature (None while unsigned)."""
    signature = letter.signature
    version = letter.current_version
    if signature is not None and (version is None or signature.owner_id != version.pk):
        version = LetterVersion.objects.filter(pk=signature.owner_id).first() or version
    return version, signature


def _signature_block(signature: Signature) -> dict[str, Any]:
    scan = signature.method == Signature.Method.SCAN
    return {
        "method": signature.get_method_display(),
        "scan": scan,
        "name": signature.signed_name,
        "signed_at": _local(signature.signed_at),
        "ip": signature.ip or "",
        "countersigned_by": (signature.countersigned_by.full_name or signature.countersigned_by.username)
        if scan and signature.countersigned_by
        else "",
        "countersigned_at": _local(signature.countersigned_at) if scan else "",
        "sha256": signature.sha256,
    }


def letter_context(letter: Letter) -> dict[str, Any]:
    """What the PDF template prints of `letter`: the frozen text of the version it shows (for a draft,
    the text it will have when issued), laid out as on the page, never the live template or names."""
    template: LetterTemplate = letter.template
    version, signature = _version_signed(letter)
    doc = texts.layout(version.text if version is not None else texts.letter_text(template, letter))
    return {
        "letter": letter,
        "title": doc.heading,
        "subheading": doc.subheading,
        "document": doc.rendered,
        "version": version,
        "signature": _signature_block(signature) if signature is not None else None,
        "status": letter.get_status_display(),
        "draft": letter.status == Letter.Status.DRAFT,
        "withdrawn": letter.status == Letter.Status.WITHDRAWN,
        "due_on": letter.due_on.isoformat() if letter.due_on else "",
        "attachment_name": SIGNED_TEXT_NAME,
        "printed_at": _local(timezone.now()),
        "author": template.node.name,
        "running_head": css_string(doc.heading),
        **font_uris(),
    }


def letter_pdf(letter: Letter) -> bytes:
    """The PDF of `letter`; a signed one embeds the signed text (SIGNED_TEXT_NAME)."""
    letter = Letter.objects.select_related(
        "template__node",
        "node",
        "department",
        "enterprise",
        "area",
        "current_version",
        "signature__countersigned_by",
    ).get(pk=letter.pk)
    context = letter_context(letter)
    files: list[PdfFile] = []
    if letter.signature is not None:
        files.append(
            PdfFile(
                SIGNED_TEXT_NAME,
                letter.signature.text.encode("utf-8"),
                _("签署原文（UTF-8），其SHA-256应为 %(hash)s") % {"hash": letter.signature.sha256},
            )
        )
    return pdf_bytes(render_to_string("accountability/pdf/letter.html", context), files=files)


def pdf_filename(letter: Letter) -> str:
    return f"{letter.template.title[:40]}-{letter.unit_name[:30]}.pdf"
