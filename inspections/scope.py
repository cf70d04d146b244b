"""Scoping helpers for inspections and hazards (their files: safetyops.evidence.scope): everything goes through the
enterprise scope of safetyops.orgs.scope (404 outside, 403 without the right)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from inspections.models import Hazard, Inspection
from safetyops.orgs.scope import require_right, scoped


def hazards_visible_to(user: Any) -> QuerySet[Hazard]:
    return scoped(user, Hazard.objects.all(), enterprise_field="enterprise")


def get_hazard_for_user(user: Any, pk: Any, *, right: str | None = None) -> Hazard:
    try:
        hazard = hazards_visible_to(user).select_related("enterprise", "node", "sector").get(pk=int(pk))
    except (Hazard.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if right is not None:
        require_right(user, right)
    return hazard


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    return scoped(user, Inspection.objects.all(), enterprise_field="enterprise")


def get_inspection_for_user(user: Any, pk: Any, *, right: str | None = None) -> Inspection:
    try:
        inspection = inspections_visible_to(user).select_related("enterprise", "enterprise__node").get(pk=int(pk))
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if right is not None:
        require_right(user, right)
    return inspection
