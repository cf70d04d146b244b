"""What the daily 承诺公告 adds to the briefing's section 责任落实情况 (key "accountability", the
lead's): the period's compliance per child node: the enterprises that publish, the days expected,
on time, late and missing, the on-time rate and the 承诺不实 confirmed. Frozen in the snapshot as
plain JSON ("daily_pledges"): the children, the coverage (two small queries) and one grouped query
over the covered enterprises with their pledges and flags of the period, whatever their number (the
days of an enterprise no longer covered are not counted).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from accountability.daily.coverage import coverage
from accountability.models import PledgeFlag
from safetyops.core.contrib import BriefingRender, register_briefing_figures, register_briefing_part
from safetyops.core.periods import fmt_pct, pct
from safetyops.orgs.models import Enterprise, Node


def _child_case(node: Node, children: list[Node], path_field: str) -> Case:
    return Case(
        *[When(**{f"{path_field}__startswith": child.path}, then=Value(child.pk)) for child in children],
        default=Value(node.pk),
        output_field=IntegerField(),
    )


def daily_pledge_figures(node: Node, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    last = min(end, timezone.localdate())
    days = max((last - start).days + 1, 0)
    children = list(Node.objects.filter(parent=node).order_by("sort_order", "code"))
    in_period = Q(daily_pledges__date__gte=start, daily_pledges__date__lte=last)
    grouped = {
        row["child"]: row
        for row in Enterprise.objects.filter(coverage().enterprise_q(), node__path__startswith=node.path)
        .annotate(child=_child_case(node, children, "node__path"))
        .order_by()
        .values("child")
        .annotate(
            enterprises=Count("pk", distinct=True),
            on_time=Count("daily_pledges", filter=in_period & Q(daily_pledges__late=False), distinct=True),
            late_days=Count("daily_pledges", filter=in_period & Q(daily_pledges__late=True), distinct=True),
            confirmed=Count(
                "daily_pledges__flags",
                filter=in_period & Q(daily_pledges__flags__status=PledgeFlag.Status.CONFIRMED),
                distinct=True,
            ),
        )
    }
    rows = []
    for unit in [*children, node]:
        done: dict[str, Any] = dict(grouped.get(unit.pk) or {})
        enterprises, on_time, late = done.get("enterprises", 0), done.get("on_time", 0), done.get("late_days", 0)
        if not enterprises and not on_time and not late:
            continue
        expected = enterprises * days
        rows.append(
            {
                "name": unit.name if unit is not node else f"{node.name}本级",
                "enterprises": enterprises,
                "expected": expected,
                "on_time": on_time,
                "late": late,
                "missing": max(expected - on_time - late, 0),
                "rate": pct(on_time, expected),
                "confirmed": done.get("confirmed", 0),
            }
        )
    return {"daily_pledges": {"days": days, "rows": rows}}


def _context(render: BriefingRender) -> dict[str, Any]:
    data = render.figures.get("daily_pledges") or {"rows": []}
    rows = [{**row, "rate_text": fmt_pct(row["rate"])} for row in data["rows"]]
    total = {
        k: sum(r[k] for r in data["rows"])
        for k in ("enterprises", "expected", "on_time", "late", "missing", "confirmed")
    }
    total["rate_text"] = fmt_pct(pct(total["on_time"], total["expected"]))
    return {"rows": rows, "total": total, "days": data.get("days", 0)}


def register() -> None:
    register_briefing_figures("daily_pledges", daily_pledge_figures)
    register_briefing_part(
        "accountability",
        "daily_pledges",
        order=10,
        template="accountability/daily/briefing_part.html",
        context=_context,
        shown=lambda render: bool((render.figures.get("daily_pledges") or {}).get("rows")),
    )
