"""The options a page's <select> draws, for the tests of kept option lists."""

from __future__ import annotations

import html
import re


def select_options(body: str, name: str) -> list[tuple[str, str]]:
    """The (value, label) options of the <select name=...> in an HTML page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no <select name={name}>"
    return [
        (value, html.unescape(label))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select[1])
    ]
