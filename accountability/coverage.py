"""Signing rates: how much of what was issued is signed, overall and per child node (the leader's
"who has signed what" at a glance). Counted from a queryset of letters the caller already scoped
(accountability/scope.py), in one grouped query whatever the number of nodes; a node's part is
`within(letters, node)` on the overview, the dashboard, the workbook and the briefing alike.

A letter counts once issued (issued, signed, assessed; not drafts, not withdrawn); it is signed
when signed or assessed; overdue when still unsigned after its signing deadline.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accountability.models import Letter
from safetyops.orgs.models import Node

GENERATION_KEY = "accountability:letters:generation"

COUNTED = (Letter.Status.ISSUED, Letter.Status.SIGNED, Letter.Status.ASSESSED)
SIGNED = (Letter.Status.SIGNED, Letter.Status.ASSESSED)


@dataclass
class Rate:
    addressed: int = 0
    signed: int = 0
    overdue: int = 0

    @property
    def unsigned(self) -> int:
        return self.addressed - self.signed

    @property
    def rate(self) -> float | None:
        """Per cent signed (one decimal), None when nothing was issued."""
        return round(100 * self.signed / self.addressed, 1) if self.addressed else None

    def add(self, other: Rate) -> None:
        self.addressed += other.addressed
        self.signed += other.signed
        self.overdue += other.overdue


@dataclass
class NodeRate:
    node: Node | None  # None: the viewer's own level (its departments, itself)
    label: str
    rate: Rate = field(default_factory=Rate)


def _counts(today: datetime.date) -> dict[str, Count]:
    return {
        "addressed": Count("pk", filter=Q(status__in=COUNTED)),
        "signed": Count("pk", filter=Q(status__in=SIGNED)),
        "overdue": Count("pk", filter=Q(status=Letter.Status.ISSUED, due_on__lt=today)),
    }


def within(letters: QuerySet[Letter], node: Node) -> QuerySet[Letter]:
    """The letters addressed inside `node`'s area whoever issued them (a township's part of the
    county's pledges too), except those addressed to `node` itself: what it signs is not what it
    answers for below."""
    return letters.filter(area__path__startswith=node.path).exclude(node_id=node.pk)


def rate_of(letters: QuerySet[Letter], today: datetime.date | None = None) -> Rate:
    values = letters.order_by().aggregate(**_counts(today or timezone.localdate()))
    return Rate(**{key: value or 0 for key, value in values.items()})


def rates_by(letters: QuerySet[Letter], *fields: str, today: datetime.date | None = None) -> dict[Any, Rate]:
    """The rate of `letters` grouped by `fields` (one grouped query), keyed by the field's value, or
    by the tuple of values when more than one field is given."""
    rows = letters.order_by().values(*fields).annotate(**_counts(today or timezone.localdate()))
    return {
        (row[fields[0]] if len(fields) == 1 else tuple(row[name] for name in fields)): Rate(
            row["addressed"], row["signed"], row["overdue"]
        )
        for row in rows
    }


def rates_by_child(
    letters: QuerySet[Letter], node: Node, today: datetime.date | None = None, own_label: str = ""
) -> list[NodeRate]:
    """The rate of the letters addressed inside each child node of `node` (a township: itself, its
    villages and its enterprises), and, first, those addressed at `node`'s own level (its
    departments, its own enterprises) when there are any."""
    children = list(Node.objects.filter(parent=node).order_by("code"))
    by_path = rates_by(letters.filter(area__path__startswith=node.path), "area__path", today=today)
    by_child: dict[str, Rate] = defaultdict(Rate)
    prefixes = sorted(((child.path, child) for child in children), key=lambda pair: -len(pair[0]))
    for path, rate in by_path.items():
        owner = next((child.path for child_path, child in prefixes if path.startswith(child_path)), "")
        by_child[owner].add(rate)
    result = []
    if by_child.get("", Rate()).addressed:
        result.append(NodeRate(None, own_label or node.name, by_child[""]))
    result += [NodeRate(child, child.name, by_child.get(child.path, Rate())) for child in children]
    return result


def unsigned(letters: QuerySet[Letter]) -> QuerySet[Letter]:
    """Who has not signed: issued letters still waiting, the longest overdue first."""
    return letters.filter(status=Letter.Status.ISSUED).order_by("due_on", "area__path", "pk")


def generation() -> int:
    """A number that changes whenever a letter's counted state does (issued, signed, revised,
    withdrawn, assessed): part of the key of cached rates, so a cached page is never older than the
    last signature, however long it is kept."""
    return int(cache.get_or_set(GENERATION_KEY, 0, timeout=None) or 0)


def touch() -> None:
    """Called by the services once a change to a letter's state has committed."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value will do
        cache.set(GENERATION_KEY, 1, timeout=None)
