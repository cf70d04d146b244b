"""The port other domain apps read hazards through (declared in pyproject [tool.importlinter]):
plain facts, never the model. accountability checks a daily 承诺公告 against them (承诺不实)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from inspections.models import Hazard


@dataclass(frozen=True, slots=True)
class HazardFact:
    pk: int
    enterprise_id: int
    number: str
    major: bool
    registered_at: datetime
    closed_at: datetime | None
    text: str  # description, location and the checklist item's text, one per line


def hazard_facts(
    *,
    since: datetime,
    until: datetime,
    enterprise_ids: Iterable[int] | None = None,
    hazard_ids: Iterable[int] | None = None,
) -> list[HazardFact]:
    """Hazards registered in [since, until), and 重大 hazards registered before `until` that were
    not closed before `since`, of these enterprises (or these hazards): one query."""
    qs = Hazard.objects.filter(registered_at__lt=until).filter(
        Q(registered_at__gte=since)
        | Q(level=Hazard.Level.MAJOR) & (Q(closed_at__isnull=True) | Q(closed_at__gte=since))
    )
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    if hazard_ids is not None:
        qs = qs.filter(pk__in=list(hazard_ids))
    rows = qs.order_by("registered_at", "pk").values_list(
        "pk",
        "enterprise_id",
        "number",
        "level",
        "registered_at",
        "closed_at",
        "description",
        "location",
        "checklist_item__text",
    )
    return [
        HazardFact(
            pk=pk,
            enterprise_id=enterprise_id,
            number=number,
            major=level == Hazard.Level.MAJOR,
            registered_at=registered_at,
            closed_at=closed_at,
            text="\n".join(part for part in (description, location, item_text) if part),
        )
        for pk, enterprise_id, number, level, registered_at, closed_at, description, location, item_text in rows
    ]
