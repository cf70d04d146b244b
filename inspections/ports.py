"""The port other domain apps read hazards through (declared in pyproject [tool.importlinter]):
plain facts, never the model. accountability checks a daily 承诺公告 against them (承诺不实) and
scores the yearly assessment from them (rectification rates, overdue hazards, inspection coverage)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from inspections.models import Hazard, Inspection
from safetyops.core.audit import log_action
from safetyops.orgs.models import Enterprise


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


@dataclass(slots=True)
class RectificationFact:
    """Hazards registered in a year inside one node's area: how many, how many closed by `as_of`,
    the 重大 ones of each, and how many were past their deadline and still open at `as_of`."""

    total: int = 0
    closed: int = 0
    major_total: int = 0
    major_closed: int = 0
    overdue_open: int = 0


def rectification_facts(
    *, node_paths: Iterable[str], since: datetime, until: datetime, as_of: datetime
) -> dict[str, RectificationFact]:
    """Per node path: the hazards registered in [since, until) inside it, counted as they stood at
    `as_of` (the year's end, or now while the year runs). One query."""
    paths = sorted(set(node_paths))
    facts = {path: RectificationFact() for path in paths}
    if not paths:
        return facts
    inside = Q()
    for path in paths:
        inside |= Q(node__path__startswith=path)
    as_of_day = timezone.localtime(as_of).date()
    rows = (
        Hazard.objects.filter(inside, registered_at__gte=since, registered_at__lt=until)
        .order_by()
        .values_list("node__path", "level", "closed_at", "deadline")
    )
    for node_path, level, closed_at, deadline in rows:
        closed = closed_at is not None and closed_at < as_of
        major = level == Hazard.Level.MAJOR
        for path in paths:
            if not node_path.startswith(path):
                continue
            fact = facts[path]
            fact.total += 1
            fact.closed += closed
            fact.major_total += major
            fact.major_closed += major and closed
            fact.overdue_open += not closed and deadline < as_of_day
    return facts


@dataclass(slots=True)
class CoverageFact:
    """Enterprises in operation inside one node's area, and how many of them an inspection (not
    a draft) reached in the period."""

    enterprises: int = 0
    inspected: int = 0


def inspection_coverage_facts(
    *, node_paths: Iterable[str], since: datetime, until: datetime
) -> dict[str, CoverageFact]:
    """Per node path: operating enterprises inside it and those inspected in [since, until). Two queries."""
    paths = sorted(set(node_paths))
    facts = {path: CoverageFact() for path in paths}
    if not paths:
        return facts
    inside = Q()
    for path in paths:
        inside |= Q(node__path__startswith=path)
    inspected = set(
        Inspection.objects.filter(inspected_at__gte=since, inspected_at__lt=until)
        .exclude(status=Inspection.Status.DRAFT)
        .values_list("enterprise_id", flat=True)
    )
    for pk, node_path in Enterprise.objects.filter(inside, status=Enterprise.Status.OPERATING).values_list(
        "pk", "node__path"
    ):
        for path in paths:
            if node_path.startswith(path):
                facts[path].enterprises += 1
                facts[path].inspected += pk in inspected
    return facts


# 约谈/督办 (accountability/summons): the hazards a summons may be about, and its entry on the hazard.

SUMMONS_FACTS_MAX = 200  # a form offers at most this many hazards of one target


@dataclass(frozen=True, slots=True)
class SummonsHazardFact:
    """A hazard as a summons sees it: whether it is overdue, at 督办, at 挂牌督办 (today)."""

    pk: int
    number: str
    enterprise_id: int
    enterprise_name: str
    node_id: int
    node_path: str
    sector_id: int | None
    major: bool
    deadline: date
    overdue: bool
    days_overdue: int
    supervised: bool
    listed: bool
    text: str  # the description, short

    @property
    def summonable(self) -> bool:
        return self.overdue or self.supervised or self.listed


def summons_hazard_facts(
    *,
    enterprise_ids: Iterable[int] | None = None,
    node_path: str | None = None,
    sector_ids: Iterable[int] | None = None,
    hazard_ids: Iterable[int] | None = None,
    today: date | None = None,
    summonable_only: bool = True,
) -> list[SummonsHazardFact]:
    """Open hazards of these enterprises / inside this node's part (path prefix) / of these
    sectors / these hazards that are overdue, at 督办 or at 挂牌督办 (`summonable_only`), the most
    pressing first (挂牌, 督办, then the longest overdue): one query, at most SUMMONS_FACTS_MAX."""
    today = today or timezone.localdate()
    qs = Hazard.objects.exclude(status=Hazard.Status.CLOSED)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    if node_path is not None:
        qs = qs.filter(node__path__startswith=node_path)
    if sector_ids is not None:
        qs = qs.filter(sector_id__in=list(sector_ids))
    if hazard_ids is not None:
        qs = qs.filter(pk__in=list(hazard_ids))
    if summonable_only:
        qs = qs.filter(Q(deadline__lt=today) | Q(escalation=Hazard.Escalation.SUPERVISED) | Q(listed_supervision=True))
    rows = qs.order_by("-listed_supervision", "-escalation", "deadline", "pk").values_list(
        "pk",
        "number",
        "enterprise_id",
        "enterprise__name",
        "node_id",
        "node__path",
        "sector_id",
        "level",
        "deadline",
        "escalation",
        "listed_supervision",
        "description",
    )[:SUMMONS_FACTS_MAX]
    return [
        SummonsHazardFact(
            pk=pk,
            number=number,
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
            node_id=node_id,
            node_path=path,
            sector_id=sector_id,
            major=level == Hazard.Level.MAJOR,
            deadline=deadline,
            overdue=deadline < today,
            days_overdue=max((today - deadline).days, 0),
            supervised=escalation == Hazard.Escalation.SUPERVISED,
            listed=listed,
            text=description[:60],
        )
        for (
            pk,
            number,
            enterprise_id,
            enterprise_name,
            node_id,
            path,
            sector_id,
            level,
            deadline,
            escalation,
            listed,
            description,
        ) in rows
    ]


def hazard_log(hazard_id: int, action: str, *, actor: Any, data: dict[str, Any]) -> None:
    """Write `action` on the hazard's audit trail (its timeline reads the actions it knows:
    inspections/timeline.py); inside the caller's transaction."""
    hazard = Hazard.objects.get(pk=hazard_id)
    log_action(hazard, action, actor=actor, data=data)
