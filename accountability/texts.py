"""The exact text an addressee signs: a letter's (or pledge's) title, parties, body and items, as
plain text. It is frozen in a LetterVersion when issued or revised, hashed by
safetyops/evidence/signing.py, printed in the PDF, and shown on the page; anyone holding the PDF
can recompute the SHA-256 of this text (README: "Verifying a signature")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accountability import items as letter_items
from accountability import markup
from accountability.models import Letter, LetterTemplate

_NUMERALS = "一二三四五六七八九十"


def letter_text(template: LetterTemplate, letter: Letter, items: list[dict[str, Any]] | None = None) -> str:
    items = letter.items if items is None else items
    pledge = template.kind == LetterTemplate.Kind.PLEDGE
    lines = [
        template.title,
        _("（%(year)s年度）") % {"year": template.year},
        "",
        (_("承诺单位：%(unit)s") if pledge else _("责任单位：%(unit)s")) % {"unit": letter.unit_name},
        _("下达单位：%(node)s") % {"node": template.node.name},
        "",
        template.body.strip(),
    ]
    sections: list[tuple[str, list[str]]] = []
    controls, targets = letter_items.split(items)
    if controls:
        sections.append((_("控制指标"), [letter_items.describe(item) for item in controls]))
    if targets:
        sections.append((_("工作目标"), [letter_items.describe(item) for item in targets]))
    method = template.assessment_method.strip()
    weighted = [item for item in items if item.get("weight")]
    if method or weighted:
        body = [method] if method else []
        if weighted:
            body.append(
                _("考核分值：")
                + _("；").join(f"{item['label']}{item['weight']}{_('分')}" for item in weighted)
                + _("。")
            )
        sections.append((_("考核办法"), body))
    for number, (title, entries) in enumerate(sections):
        lines += ["", f"{_NUMERALS[number]}、{title}"]
        if title == _("考核办法"):
            lines += entries
        else:
            lines += [
                f"{index}. {entry}；" if index < len(entries) else f"{index}. {entry}。"
                for index, entry in enumerate(entries, 1)
            ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Layout:
    """A letter's text laid out for a page or a PDF: the title and the year as the heading, the
    rest (parties, body, sections) rendered with the letter markup. Made from the frozen text only,
    so what is shown is word for word what was signed."""

    text: str
    heading: str
    subheading: str
    rendered: SafeString


def layout(text: str) -> Layout:
    """Lay out a text written by letter_text (a LetterVersion's): its first two lines are the
    title and the year, then a blank line."""
    lines = text.split("\n")
    heading, subheading = "", ""
    if len(lines) > 2 and lines[2] == "":
        heading, subheading, lines = lines[0], lines[1], lines[2:]
    return Layout(text=text, heading=heading, subheading=subheading, rendered=markup.render("\n".join(lines)))
