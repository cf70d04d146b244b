"""The small, safe markup of a letter's text: what an official types is plain text, and only this
is given shape (everything is escaped first, so no HTML from a user reaches a page or a PDF):

- a blank line separates paragraphs; a single line break stays a line break;
- a line starting with "# " is a heading;
- lines starting with "- " or "· " make a list;
- **text** is bold.

The signed text is the plain text itself (accountability/texts.py), not this rendering.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BULLET = ("- ", "· ", "• ")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def _block(lines: list[str]) -> list[str]:
    """One block's lines as HTML: a heading line, runs of list lines, runs of other lines (a
    paragraph with line breaks), in their order: "# 标题" followed at once by "- " lines works."""
    out: list[str] = []
    run: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if run:
            out.append("<p>" + "<br>".join(_inline(line) for line in run) + "</p>")
            run.clear()
        if bullets:
            out.append("<ul>" + "".join(f"<li>{_inline(line)}</li>" for line in bullets) + "</ul>")
            bullets.clear()

    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith("# "):
            flush()
            out.append(f'<h3 class="letter-heading">{_inline(stripped[2:].strip())}</h3>')
        elif stripped.startswith(_BULLET):
            if run:
                flush()
            bullets.append(stripped[2:].strip())
        else:
            if bullets:
                flush()
            run.append(line)
    flush()
    return out


def render(text: str) -> SafeString:
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip()):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        blocks += _block(lines)
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece of user text above is escaped
