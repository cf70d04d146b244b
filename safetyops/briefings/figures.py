"""The figures of a briefing, gathered with a fixed number of aggregate queries.

Everything is stated "as at the end of the period": a hazard counts as closed only if it was
closed before the period ended, and overdue if its deadline had passed on the period's last day
while it was still open. So a briefing made again later from the same data gives the same
figures. The result is plain JSON (it is stored on the Briefing as its snapshot); every list is
in a deterministic order.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import Campaign
from inspections.models import Hazard, HazardEvent, Inspection
from safetyops.orgs.models import Enterprise, Node, Sector, on_register_at

FIGURES_VERSION = 1
WORST_OVERDUE_SHOWN = 5
LISTED_SHOWN = 15
TREND_MONTHS = 12
OWN_LEVEL = 0  # the bucket of enterprises sitting directly on the node (本级), not in a child

# Sections whose app has not landed: the briefing says so instead of printing zeros.
PENDING_MODULES = {
    "accidents": "事故统计模块尚未上线",
    "campaign_progress": "专项行动进度统计模块尚未上线",
    "accountability": "责任落实（目标责任书、安全承诺书、约谈）模块尚未上线",
}

_AREA_WORD = {
    Node.Kind.CITY: "全市",
    Node.Kind.COUNTY: "全县",
    Node.Kind.DISTRICT: "全区",
    Node.Kind.TOWN: "全镇",
    Node.Kind.XIANG: "全乡",
    Node.Kind.STREET: "全街道",
    Node.Kind.PARK: "全园区",
    Node.Kind.COMMUNITY: "全社区",
    Node.Kind.VILLAGE: "全村",
}
_CHILDREN_WORD = {
    Node.Level.CITY: "各县（市、区）",
    Node.Level.COUNTY: "各镇（街道、园区）",
    Node.Level.TOWNSHIP: "各村（社区）",
}


# Periods ---------------------------------------------------------------------------------------


def local_start(day: date) -> datetime:
    """Midnight at the start of `day`, Asia/Shanghai."""
    return timezone.make_aware(datetime.combine(day, time.min))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def is_calendar_month(start: date, end: date) -> bool:
    return (
        start.day == 1
        and (start.year, start.month) == (end.year, end.month)
        and end == month_bounds(start.year, start.month)[1]
    )


def previous_month(day: date) -> tuple[date, date]:
    first = day.replace(day=1) - timedelta(days=1)
    return month_bounds(first.year, first.month)


def period_label(start: date, end: date) -> str:
    """2026年10月 · 2026年第三季度 · 2026年 · 2026年8月1日至10月31日"""
    if is_calendar_month(start, end):
        return f"{start.year}年{start.month}月"
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return f"{start.year}年"
    quarter = (start.month - 1) // 3
    if (
        start.day == 1
        and start.month % 3 == 1
        and start.year == end.year
        and end == month_bounds(end.year, start.month + 2)[1]
    ):
        return f"{start.year}年第{'一二三四'[quarter]}季度"
    if start.year == end.year:
        return f"{start.year}年{start.month}月{start.day}日至{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def _previous_period(start: date, end: date) -> tuple[date, date]:
    if is_calendar_month(start, end):
        return previous_month(start)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def _trend_months(end: date) -> list[tuple[int, int]]:
    months = []
    year, month = end.year, end.month
    for _ in range(TREND_MONTHS):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# The figures -----------------------------------------------------------------------------------


def briefing_figures(node: Node, start: date, end: date) -> dict[str, Any]:
    """The snapshot a briefing of `node` for the days start..end (inclusive) is made from."""
    start_dt, end_dt = local_start(start), local_start(end + timedelta(days=1))
    children = list(Node.objects.filter(parent=node).order_by("sort_order", "code"))
    subtree = node.path

    bucket_of = _buckets(subtree, children)
    enterprises = _by_bucket(
        Enterprise.objects.filter(node__path__startswith=subtree)
        .filter(on_register_at(end_dt))  # as at the period end: a rerun gives the same count
        .values("node_id")
        .annotate(total=Count("pk")),
        bucket_of,
    )
    inspections_qs = Inspection.objects.filter(
        enterprise__node__path__startswith=subtree, inspected_at__gte=start_dt, inspected_at__lt=end_dt
    )
    inspections = _by_bucket(
        # An enterprise sits on one node, so distinct enterprises per node add up per child.
        inspections_qs.values(node_id=F("enterprise__node_id")).annotate(
            count=Count("pk"), covered=Count("enterprise", distinct=True)
        ),
        bucket_of,
    )
    by_kind = {row["kind"]: row["n"] for row in inspections_qs.order_by().values("kind").annotate(n=Count("pk"))}
    hazards = _by_bucket(
        Hazard.objects.filter(node__path__startswith=subtree, registered_at__lt=end_dt)
        .values("node_id")
        # One pass over the area's hazards also gives the 12-month trend and the 挂牌督办 summary.
        .annotate(**_hazard_counts(start, end), **_trend_counts(end, end_dt), **_listed_counts(start_dt, end_dt)),
        bucket_of,
    )

    buckets = [(OWN_LEVEL, node.name + "本级", node.code), *((c.pk, c.name, c.code) for c in children)]
    rows = []
    for key, name, code in buckets:
        row = _unit_row(name, code, enterprises.get(key, {}), inspections.get(key, {}), hazards.get(key, {}))
        if key != OWN_LEVEL or row["enterprises"] or row["found"] or row["open_end"]:
            rows.append(row)
    hazard_totals = _sum(hazards)
    totals = _unit_row(node.name, node.code, _sum(enterprises), _sum(inspections), hazard_totals)
    prev_start, prev_end = _previous_period(start, end)
    totals["inspections_by_kind"] = [
        {"kind": str(label), "count": by_kind[value]} for value, label in Inspection.Kind.choices if value in by_kind
    ]

    names = {key: name for key, name, _code in buckets}
    return {
        "version": FIGURES_VERSION,
        "node": {
            "id": node.pk,
            "name": node.name,
            "code": node.code,
            "level": node.level,
            "kind": node.kind,
            "area_word": _AREA_WORD.get(node.kind, "全辖区"),
            "children_word": _CHILDREN_WORD.get(node.level, "各下级单位"),
        },
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "label": period_label(start, end),
            "monthly": is_calendar_month(start, end),
            "days": (end - start).days + 1,
            "previous_label": period_label(prev_start, prev_end),
        },
        "totals": totals,
        "has_data": bool(totals["inspections"] or totals["found"]),
        "units": _ranked(rows) if children else [],
        "by_sector": _by_sector(subtree, start_dt, end_dt),
        "trend": _trend(end, hazard_totals),
        "overdue_worst": _overdue_worst(subtree, end, end_dt, children, names),
        "listed": _listed(subtree, start_dt, end_dt, children, names, hazard_totals),
        "campaigns": _campaigns(node, start, end, start_dt, end_dt),
        "pending_modules": dict(PENDING_MODULES),
    }


def _buckets(subtree: str, children: list[Node]) -> dict[int, int]:
    """Every node of the subtree → the child of the node it lies in (its pk), or OWN_LEVEL.

    Counts are grouped by node in the database (a few hundred groups) and added up per child
    here: a CASE of one LIKE per child, evaluated on every hazard row, took most of the time."""
    prefixes = [(child.path, child.pk) for child in children]
    out = {}
    for pk, path in Node.objects.filter(path__startswith=subtree).values_list("pk", "path"):
        out[pk] = next((child for prefix, child in prefixes if path.startswith(prefix)), OWN_LEVEL)
    return out


def _by_bucket(rows: Any, bucket_of: dict[int, int]) -> dict[int, dict[str, int]]:
    """Add up rows grouped by node_id into one row per bucket."""
    out: dict[int, dict[str, int]] = {}
    for row in rows.order_by():
        bucket = out.setdefault(bucket_of.get(row.pop("node_id"), OWN_LEVEL), {})
        for key, value in row.items():
            bucket[key] = bucket.get(key, 0) + value
    return out


def _sum(by_bucket: dict[int, dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in by_bucket.values():
        for key, value in row.items():
            total[key] = total.get(key, 0) + value
    return total


def _hazard_counts(start: date, end: date) -> dict[str, Count]:
    start_dt, end_dt = local_start(start), local_start(end + timedelta(days=1))
    prev_start, prev_end = _previous_period(start, end)
    found = Q(registered_at__gte=start_dt)  # the queryset already ends at end_dt
    closed_by_end = Q(closed_at__lt=end_dt)
    open_at_end = Q(closed_at__isnull=True) | Q(closed_at__gte=end_dt)
    major = Q(level=Hazard.Level.MAJOR)
    overdue = open_at_end & Q(deadline__lt=end)
    listed = Q(listed_supervision=True) & (Q(listed_at__isnull=True) | Q(listed_at__lt=end_dt))
    year_to_date = Q(registered_at__gte=local_start(date(end.year, 1, 1)))
    previous = Q(registered_at__gte=local_start(prev_start), registered_at__lt=local_start(prev_end + timedelta(1)))
    return {
        "found": Count("pk", filter=found),
        "found_major": Count("pk", filter=found & major),
        "found_self": Count("pk", filter=found & Q(source=Hazard.Source.SELF)),
        "found_on_spot": Count("pk", filter=found & Q(fixed_on_spot=True) & closed_by_end),
        "found_closed": Count("pk", filter=found & closed_by_end),
        "closed": Count("pk", filter=Q(closed_at__gte=start_dt) & closed_by_end),
        "open_end": Count("pk", filter=open_at_end),
        "open_major_end": Count("pk", filter=open_at_end & major),
        "overdue": Count("pk", filter=overdue),
        "overdue_major": Count("pk", filter=overdue & major),
        "listed_open": Count("pk", filter=open_at_end & listed),
        "ytd_found": Count("pk", filter=year_to_date),
        "ytd_closed": Count("pk", filter=year_to_date & closed_by_end),
        "previous_found": Count("pk", filter=previous),
    }


_HAZARD_KEYS = tuple(_hazard_counts(date(2000, 1, 1), date(2000, 1, 31)))


def _unit_row(
    name: str, code: str, enterprises: dict[str, int], inspections: dict[str, int], hazards: dict[str, int]
) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "code": code}
    row["enterprises"] = enterprises.get("total", 0)
    row["inspections"] = inspections.get("count", 0)
    row["covered"] = inspections.get("covered", 0)
    row.update({key: hazards.get(key, 0) for key in _HAZARD_KEYS})
    row["coverage"] = pct(row["covered"], row["enterprises"])
    row["rate"] = pct(row["found_closed"], row["found"])
    row["ytd_rate"] = pct(row["ytd_closed"], row["ytd_found"])
    return row


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """整改率 high to low, then fewer overdue, then higher coverage. Units with no hazards found in the
    period have no 整改率, so no place in it (rank None, shown "—"): they are listed after, by
    coverage (a unit that inspected nobody is last), and a 0.0% is never "first" over them."""
    ordered = sorted(
        rows,
        key=lambda r: (
            r["found"] == 0,
            -(r["rate"] or 0),
            r["overdue"],
            -(r["coverage"] or 0),
            r["code"],
        ),
    )
    for rank, row in enumerate(ordered, 1):
        row["rank"] = rank if row["rate"] is not None else None
    return ordered


def _by_sector(subtree: str, start_dt: datetime, end_dt: datetime) -> list[dict[str, Any]]:
    """Hazards found in the period by 行业领域: the hazard's sector, else its enterprise's first sector."""
    first_sector = (
        Enterprise.sectors.through.objects.filter(enterprise_id=OuterRef("enterprise_id"))
        .order_by("sector__sort_order", "sector__code")
        .values("sector__name")[:1]
    )
    rows = (
        Hazard.objects.filter(node__path__startswith=subtree, registered_at__gte=start_dt, registered_at__lt=end_dt)
        .annotate(sector_name=Coalesce("sector__name", Subquery(first_sector), Value("未分行业")))
        .values("sector_name")
        .annotate(
            found=Count("pk"),
            major=Count("pk", filter=Q(level=Hazard.Level.MAJOR)),
            closed=Count("pk", filter=Q(closed_at__lt=end_dt)),
        )
        .order_by()
    )
    order = {
        name: i for i, name in enumerate(Sector.objects.order_by("sort_order", "code").values_list("name", flat=True))
    }
    result = [
        {
            "name": row["sector_name"],
            "found": row["found"],
            "major": row["major"],
            "closed": row["closed"],
            "rate": pct(row["closed"], row["found"]),
        }
        for row in rows
    ]
    result.sort(key=lambda r: (-r["found"], order.get(r["name"], len(order)), r["name"]))
    return result


def _trend_counts(end: date, end_dt: datetime) -> dict[str, Count]:
    """Found and closed per calendar month, the 12 months up to the period's end. Hazards closed
    in those months were registered before the period's end, so the main query holds them all."""
    counts: dict[str, Count] = {}
    for index, (year, month) in enumerate(_trend_months(end)):
        first, last = month_bounds(year, month)
        lo, hi = local_start(first), min(local_start(last + timedelta(days=1)), end_dt)
        counts[f"trend_f{index}"] = Count("pk", filter=Q(registered_at__gte=lo, registered_at__lt=hi))
        counts[f"trend_c{index}"] = Count("pk", filter=Q(closed_at__gte=lo, closed_at__lt=hi))
    return counts


def _trend(end: date, totals: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "month": f"{year}-{month:02d}",
            "label": f"{month}月",
            "year": year,
            "found": totals.get(f"trend_f{i}", 0),
            "closed": totals.get(f"trend_c{i}", 0),
        }
        for i, (year, month) in enumerate(_trend_months(end))
    ]


def _status_at(end_dt: datetime) -> Subquery:
    """The hazard's status when the period ended: the state its last event before then left it in."""
    return Subquery(
        HazardEvent.objects.filter(hazard=OuterRef("pk"), created_at__lt=end_dt)
        .exclude(to_status="")
        .order_by("-created_at", "-pk")
        .values("to_status")[:1]
    )


def _hazard_rows(
    keys: list[int], end: date, end_dt: datetime, children: list[Node], names: dict[int, str]
) -> list[dict[str, Any]]:
    """The rows of the given hazards, in that order. The status at the period's end (a subquery
    per row) is looked up for these rows only, not for every candidate an ordering considered."""
    statuses = dict(Hazard.Status.choices)
    levels = {Hazard.Level.GENERAL: "一般", Hazard.Level.MAJOR: "重大"}
    found = {
        row["pk"]: row
        for row in Hazard.objects.filter(pk__in=keys)
        .annotate(status_at_end=_status_at(end_dt))
        .values(
            "pk",
            "number",
            "enterprise__name",
            "node__name",
            "node__path",
            "level",
            "deadline",
            "status",
            "status_at_end",
            "closed_at",
            "listed_at",
        )
    }
    result = []
    for row in (found[key] for key in keys if key in found):
        row["bucket"] = next((c.pk for c in children if row["node__path"].startswith(c.path)), OWN_LEVEL)
        closed = row["closed_at"] is not None and row["closed_at"] < end_dt
        status = Hazard.Status.CLOSED if closed else (row["status_at_end"] or row["status"])
        if not closed and status == Hazard.Status.CLOSED:  # closed after the period: it was open then
            status = Hazard.Status.RECTIFYING
        area = names.get(row["bucket"], row["node__name"])
        if row["node__name"] != area and row["bucket"] != OWN_LEVEL:
            area = f"{area}{row['node__name']}"
        result.append(
            {
                "number": row["number"],
                "enterprise": row["enterprise__name"],
                "area": area,
                "level": levels.get(row["level"], row["level"]),
                "deadline": row["deadline"].isoformat(),
                "status": str(statuses.get(status, status)),
                "days_overdue": max((end - row["deadline"]).days, 0) if not closed else 0,
                "listed_on": timezone.localdate(row["listed_at"]).isoformat() if row["listed_at"] else "",
            }
        )
    return result


def _open_at_end(end_dt: datetime) -> Q:
    return Q(closed_at__isnull=True) | Q(closed_at__gte=end_dt)


def _overdue_worst(
    subtree: str, end: date, end_dt: datetime, children: list[Node], names: dict[int, str]
) -> list[dict[str, Any]]:
    # Open at the period's end = still open (index hazard_open_deadline, walked in deadline order)
    # or closed since (index hazard_closed_at): two short queries instead of one scan of the area.
    late = Hazard.objects.filter(node__path__startswith=subtree, registered_at__lt=end_dt, deadline__lt=end)
    candidates = [
        *late.filter(closed_at__isnull=True)
        .order_by("deadline", "number")
        .values_list("deadline", "number", "pk")[:WORST_OVERDUE_SHOWN],
        *late.filter(closed_at__gte=end_dt)
        .order_by("deadline", "number")
        .values_list("deadline", "number", "pk")[:WORST_OVERDUE_SHOWN],
    ]
    keys = [pk for _deadline, _number, pk in sorted(candidates)[:WORST_OVERDUE_SHOWN]]
    return _hazard_rows(keys, end, end_dt, children, names)


def _listed_q(start_dt: datetime, end_dt: datetime) -> Q:
    """重大 hazards under 挂牌督办: those open at the period's end, and those closed during it."""
    return (
        Q(listed_supervision=True)
        & (Q(listed_at__isnull=True) | Q(listed_at__lt=end_dt))
        & (_open_at_end(end_dt) | Q(closed_at__gte=start_dt))
    )


def _listed_counts(start_dt: datetime, end_dt: datetime) -> dict[str, Count]:
    listed = _listed_q(start_dt, end_dt)
    end = (end_dt - timedelta(days=1)).date()
    return {
        "listed_total": Count("pk", filter=listed),
        "listed_closed": Count("pk", filter=listed & Q(closed_at__lt=end_dt)),
        "listed_overdue": Count("pk", filter=listed & _open_at_end(end_dt) & Q(deadline__lt=end)),
    }


def _listed(
    subtree: str,
    start_dt: datetime,
    end_dt: datetime,
    children: list[Node],
    names: dict[int, str],
    totals: dict[str, int],
) -> dict[str, Any]:
    qs = (
        Hazard.objects.filter(node__path__startswith=subtree, registered_at__lt=end_dt)
        .filter(_listed_q(start_dt, end_dt))
        .order_by("listed_at", "number")
    )
    end = (end_dt - timedelta(days=1)).date()
    return {
        "total": totals.get("listed_total", 0),
        "closed": totals.get("listed_closed", 0),
        "overdue": totals.get("listed_overdue", 0),
        "rows": _hazard_rows(list(qs.values_list("pk", flat=True)[:LISTED_SHOWN]), end, end_dt, children, names),
    }


def _campaigns(node: Node, start: date, end: date, start_dt: datetime, end_dt: datetime) -> list[dict[str, Any]]:
    """Campaigns running during the period, organised by this node, above it or below it. Their progress
    (coverage, reports) arrives with the campaigns module; what the data already holds is the hazards
    registered under each campaign in this area."""
    ancestors = [code for code in node.path.strip("/").split("/")]
    in_area = Q(hazards__node__path__startswith=node.path, hazards__registered_at__gte=start_dt)
    rows = (
        Campaign.objects.filter(starts_on__lte=end, ends_on__gte=start)
        .exclude(status=Campaign.Status.DRAFT)
        .filter(Q(node__path__startswith=node.path) | Q(node__code__in=ancestors))
        .annotate(found=Count("hazards", filter=in_area & Q(hazards__registered_at__lt=end_dt)))
        .values("name", "kind", "starts_on", "ends_on", "node__name", "status", "found")
        .order_by("starts_on", "name", "pk")
    )
    kinds = dict(Campaign.Kind.choices)
    statuses = dict(Campaign.Status.choices)
    return [
        {
            "name": row["name"],
            "kind": str(kinds.get(row["kind"], row["kind"])),
            "starts_on": row["starts_on"].isoformat(),
            "ends_on": row["ends_on"].isoformat(),
            "organiser": row["node__name"],
            "status": str(statuses.get(row["status"], row["status"])),
            "found": row["found"],
        }
        for row in rows
    ]
