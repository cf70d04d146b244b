"""Reads: which briefings a user may see (404 outside the scope, 403 without the right)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from safetyops.briefings.models import Briefing
from safetyops.briefings.services import may_read, may_write
from safetyops.orgs.models import Node
from safetyops.orgs.scope import get_for_user, nodes_visible_to, scope_for


def briefings_visible_to(user: Any) -> QuerySet[Briefing]:
    """Briefings whose node lies in the user's jurisdiction subtree (none for enterprise users)."""
    if scope_for(user).everything:
        return Briefing.objects.all()
    return Briefing.objects.filter(node__in=nodes_visible_to(user))


def get_briefing_for_user(user: Any, pk: Any, *, write: bool = False) -> Briefing:
    queryset = briefings_visible_to(user).select_related("node", "requested_by", "published_by")
    briefing = get_for_user(queryset, pk, user=user)
    if not may_read(user) or (write and not may_write(user)):
        raise PermissionDenied
    return briefing


def briefing_nodes_for(user: Any) -> QuerySet[Node]:
    """The nodes a user may request a briefing of: their jurisdiction without villages."""
    return nodes_visible_to(user).exclude(level=Node.Level.VILLAGE).order_by("path")
