"""The record of a 约谈/督办 as a PDF (约谈记录, A4, the vendored font): who summoned whom, when and
where, the reasons, the attendees, the minutes, the commitments with their deadlines, the written
report and the follow-up, as they stand when printed. Every text is the user's and is escaped by
the template (never |safe)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from accountability.models import Summons
from safetyops.core.pdf import css_string, font_uris, pdf_bytes


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def summons_context(summons: Summons) -> dict[str, Any]:
    title = f"{summons.get_kind_display()}记录"
    return {
        "summons": summons,
        "title": title,
        "reasons": list(summons.reasons.all()),
        "commitments": [
            {"text": c.text, "due_on": c.due_on.isoformat(), "done": _local(c.done_at), "note": c.note}
            for c in summons.commitments.all()
        ],
        "reported_at": _local(summons.reported_at),
        "closed_at": _local(summons.closed_at),
        "printed_at": _local(timezone.now()),
        "running_head": css_string(f"{title} · {summons.unit_name}"),
        **font_uris(),
    }


def summons_pdf(summons: Summons) -> bytes:
    summons = Summons.objects.select_related("issuer", "node", "department", "enterprise", "reported_by").get(
        pk=summons.pk
    )
    return pdf_bytes(render_to_string("accountability/summons/pdf.html", summons_context(summons)))


def summons_pdf_filename(summons: Summons) -> str:
    return f"{summons.get_kind_display()}记录-{summons.unit_name[:30]}-{summons.held_on.isoformat()}.pdf"
