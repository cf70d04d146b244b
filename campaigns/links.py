"""Links to the campaign pages from cards and reminders: the URL, or "" while the page is not wired
yet (the pages and campaigns/urls.py arrive separately), so that nothing links to a missing page."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse


def page_url(name: str, *args: Any) -> str:
    try:
        return reverse(f"campaigns:{name}", args=args)
    except NoReverseMatch:
        return ""
