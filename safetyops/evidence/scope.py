"""Who sees which evidence file, built on safetyops.orgs.scope (404 outside).

Enterprise-anchored files follow the enterprise scope (its own users, the officials, supervisors of
its sectors and leaders above it). Node-anchored files are seen by the users whose scope covers the
node: its own officials and everyone above it; never by enterprise users nor by other townships.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from safetyops.evidence.models import Attachment
from safetyops.orgs.scope import get_for_user, scope_for


def anchor_q(user: Any, prefix: str = "") -> Q:
    """A Q over a model anchored by `enterprise` / `node` (reached by `prefix`)."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    at = f"{prefix}__" if prefix else ""
    enterprise_side = Q(**{f"{at}enterprise__isnull": False}) & scope.enterprise_q(f"{at}enterprise")
    if scope.node_path is None:  # enterprise users and people without a membership
        return enterprise_side
    return enterprise_side | Q(**{f"{at}node__path__startswith": scope.node_path})


def attachments_visible_to(user: Any) -> QuerySet[Attachment]:
    return Attachment.objects.filter(anchor_q(user))


def get_attachment_for_user(user: Any, pk: Any) -> Attachment:
    return get_for_user(attachments_visible_to(user), pk, user=user)
