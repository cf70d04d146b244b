"""Which enterprises publish a daily 承诺公告, and by what hour.

An operating (在营) enterprise publishes when one of its sectors is covered in its county: the
sectors the county admin turned on in the county's DailyPledgeSetting (with their sub-sectors), or,
for a county without a setting, 危险化学品 (code "hazchem") and its sub-sectors. The due hour is the
county's (default 10:00, Asia/Shanghai). Built in two small queries, whatever the enterprises;
the board, the reminders and the briefing filter and annotate with it in SQL.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, TimeField, Value, When

from accountability.models import DailyPledgeSetting
from safetyops.orgs.models import Enterprise, Sector

DEFAULT_SECTOR = "hazchem"
DEFAULT_DUE_TIME = datetime.time(10, 0)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def due_at(day: datetime.date, due_time: datetime.time) -> datetime.datetime:
    """The aware moment of `day` at `due_time`, in the project's time zone (Asia/Shanghai)."""
    return datetime.datetime.combine(day, due_time, tzinfo=local_zone())


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=local_zone())
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=local_zone())


@dataclass(frozen=True)
class CountyRule:
    path: str  # the county node's path: its enterprises are those whose node path starts with it
    sector_ids: frozenset[int]
    due_time: datetime.time


@dataclass(frozen=True)
class Coverage:
    rules: tuple[CountyRule, ...]  # the configured counties, the deepest first
    default_sector_ids: frozenset[int]

    def _sectors_q(self, sector_ids: frozenset[int], prefix: str) -> Q:
        if not sector_ids:
            return Q(pk__in=[])
        through = Enterprise.sectors.through.objects.filter(
            enterprise_id=OuterRef(f"{prefix}pk"), sector_id__in=sorted(sector_ids)
        )
        return Q(Exists(through))

    def enterprise_q(self, field: str = "") -> Q:
        """A Q over a model whose enterprise is reached by `field` ("" for Enterprise): covered ones."""
        prefix = f"{field}__" if field else ""
        path = f"{prefix}node__path__startswith"
        q = Q(pk__in=[])
        configured = Q(pk__in=[])
        for rule in self.rules:
            inside = Q(**{path: rule.path})
            q |= inside & ~configured & self._sectors_q(rule.sector_ids, prefix)
            configured |= inside
        q |= ~configured & self._sectors_q(self.default_sector_ids, prefix)
        return Q(**{f"{prefix}status": Enterprise.Status.OPERATING}) & q

    def due_time_expression(self, field: str = "") -> Case | Value:
        prefix = f"{field}__" if field else ""
        if not self.rules:
            return Value(DEFAULT_DUE_TIME, output_field=TimeField())
        whens = [
            When(**{f"{prefix}node__path__startswith": rule.path}, then=Value(rule.due_time)) for rule in self.rules
        ]
        return Case(*whens, default=Value(DEFAULT_DUE_TIME), output_field=TimeField())

    def rule_for(self, node_path: str) -> CountyRule | None:
        return next((rule for rule in self.rules if node_path.startswith(rule.path)), None)

    def due_time_for(self, node_path: str) -> datetime.time:
        rule = self.rule_for(node_path)
        return rule.due_time if rule else DEFAULT_DUE_TIME

    def covers(self, enterprise: Enterprise, sector_ids: set[int]) -> bool:
        if enterprise.status != Enterprise.Status.OPERATING:
            return False
        rule = self.rule_for(enterprise.node.path)
        wanted = rule.sector_ids if rule else self.default_sector_ids
        return bool(wanted & sector_ids)


def _with_descendants(roots: set[int], children: dict[int | None, list[int]]) -> frozenset[int]:
    found, frontier = set(roots), list(roots)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return frozenset(found)


def coverage() -> Coverage:
    """The rules as they stand: the settings with their sectors, and the sector tree."""
    children: dict[int | None, list[int]] = defaultdict(list)
    default_roots: set[int] = set()
    for pk, parent_id, code in Sector.objects.values_list("pk", "parent_id", "code"):
        children[parent_id].append(pk)
        if code == DEFAULT_SECTOR:
            default_roots.add(pk)
    chosen: dict[tuple[str, datetime.time], set[int]] = defaultdict(set)
    for path, due_time, sector_id in DailyPledgeSetting.objects.values_list("node__path", "due_time", "sectors"):
        chosen[(path, due_time)] |= {sector_id} if sector_id is not None else set()  # LEFT JOIN: None, no sector
    rules = [
        CountyRule(path=path, sector_ids=_with_descendants(sectors, children), due_time=due_time)
        for (path, due_time), sectors in chosen.items()
    ]
    rules.sort(key=lambda rule: -len(rule.path))
    return Coverage(rules=tuple(rules), default_sector_ids=_with_descendants(default_roots, children))


def default_sectors() -> list[Sector]:
    """What a county without a setting has turned on: 危险化学品 (its sub-sectors come with it)."""
    return list(Sector.objects.filter(code=DEFAULT_SECTOR))
