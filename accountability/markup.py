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


def render(text: str) -> SafeString:
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip()):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].startswith("# "):
            blocks.append(f'<h3 class="letter-heading">{_inline(lines[0][2:].strip())}</h3>')
        elif all(line.lstrip().startswith(_BULLET) for line in lines):
            entries = "".join(f"<li>{_inline(line.lstrip()[2:].strip())}</li>" for line in lines)
            blocks.append(f"<ul>{entries}</ul>")
        else:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece of user text above is escaped
