"""The Jinja2 environment of the few hot fragments drawn by Jinja2 instead of Django's engine.

Only where Django's engine is the floor of a page: the ledger's 50 rows took about 3 ms of CPU
per page with Django (label maps and all) and under 1 ms with Jinja2 (`python -m
bench.table_engines`). Autoescape is on; a fragment gets its translated labels from Python (so
that makemessages sees them) and never calls gettext itself.
"""

from __future__ import annotations

import html
from typing import Any

import jinja2
from markupsafe import Markup


def environment(**options: Any) -> jinja2.Environment:
    # A misspelt name fails loudly instead of rendering as "" (Django's silent default).
    options["undefined"] = jinja2.StrictUndefined
    # Escaped as Django escapes (' is &#x27; and " is &quot;; MarkupSafe writes &#39; and &#34;),
    # so that a fragment's HTML is byte for byte what Django's template wrote.
    options["finalize"] = _django_escape
    return jinja2.Environment(**options)  # noqa: S701 - the backend passes autoescape=True


def _django_escape(value: Any) -> Any:
    # django.utils.html.escape is html.escape(str(value)); safe values (__html__) pass as they are.
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))  # noqa: S704 - escaped on this line
