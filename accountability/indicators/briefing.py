"""Section 事故情况 of the monthly briefing (DOMAIN §8 item 2), replacing the placeholder.

Figures (frozen into the snapshot as plain JSON): for the briefing's node, the registered accidents
(drafts do not count) that occurred, in Beijing time, in the period and from 1 January of the
period's year to its end — count, deaths, serious and minor injuries, missing, direct loss — and the
same for the same days a year before (同比); by category; every 较大-or-worse accident of the year
to date; and the control indicators of the node and its children as used at the period's end. Four
queries, whatever the number of accidents.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accountability.accidents.levels import at_least
from accountability.indicators import usage
from accountability.models import Accident, AccidentCategory, AccidentLevel
from safetyops.core.contrib import BriefingRender, register_briefing_figures, register_briefing_section
from safetyops.core.periods import local_start
from safetyops.orgs.models import Node

_FIELDS = ("deaths", "serious_injuries", "minor_injuries", "missing")


def year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _zero() -> dict[str, Any]:
    return {"accidents": 0, **{f: 0 for f in _FIELDS}, "direct_loss": "0.00"}


def _add(into: dict[str, Any], row: dict[str, Any]) -> None:
    into["accidents"] += 1
    for f in _FIELDS:
        into[f] += row[f]
    into["direct_loss"] = str((Decimal(into["direct_loss"]) + row["direct_loss"]).quantize(Decimal("0.01")))


def accident_figures(node: Node, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The snapshot's "accidents" key (see the module's docstring)."""
    year = end.year
    year_start = datetime.date(year, 1, 1)
    last_start, last_end = year_before(start), year_before(end)
    last_year_start = datetime.date(year - 1, 1, 1)
    lower = min(start, year_start, last_start, last_year_start)
    found = (
        Accident.objects.filter(
            node__path__startswith=node.path,
            status__in=usage.REGISTERED,
            occurred_at__gte=local_start(lower),
            occurred_at__lt=local_start(end + datetime.timedelta(days=1)),
        )
        .order_by("occurred_at", "pk")
        .values(
            "pk",
            "number",
            "title",
            "place",
            "node__path",
            "node__name",
            "category",
            "level",
            "deaths",
            "serious_injuries",
            "minor_injuries",
            "missing",
            "direct_loss",
            "occurred_at",
            "reported_late",
        )
    )
    rows: list[dict[str, Any]] = [{**row, "day": timezone.localtime(row["occurred_at"]).date()} for row in found]

    def within(first: datetime.date, last: datetime.date) -> list[dict[str, Any]]:
        return [row for row in rows if first <= row["day"] <= last]

    spans = {
        "period": within(start, end),
        "ytd": within(year_start, end),
        "last_period": within(last_start, last_end),
        "last_ytd": within(last_year_start, last_end),
    }
    totals = {}
    for name, chosen in spans.items():
        total = _zero()
        for row in chosen:
            _add(total, row)
        totals[name] = total
    categories = []
    for category, label in AccidentCategory.choices:
        entry: dict[str, Any] = {"category": category, "label": str(label)}
        for name in ("period", "ytd", "last_ytd"):
            total = _zero()
            for row in spans[name]:
                if row["category"] == category:
                    _add(total, row)
            entry[name] = total
        categories.append(entry)
    levels = dict(AccidentLevel.choices)
    larger = [
        {
            "number": row["number"],
            "title": row["title"],
            "day": row["day"].isoformat(),
            "place": row["place"],
            "node": row["node__name"],
            "level": row["level"],
            "level_label": str(levels.get(row["level"], "")),
            "deaths": row["deaths"],
            "in_period": start <= row["day"] <= end,
        }
        for row in spans["ytd"]
        if at_least(row["level"], AccidentLevel.LARGER)
    ]
    return {
        "accidents": {
            "year": year,
            "ytd_start": year_start.isoformat(),
            "end": end.isoformat(),
            "last_start": last_start.isoformat(),
            "last_end": last_end.isoformat(),
            "late": sum(1 for row in spans["period"] if row["reported_late"]),
            **totals,
            "categories": categories,
            "larger": larger,
            "indicators": _indicators(node, year, spans["ytd"]),
        }
    }


def _indicators(node: Node, year: int, ytd: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The node's and its children's control indicators as used by `ytd`'s accidents."""
    children = list(Node.objects.filter(parent=node).order_by("sort_order", "code"))
    nodes = [node, *children]
    held = usage.limits(nodes, year)
    rows = [
        usage.AccidentRow(
            pk=row["pk"],
            path=row["node__path"],
            category=row["category"],
            level=row["level"],
            deaths=row["deaths"],
            serious_injuries=row["serious_injuries"],
            minor_injuries=row["minor_injuries"],
            missing=row["missing"],
            direct_loss=row["direct_loss"],
            occurred_at=row["occurred_at"],
        )
        for row in ytd
    ]
    result = []
    for each in nodes:
        mine = usage.rows_inside(rows, each)
        usages = []
        for key in usage.CONTROL_KEYS:
            item = usage.Usage(key, used=usage.used_of(key, mine))
            if key in held.get(each.pk, {}):
                item.limit, item.source, item.letter_id = held[each.pk][key]
            if item.limit is not None:
                usages.append(item)
        if not usages:
            continue
        sentences = [usage.sentence(fig, usages) for fig in usage.by_category(mine).values() if fig.accidents]
        result.append(
            {
                "name": each.name,
                "own": each.pk == node.pk,
                "usages": [usage.describe_usage(item) for item in usages],
                "sentences": sentences,
            }
        )
    return result


# The section -------------------------------------------------------------------------------------


def _day(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.month}月{day.day}日"


def _casualties(total: dict[str, Any]) -> str:
    return (
        f"死亡{total['deaths']}人，重伤{total['serious_injuries']}人，轻伤{total['minor_injuries']}人，"
        f"下落不明{total['missing']}人，直接经济损失{total['direct_loss']}万元"
    )


def _change(now: int, before: int, unit: str) -> str:
    if now == before:
        return f"持平（去年同期{before}{unit}）"
    word = "增加" if now > before else "减少"
    text = f"{word}{abs(now - before)}{unit}（去年同期{before}{unit}"
    if before:
        text += f"，{'上升' if now > before else '下降'}{abs(now - before) * 100 / before:.1f}%"
    return text + "）"


def sentences(area: str, figures: dict[str, Any]) -> dict[str, str]:
    period, ytd, last_ytd = figures["period"], figures["ytd"], figures["last_ytd"]
    if period["accidents"]:
        this = f"本期{area}发生生产安全事故{period['accidents']}起，{_casualties(period)}。"
        if figures["late"]:
            this += f"其中迟报{figures['late']}起。"
    else:
        this = f"本期{area}未发生生产安全事故。"
    span = f"{_day(figures['ytd_start'])}至{_day(figures['end'])}"
    if ytd["accidents"]:
        total = f"今年以来（{span}）累计发生生产安全事故{ytd['accidents']}起，{_casualties(ytd)}。"
    else:
        total = f"今年以来（{span}）未发生生产安全事故。"
    compare = (
        f"与去年同期相比，事故起数{_change(ytd['accidents'], last_ytd['accidents'], '起')}，"
        f"死亡人数{_change(ytd['deaths'], last_ytd['deaths'], '人')}。"
    )
    last_period = figures["last_period"]
    compare += (
        f"本期事故起数较去年同期{_change(period['accidents'], last_period['accidents'], '起')}，"
        f"死亡人数{_change(period['deaths'], last_period['deaths'], '人')}。"
    )
    if figures["larger"]:
        larger = f"今年以来发生较大及以上生产安全事故{len(figures['larger'])}起。"
    else:
        larger = "今年以来未发生较大及以上生产安全事故。"
    return {"period": this, "ytd": total, "compare": compare, "larger": larger}


def _section(render: BriefingRender) -> dict[str, Any]:
    figures = render.figures.get("accidents")
    if figures is None:  # a snapshot frozen before this section counted anything
        return {"legacy": True}
    area = render.figures["node"]["area_word"]
    shown = [c for c in figures["categories"] if c["ytd"]["accidents"] or c["last_ytd"]["accidents"]]
    return {
        "legacy": False,
        "acc": figures,
        "text": sentences(area, figures),
        "categories": shown,
        "indicators": figures["indicators"],
    }


def register() -> None:
    register_briefing_figures("accidents", accident_figures)
    register_briefing_section(
        "accidents", order=20, title="事故情况", template="accountability/briefing/accidents.html", context=_section
    )
