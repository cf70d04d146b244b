"""What inspections contribute to the monthly briefing: the hazard and inspection figures (one
aggregate pass over the area), the sections 总体情况, 隐患排查治理情况 and the ranking of the child
units, their sentences and their charts. Registered in InspectionsConfig.ready().

Everything is stated "as at the end of the period": a hazard counts as closed only if it was
closed before the period ended, and overdue if its deadline had passed on the period's last day
while it was still open. So a briefing made again later from the same data gives the same
figures. A hazard counts in its area, `Hazard.node` (its enterprise's area, see Hazard.node), like
the enterprises and inspections beside it. The result is plain JSON (stored on the Briefing as its
snapshot); every list is in a deterministic order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from inspections.models import Hazard, HazardEvent, Inspection
from safetyops.core import charts
from safetyops.core.charts import BLUE, GREEN, ORANGE, Series
from safetyops.core.contrib import BriefingRender, chinese_numeral, register_briefing_figures, register_briefing_section
from safetyops.core.periods import (
    day_label,
    fmt_pct,
    local_start,
    pct,
    previous_period,
    trend_months,
)
from safetyops.orgs.models import Enterprise, Node, Sector, on_register_at

WORST_OVERDUE_SHOWN = 5
LISTED_SHOWN = 15
OWN_LEVEL = 0  # the bucket of enterprises sitting directly on the node (本级), not in a child

Area = QuerySet[Node, dict[str, Any]]  # the ids of the nodes of the briefing's subtree


def hazard_figures(node: Node, start: date, end: date) -> dict[str, Any]:
    """The snapshot's inspection and hazard keys for a briefing of `node` for the days start..end."""
    start_dt, end_dt = local_start(start), local_start(end + timedelta(days=1))
    children = list(Node.objects.filter(parent=node).order_by("sort_order", "code"))
    bucket_of = _buckets(node.path, children)
    # The area's node ids as a subquery: the queries below test the rows' own node_id (leading
    # hazard_briefing_pass) instead of joining every row to its node for the path.
    area = Node.objects.filter(path__startswith=node.path).values("pk")
    enterprises = _by_bucket(
        Enterprise.objects.filter(node_id__in=area)
        .filter(on_register_at(end_dt))  # as at the period end: a rerun gives the same count
        .values("node_id")
        .annotate(total=Count("pk")),
        bucket_of,
    )
    inspections, by_kind = _inspection_counts(area, start_dt, end_dt, bucket_of)
    hazards = _by_bucket(
        Hazard.objects.filter(node_id__in=area, registered_at__lt=end_dt)
        .filter(_counted_somewhere(start, end))
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
    totals["inspections_by_kind"] = [
        {"kind": str(label), "count": by_kind[value]} for value, label in Inspection.Kind.choices if value in by_kind
    ]

    names = {key: name for key, name, _code in buckets}
    return {
        "totals": totals,
        "has_data": bool(totals["inspections"] or totals["found"]),
        "units": _ranked(rows) if children else [],
        "by_sector": _by_sector(area, start_dt, end_dt),
        "trend": _trend(end, hazard_totals),
        "overdue_worst": _overdue_worst(area, end, end_dt, children, names),
        "listed": _listed(area, start_dt, end_dt, children, names, hazard_totals),
    }


def _inspection_counts(
    area: Area, start_dt: datetime, end_dt: datetime, bucket_of: dict[int, int]
) -> tuple[dict[int, dict[str, int]], dict[str, int]]:
    """The period's inspections per bucket (count, enterprises covered) and per kind, from one
    grouped read: a month of a city is a few thousand (node, enterprise, kind) groups."""
    per_bucket: dict[int, dict[str, int]] = {}
    covered: dict[int, set[int]] = {}
    by_kind: dict[str, int] = {}
    rows = (
        Inspection.objects.filter(enterprise__node_id__in=area, inspected_at__gte=start_dt, inspected_at__lt=end_dt)
        .values_list("enterprise__node_id", "enterprise_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for node_id, enterprise_id, kind, n in rows:
        bucket = bucket_of.get(node_id, OWN_LEVEL)
        row = per_bucket.setdefault(bucket, {"count": 0, "covered": 0})
        row["count"] += n
        covered.setdefault(bucket, set()).add(enterprise_id)
        by_kind[kind] = by_kind.get(kind, 0) + n
    for bucket, enterprises in covered.items():
        per_bucket[bucket]["covered"] = len(enterprises)
    return per_bucket, by_kind


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


def _counted_somewhere(start: date, end: date) -> Q:
    """The hazards at least one count of the pass can take: registered, or closed, or still open
    since the earliest day any count looks at. The rest (most of a city: closed long ago) add
    nothing, and rejecting them on a few comparisons spares each the 40 conditional counts."""
    prev_start, _prev_end = previous_period(start, end)
    first_year, first_month = trend_months(end)[0]
    since = local_start(min(start, prev_start, date(end.year, 1, 1), date(first_year, first_month, 1)))
    return Q(registered_at__gte=since) | Q(closed_at__isnull=True) | Q(closed_at__gte=since)


def _hazard_counts(start: date, end: date) -> dict[str, Count]:
    start_dt, end_dt = local_start(start), local_start(end + timedelta(days=1))
    prev_start, prev_end = previous_period(start, end)
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


def _by_sector(area: Area, start_dt: datetime, end_dt: datetime) -> list[dict[str, Any]]:
    """Hazards found in the period by 行业领域: the hazard's sector, else its enterprise's first sector."""
    first_sector = (
        Enterprise.sectors.through.objects.filter(enterprise_id=OuterRef("enterprise_id"))
        .order_by("sector__sort_order", "sector__code")
        .values("sector__name")[:1]
    )
    rows = (
        Hazard.objects.filter(node_id__in=area, registered_at__gte=start_dt, registered_at__lt=end_dt)
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
    """Found and closed since the first day of each of the 12 months up to the period's end, and
    closed since its end: each month's figure is the difference of two neighbours (see _trend).
    One comparison per row and count instead of a range's two took the pass's trend from about
    0.4 to 0.2 s over a city's hazards. Hazards closed in those months were registered before the
    period's end, so the main query holds them all."""
    counts: dict[str, Count] = {"closed_since_end": Count("pk", filter=Q(closed_at__gte=end_dt))}
    for index, (year, month) in enumerate(trend_months(end)):
        first = local_start(date(year, month, 1))
        counts[f"found_since{index}"] = Count("pk", filter=Q(registered_at__gte=first))
        counts[f"closed_since{index}"] = Count("pk", filter=Q(closed_at__gte=first))
    return counts


def _trend(end: date, totals: dict[str, int]) -> list[dict[str, Any]]:
    months = trend_months(end)
    # The pass counts only hazards registered before the period's end: none "found since" it.
    found_since = [totals.get(f"found_since{i}", 0) for i in range(len(months))] + [0]
    closed_since = [totals.get(f"closed_since{i}", 0) for i in range(len(months))]
    closed_since.append(totals.get("closed_since_end", 0))
    return [
        {
            "month": f"{year}-{month:02d}",
            "label": f"{month}月",
            "year": year,
            "found": found_since[i] - found_since[i + 1],
            "closed": closed_since[i] - closed_since[i + 1],
        }
        for i, (year, month) in enumerate(months)
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
    area: Area, end: date, end_dt: datetime, children: list[Node], names: dict[int, str]
) -> list[dict[str, Any]]:
    # Open at the period's end = still open (index hazard_open_deadline, walked in deadline order)
    # or closed since (index hazard_closed_at): two short queries instead of one scan of the area.
    late = Hazard.objects.filter(node_id__in=area, registered_at__lt=end_dt, deadline__lt=end)
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
    area: Area,
    start_dt: datetime,
    end_dt: datetime,
    children: list[Node],
    names: dict[int, str],
    totals: dict[str, int],
) -> dict[str, Any]:
    qs = (
        Hazard.objects.filter(node_id__in=area, registered_at__lt=end_dt)
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


# Sentences: the section's numbers said in words, in the register of a real 通报 ------------------


def _change(now: int, before: int) -> str:
    """环比 against the previous period; a percentage only when the base is large enough to mean something."""
    if before == 0:
        return ""
    if now == before:
        return "，与上期持平"
    if before < 10:
        return f"（上期{before}项）"
    word = "上升" if now > before else "下降"
    return f"，环比{word}{abs(now - before) / before * 100:.1f}%"


def summary_paragraph(fig: dict[str, Any]) -> str:
    """一、总体情况: one paragraph from the figures."""
    t, period, area = fig["totals"], fig["period"], fig["node"]["area_word"]
    as_of = day_label(period["end"])
    parts = [f"{period['label']}，{area}"]
    if t["inspections"]:
        parts.append(
            f"共开展安全生产检查{t['inspections']}次，检查企业{t['covered']}家，"
            f"占辖区在册企业{t['enterprises']}家的{fmt_pct(t['coverage'])}；"
        )
    else:
        parts.append(f"未录入安全生产检查记录（辖区在册企业{t['enterprises']}家）；")
    if t["found"]:
        parts.append(
            f"排查发现事故隐患{t['found']}项{_change(t['found'], t['previous_found'])}，"
            f"其中重大事故隐患{t['found_major']}项；本期发现的隐患截至{as_of}已整改销号{t['found_closed']}项，"
            f"整改率{fmt_pct(t['rate'])}。"
        )
    else:
        parts.append("本期无新发现的事故隐患。")
    parts.append(
        f"截至{as_of}，{area}尚有未销号隐患{t['open_end']}项，其中重大事故隐患{t['open_major_end']}项"
        f"（挂牌督办{t['listed_open']}项），逾期未整改隐患{t['overdue']}项。"
    )
    if t["ytd_found"]:
        parts.append(
            f"{period['end'][:4]}年以来累计排查隐患{t['ytd_found']}项，已整改{t['ytd_closed']}项，"
            f"累计整改率{fmt_pct(t['ytd_rate'])}。"
        )
    return "".join(parts)


def hazard_paragraph(fig: dict[str, Any]) -> str:
    """三、隐患排查治理: the numbers of the section's table, said in words."""
    t = fig["totals"]
    if not fig["has_data"]:
        return "本期无隐患排查数据：未录入检查记录，也未登记新的事故隐患。"
    kinds = "、".join(f"{k['kind']}{k['count']}次" for k in t["inspections_by_kind"])
    text = f"本期开展检查{t['inspections']}次"
    text += f"（{kinds}）" if kinds else ""
    text += f"，覆盖企业{t['covered']}家，检查覆盖率{fmt_pct(t['coverage'])}。"
    if t["found"]:
        general = t["found"] - t["found_major"]
        text += (
            f"新发现事故隐患{t['found']}项，其中一般事故隐患{general}项、重大事故隐患{t['found_major']}项；"
            f"企业自查上报{t['found_self']}项，当场整改{t['found_on_spot']}项。"
            f"本期发现的隐患已整改销号{t['found_closed']}项，整改率{fmt_pct(t['rate'])}；"
            f"本期共销号隐患{t['closed']}项（含以前发现的隐患）。"
        )
    else:
        text += "本期未发现新的事故隐患。"
    return text


def overdue_sentence(fig: dict[str, Any]) -> str:
    t = fig["totals"]
    as_of = day_label(fig["period"]["end"])
    if not t["overdue"]:
        return f"截至{as_of}，无逾期未整改隐患。"
    return (
        f"截至{as_of}，逾期未整改隐患{t['overdue']}项，其中重大事故隐患{t['overdue_major']}项。"
        f"逾期时间最长的{min(len(fig['overdue_worst']), t['overdue'])}项如下："
    )


def listed_sentence(fig: dict[str, Any]) -> str:
    listed = fig["listed"]
    if not listed["total"]:
        return "本期无挂牌督办的重大事故隐患。"
    still_open = listed["total"] - listed["closed"]
    text = f"县级挂牌督办重大事故隐患{listed['total']}项，本期已销号{listed['closed']}项，尚在治理{still_open}项"
    if listed["overdue"]:
        text += f"，其中{listed['overdue']}项已超过治理期限"
    return text + "。"


def ranking_sentence(fig: dict[str, Any]) -> str:
    units = fig["units"]
    if not units:
        return ""
    word = fig["node"]["children_word"]
    ranked = [u for u in units if u["found"]]
    parts = []
    if ranked and all(not u["found_closed"] for u in ranked):
        parts.append(f"本期{word}新发现的隐患均未整改销号")
    elif ranked:
        best, worst = ranked[0], ranked[-1]
        parts.append(f"本期{word}中，隐患整改率最高的是{best['name']}（{fmt_pct(best['rate'])}）")
        if len(ranked) > 1:
            parts.append(f"最低的是{worst['name']}（{fmt_pct(worst['rate'])}）")
    zero = [u["name"] for u in units if not u["inspections"] and not u["found"] and not u["name"].endswith("本级")]
    if zero:
        parts.append(f"{'、'.join(zero)}本期未录入检查记录和隐患")
    overdue = sorted((u for u in units if u["overdue"]), key=lambda u: (-u["overdue"], u["code"]))[:3]
    if overdue:
        parts.append("逾期隐患较多的是" + "、".join(f"{u['name']}（{u['overdue']}项）" for u in overdue))
    return "；".join(parts) + "。" if parts else ""


# Charts ------------------------------------------------------------------------------------------


def trend_chart(trend: Sequence[dict[str, Any]], number: int = 1) -> str:
    labels = [str(m["label"]) for m in trend]
    years = [f"{m['year']}年" if i == 0 or m["label"] == "1月" else "" for i, m in enumerate(trend)]
    return charts.line_chart(
        f"图{number}　近12个月隐患排查治理趋势（项）",
        labels,
        [
            Series("发现隐患", BLUE, [int(m["found"]) for m in trend]),
            Series("整改销号", GREEN, [int(m["closed"]) for m in trend]),
        ],
        sublabels=years,
    )


SECTORS_SHOWN = 10


def sector_chart(by_sector: Sequence[dict[str, Any]], number: int = 2) -> str:
    rows = list(by_sector[:SECTORS_SHOWN])
    rest = by_sector[SECTORS_SHOWN:]
    if rest:
        rows.append(
            {
                "name": "其他行业",
                "found": sum(int(r["found"]) for r in rest),
                "major": sum(int(r["major"]) for r in rest),
                "closed": sum(int(r["closed"]) for r in rest),
            }
        )
    return charts.hbar_chart(
        f"图{number}　本期隐患按行业领域分布（项）",
        [str(r["name"]) for r in rows],
        [
            Series("发现隐患", BLUE, [int(r["found"]) for r in rows]),
            Series("已销号", GREEN, [int(r["closed"]) for r in rows]),
        ],
        notes=[f"{int(r['major'])}项" if r["major"] else "—" for r in rows],
        note_title="其中重大",
    )


def units_chart(units: Sequence[dict[str, Any]], children_word: str, number: int = 3) -> str:
    return charts.hbar_chart(
        f"图{number}　{children_word}隐患排查治理对比（项）",
        [str(u["name"]) for u in units],
        [
            Series("发现隐患", BLUE, [int(u["found"]) for u in units]),
            Series("已销号", GREEN, [int(u["found_closed"]) for u in units]),
            Series("逾期", ORANGE, [int(u["overdue"]) for u in units]),
        ],
        notes=[fmt_pct(u["rate"]) for u in units],
        note_title="整改率",
    )


# Sections ----------------------------------------------------------------------------------------


def _svg(markup: str) -> SafeString:
    return mark_safe(markup)  # noqa: S308 - built from escaped parts (safetyops/core/charts.py)


def _overview(render: BriefingRender) -> dict[str, Any]:
    fig = render.figures
    t = fig["totals"]
    return {
        "t": t,
        "coverage": fmt_pct(t["coverage"]),
        "rate": fmt_pct(t["rate"]),
        "summary": summary_paragraph(fig),
        "trend_svg": _svg(trend_chart(fig["trend"], render.next_figure())),
    }


def _hazards(render: BriefingRender) -> dict[str, Any]:
    fig = render.figures
    sector_svg = _svg(sector_chart(fig["by_sector"], render.next_figure())) if fig["by_sector"] else ""
    # The sub-sections are counted by position too: （二）行业领域分布 only when there is one.
    titles = [
        ("overall", "排查整改总体情况"),
        *([("sectors", "隐患行业领域分布")] if sector_svg else []),
        ("overdue", "逾期未整改隐患"),
        ("listed", "重大事故隐患挂牌督办情况"),
    ]
    numbered = {key: f"（{chinese_numeral(i)}）{title}" for i, (key, title) in enumerate(titles, 1)}
    return {
        "sub": numbered,
        "hazard_text": hazard_paragraph(fig),
        "sector_svg": sector_svg,
        "overdue_text": overdue_sentence(fig),
        "listed_text": listed_sentence(fig),
        "listed_more": fig["listed"]["total"] - len(fig["listed"]["rows"]),
    }


def _ranking(render: BriefingRender) -> dict[str, Any]:
    fig = render.figures
    t = fig["totals"]
    units = [{**u, "coverage_text": fmt_pct(u["coverage"]), "rate_text": fmt_pct(u["rate"])} for u in fig["units"]]
    # The chart compares the units that had work to compare; the table lists every unit.
    active = [u for u in units if u["found"] or u["inspections"] or u["overdue"]]
    children_word = fig["node"]["children_word"]
    return {
        "t": t,
        "units": units,
        "coverage": fmt_pct(t["coverage"]),
        "rate": fmt_pct(t["rate"]),
        "ranking_text": ranking_sentence(fig),
        "units_svg": _svg(units_chart(active, children_word, render.next_figure())) if active else "",
    }


def register() -> None:
    """Contribute the figures and sections (called from InspectionsConfig.ready)."""
    register_briefing_figures("inspections", hazard_figures)
    register_briefing_section(
        "overview", order=10, title="总体情况", template="inspections/briefing/overview.html", context=_overview
    )
    register_briefing_section(
        "hazards", order=30, title="隐患排查治理情况", template="inspections/briefing/hazards.html", context=_hazards
    )
    register_briefing_section(
        "ranking",
        order=60,
        title=lambda fig: f"{fig['node']['children_word']}工作排名",
        template="inspections/briefing/ranking.html",
        context=_ranking,
        shown=lambda render: bool(render.figures.get("units")),
    )
