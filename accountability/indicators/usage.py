"""How much of each control indicator a node's year has used (DOMAIN §6).

Limits: a node's 目标责任书 for the year (the responsibility letter addressed to it, issued,
signed or assessed; the strictest when it has more than one) gives its control items
(accountability/items.py); an `IndicatorLimit` set by the county admin gives a limit the letters
do not. Use: the year's registered accidents inside the node's area (drafts do not count), by
Beijing time of occurrence: an accident at 23:30 on 31 December counts for that year.

What each control item counts:
- 工矿商贸事故起数 / 死亡人数: accidents of the category 工矿商贸 (建筑施工, 道路交通, 火灾 have
  their own categories in the registry and their own indicators);
- 较大及以上事故起数: accidents of every category at 较大 or above;
- 道路交通死亡人数 / 火灾死亡人数: deaths of those categories.

Every count is over rows read once: three queries however many nodes are asked about.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from accountability import items as letter_items
from accountability.accidents.levels import at_least
from accountability.models import Accident, AccidentCategory, AccidentLevel, IndicatorLimit, Letter, LetterTemplate
from safetyops.core.periods import local_start
from safetyops.orgs.models import Node

WARNING_AT = 80  # per cent: the first warning
REACHED_AT = 100  # per cent: the limit is used up

CONTROL_KEYS: tuple[str, ...] = tuple(kind.key for kind in letter_items.CATALOGUE if kind.group == letter_items.CONTROL)

# key → (what is counted: "accidents" or "deaths", the categories counted (None: all), minimum level)
COUNTS: dict[str, tuple[str, frozenset[str] | None, str]] = {
    "industrial_accidents": ("accidents", frozenset({AccidentCategory.INDUSTRIAL}), AccidentLevel.GENERAL),
    "industrial_deaths": ("deaths", frozenset({AccidentCategory.INDUSTRIAL}), AccidentLevel.GENERAL),
    "major_accidents": ("accidents", None, AccidentLevel.LARGER),
    "road_deaths": ("deaths", frozenset({AccidentCategory.ROAD}), AccidentLevel.GENERAL),
    "fire_deaths": ("deaths", frozenset({AccidentCategory.FIRE}), AccidentLevel.GENERAL),
}
assert set(COUNTS) == set(CONTROL_KEYS), "every control item of the letters is counted here"

REGISTERED = (
    Accident.Status.REGISTERED,
    Accident.Status.INVESTIGATING,
    Accident.Status.REPLIED,
    Accident.Status.CLOSED,
)


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[1 January 00:00, next 1 January 00:00) in Beijing time."""
    return local_start(datetime.date(year, 1, 1)), local_start(datetime.date(year + 1, 1, 1))


@dataclass(frozen=True)
class AccidentRow:
    pk: int
    path: str
    category: str
    level: str
    deaths: int
    serious_injuries: int
    minor_injuries: int
    missing: int
    direct_loss: Decimal
    occurred_at: datetime.datetime


@dataclass
class Usage:
    """One control indicator of one node: its limit (None: none set), what is used, and where the
    limit comes from ("letter": the 目标责任书 `letter_id`; "set": the county admin's)."""

    key: str
    used: int = 0
    limit: int | None = None
    source: str = ""
    letter_id: int | None = None
    accident_ids: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(letter_items.BY_KEY[self.key].label)

    @property
    def unit(self) -> str:
        return str(letter_items.BY_KEY[self.key].unit)

    @property
    def percent(self) -> float | None:
        """Used over the limit, per cent (None without a limit; a limit of 0 is used up by any use)."""
        if self.limit is None:
            return None
        if self.limit == 0:
            return 0.0 if self.used == 0 else math.inf
        return 100 * self.used / self.limit

    @property
    def percent_shown(self) -> str:
        """ "54%" (floored: 6 of 11 is 54%), "已突破" for any use of a limit of 0, "" without a limit."""
        pct = self.percent
        if pct is None:
            return ""
        if math.isinf(pct):
            return _("已突破")
        return f"{math.floor(pct)}%"

    @property
    def threshold(self) -> int:
        """The warning reached: 0, WARNING_AT or REACHED_AT."""
        pct = self.percent
        if pct is None:
            return 0
        if pct >= REACHED_AT:
            return REACHED_AT
        return WARNING_AT if pct >= WARNING_AT else 0

    @property
    def state(self) -> str:
        """ok / warning (≥80%) / reached (=100%) / exceeded (>100%): the page's colour."""
        pct = self.percent
        if pct is None or pct < WARNING_AT:
            return "ok"
        if pct < REACHED_AT:
            return "warning"
        return "reached" if pct == REACHED_AT else "exceeded"

    @property
    def bar_width(self) -> int:
        """The bar's width in per cent of its track (capped at 100)."""
        pct = self.percent
        return 0 if pct is None else min(100, math.ceil(pct)) if not math.isinf(pct) else 100


def accident_rows(nodes: Iterable[Node], year: int) -> list[AccidentRow]:
    """The year's registered accidents inside any of `nodes` (one query)."""
    paths = sorted({node.path for node in nodes})
    if not paths:
        return []
    start, end = year_bounds(year)
    inside = Q()
    for path in paths:
        inside |= Q(node__path__startswith=path)
    rows = (
        Accident.objects.filter(inside, status__in=REGISTERED, occurred_at__gte=start, occurred_at__lt=end)
        .order_by("occurred_at", "pk")
        .values_list(
            "pk",
            "node__path",
            "category",
            "level",
            "deaths",
            "serious_injuries",
            "minor_injuries",
            "missing",
            "direct_loss",
            "occurred_at",
        )
    )
    return [AccidentRow(*row) for row in rows]


def counted(key: str, row: AccidentRow) -> int:
    """What `row` adds to control item `key` (0 when it does not count)."""
    what, categories, floor = COUNTS[key]
    if categories is not None and row.category not in categories:
        return 0
    if not at_least(row.level, floor):
        return 0
    return 1 if what == "accidents" else row.deaths


def limits(nodes: Iterable[Node], year: int) -> dict[int, dict[str, tuple[int, str, int | None]]]:
    """node id → key → (limit, source, letter id): the letters' first, the county admin's where
    no letter gives the key (two queries)."""
    node_ids = [node.pk for node in nodes]
    found: dict[int, dict[str, tuple[int, str, int | None]]] = defaultdict(dict)
    letters = (
        Letter.objects.filter(
            node_id__in=node_ids,
            template__year=year,
            template__kind=LetterTemplate.Kind.RESPONSIBILITY,
            status__in=(Letter.Status.ISSUED, Letter.Status.SIGNED, Letter.Status.ASSESSED),
        )
        .order_by("pk")
        .values_list("pk", "node_id", "items")
    )
    for letter_id, node_id, items in letters:
        for item in items or []:
            if item.get("key") not in COUNTS:
                continue
            value = int(item["value"])
            held = found[node_id].get(item["key"])
            if held is None or value < held[0]:
                found[node_id][item["key"]] = (value, "letter", letter_id)
    for node_id, key, value in IndicatorLimit.objects.filter(node_id__in=node_ids, year=year).values_list(
        "node_id", "key", "value"
    ):
        if key in COUNTS:
            found[node_id].setdefault(key, (value, "set", None))
    return found


def usage_for(nodes: Iterable[Node], year: int, *, rows: list[AccidentRow] | None = None) -> dict[int, list[Usage]]:
    """node id → its control indicators in catalogue order (those with a limit or any use).
    `rows`: the year's accident rows when the caller has read them already (accident_rows)."""
    nodes = list(nodes)
    if rows is None:
        rows = accident_rows(nodes, year)
    held = limits(nodes, year)
    result: dict[int, list[Usage]] = {}
    for node in nodes:
        mine = [row for row in rows if row.path.startswith(node.path)]
        usages = []
        for key in CONTROL_KEYS:
            usage = Usage(key)
            if key in held.get(node.pk, {}):
                usage.limit, usage.source, usage.letter_id = held[node.pk][key]
            for row in mine:
                if counted(key, row):
                    usage.used += counted(key, row)
                    usage.accident_ids.append(row.pk)
            if usage.limit is not None or usage.used:
                usages.append(usage)
        result[node.pk] = usages
    return result


@dataclass
class CategoryFigures:
    category: str
    accidents: int = 0
    deaths: int = 0
    serious_injuries: int = 0
    minor_injuries: int = 0
    missing: int = 0
    direct_loss: Decimal = Decimal("0")

    @property
    def label(self) -> str:
        return str(AccidentCategory(self.category).label)

    def add(self, row: AccidentRow) -> None:
        self.accidents += 1
        self.deaths += row.deaths
        self.serious_injuries += row.serious_injuries
        self.minor_injuries += row.minor_injuries
        self.missing += row.missing
        self.direct_loss += row.direct_loss


def by_category(rows: Iterable[AccidentRow]) -> dict[str, CategoryFigures]:
    """Category → its figures, in the registry's order (every category, zero when none)."""
    figures = {category: CategoryFigures(category) for category in AccidentCategory.values}
    for row in rows:
        figures[row.category].add(row)
    return figures


def sentence(category: CategoryFigures, usages: list[Usage]) -> str:
    """ "工矿商贸事故5起死亡6人，占全年控制指标54%": the category's accidents and deaths, and the share
    of its death indicator (or its accident indicator when it has no death indicator)."""
    text = _("%(label)s事故%(count)s起死亡%(deaths)s人") % {
        "label": category.label,
        "count": category.accidents,
        "deaths": category.deaths,
    }
    keys = {
        AccidentCategory.INDUSTRIAL: ("industrial_deaths", "industrial_accidents"),
        AccidentCategory.ROAD: ("road_deaths",),
        AccidentCategory.FIRE: ("fire_deaths",),
    }.get(AccidentCategory(category.category), ())
    by_key = {usage.key: usage for usage in usages}
    for key in keys:
        usage = by_key.get(key)
        if usage is not None and usage.limit is not None:
            if usage.percent is not None and math.isinf(usage.percent):
                return text + _("，控制指标为0，已突破")
            return text + _("，占全年控制指标%(pct)s") % {"pct": usage.percent_shown}
    return text


def used_of(key: str, rows: Iterable[AccidentRow]) -> int:
    return sum(counted(key, row) for row in rows)


def rows_inside(rows: Iterable[AccidentRow], node: Node) -> list[AccidentRow]:
    return [row for row in rows if row.path.startswith(node.path)]


def describe_usage(usage: Usage) -> dict[str, Any]:
    """A plain dict for templates and JSON: label, used, limit, percent shown, state."""
    return {
        "key": usage.key,
        "label": usage.label,
        "unit": usage.unit,
        "used": usage.used,
        "limit": usage.limit,
        "percent": usage.percent_shown,
        "state": usage.state,
        "width": usage.bar_width,
        "source": usage.source,
    }
