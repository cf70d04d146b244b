from __future__ import annotations

from typing import Any

from django import template

from safetyops.notify.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notify/_inbox_badge.html", takes_context=True)
def inbox_badge(context: dict[str, Any]) -> dict[str, Any]:
    """The bell in the navbar with the number of unread messages (one indexed COUNT)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    count = unread_count(user) if user is not None and user.is_authenticated else 0
    return {"unread": count, "request": request}
