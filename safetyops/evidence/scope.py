"""Who sees which evidence file, built on safetyops.orgs.scope (404 outside).

Enterprise-anchored files follow the enterprise scope (its own users, the officials, supervisors of
its sectors and leaders above it). Node-anchored files are seen by the users whose scope covers the
node: its own officials and everyone above it; never by enterprise users nor by other townships.

An owner whose readers are fewer than its anchor's (a letter addressed to one department, whose
scan is anchored at the department's node) registers its own scope (`register_owner_scope`, from
its app's ready()): its files are then seen only by those who also see the owner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from safetyops.evidence.models import Attachment
from safetyops.orgs.scope import get_for_user, scope_for

# The owners with a scope of their own: model → visible(user), a queryset of the owners user sees.
OwnerScope = Callable[[Any], QuerySet[Any]]
_OWNER_SCOPES: dict[type[models.Model], OwnerScope] = {}


def register_owner_scope(model: type[models.Model], visible: OwnerScope) -> None:
    """Files owned by a `model` instance are seen only by users for whom `visible(user)` holds the
    owner (besides the anchor's scope)."""
    _OWNER_SCOPES[model] = visible


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


def owner_q(user: Any) -> Q:
    """Attachments whose owner has a registered scope: only those whose owner `user` sees."""
    condition = Q()
    for model, visible in _OWNER_SCOPES.items():
        owner_type = ContentType.objects.get_for_model(model)
        condition &= ~Q(owner_type=owner_type) | Q(owner_id__in=visible(user).values("pk"))
    return condition


def attachments_visible_to(user: Any) -> QuerySet[Attachment]:
    return Attachment.objects.filter(anchor_q(user) & owner_q(user))


def get_attachment_for_user(user: Any, pk: Any) -> Attachment:
    return get_for_user(attachments_visible_to(user), pk, user=user)
