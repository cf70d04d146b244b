"""Scoping helpers for inspections and hazards (their files: safetyops.evidence.scope): everything goes through the
enterprise scope of safetyops.orgs.scope (404 outside, 403 without the right)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from inspections.models import Hazard, Inspection
from safetyops.orgs.scope import get_for_user, scoped


def hazards_visible_to(user: Any) -> QuerySet[Hazard]:
    return scoped(user, Hazard.objects.all(), enterprise_field="enterprise")


def get_hazard_for_user(user: Any, pk: Any, *, right: str | None = None) -> Hazard:
    return get_for_user(
        hazards_visible_to(user).select_related("enterprise", "node", "sector"), pk, user=user, right=right
    )


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    return scoped(user, Inspection.objects.all(), enterprise_field="enterprise")


def get_inspection_for_user(user: Any, pk: Any, *, right: str | None = None) -> Inspection:
    queryset = inspections_visible_to(user).select_related("enterprise", "enterprise__node")
    return get_for_user(queryset, pk, user=user, right=right)
