"""The options a page's <select> draws, for the tests of kept option lists."""

from __future__ import annotations

import html
import re
from typing import Any


def select_options(body: str, name: str) -> list[tuple[str, str]]:
    """The (value, label) options of the <select name=...> in an HTML page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no <select name={name}>"
    return [
        (value, html.unescape(label))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select[1])
    ]


def drawn_and_live(client: Any, url: str, name: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The options the page at `url` draws for the filter field `name`, and the same list built from
    the form field's live queryset (as the page drew it before the lists were kept)."""
    response = client.get(url)
    field = response.context["form"].fields[name]
    live = [("", str(field.empty_label)), *((str(obj.pk), field.label_from_instance(obj)) for obj in field.queryset)]
    return select_options(response.content.decode(), name), live
