"""The dashboard's 控制指标 and 最新事故 cards (registered in AccountabilityConfig._indicators()).

- 控制指标 (officials and leaders): the year's usage bars of the viewer's node and, below a county
  or a township, the child nodes nearest their limits. Four queries; a county's or a city's figures
  are kept a minute per scope (they read every accident of the year in the county).
- 最新事故 (every office role, through accidents_visible_to): the latest registered accidents
  with their level and 迟报. One query.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accountability.indicators import selectors, usage
from accountability.models import AccidentLevel
from accountability.scope import accidents_visible_to
from safetyops.core.contrib import register_dashboard_card
from safetyops.orgs.models import Node

CACHE_SECONDS = 60
SHARED_LEVELS = (Node.Level.CITY, Node.Level.COUNTY)
WORST = 3  # child nodes shown under the viewer's bars
LATEST = 5


def indicator_figures(node: Node, year: int) -> dict[str, Any]:
    """Plain figures (cacheable): the node's usages and its children nearest their limits."""
    rows = selectors.node_rows(node, year, listed=0)
    own, children = rows[0], rows[1:]
    limited = [row for row in children if any(u.limit is not None for u in row.usages)]
    limited.sort(key=lambda row: (-row.worst, row.node.code))
    worst = []
    for row in limited[:WORST]:
        top = max((u for u in row.usages if u.percent is not None), key=lambda u: u.percent or 0)
        worst.append({"name": row.node.name, "state": row.state, "usage": usage.describe_usage(top)})
    return {
        "usages": [usage.describe_usage(u) for u in own.usages],
        "sentences": own.sentences,
        "worst": worst,
    }


def _indicators(page: Any) -> dict[str, Any] | None:
    user = page.request.user
    if not selectors.can_view(user):
        return None
    node = selectors.viewer_node(user)
    year = timezone.localdate().year
    scope = page.scope
    if scope.everything or node.level in SHARED_LEVELS:
        key = f"accountability:indicators:dashboard:{year}:{scope.cache_key}"
        figures = cache.get(key)
        if figures is None:
            figures = indicator_figures(node, year)
            cache.set(key, figures, CACHE_SECONDS)
    else:
        figures = indicator_figures(node, year)
    if not figures["usages"] and not figures["worst"]:
        return None
    return {**figures, "year": year, "node": node, "url": reverse("accountability:indicators")}


def latest_accidents(user: Any, limit: int = LATEST) -> list[dict[str, Any]]:
    rows = (
        accidents_visible_to(user)
        .filter(status__in=usage.REGISTERED)
        .order_by("-occurred_at", "-pk")
        .values("pk", "number", "title", "level", "occurred_at", "reported_late", "deaths", "node__name")[:limit]
    )
    levels = dict(AccidentLevel.choices)
    return [
        {
            **row,
            "level_label": levels.get(row["level"], ""),
            "serious": row["level"] != AccidentLevel.GENERAL,
            "url": selectors.accident_url(row["pk"]),
        }
        for row in rows
    ]


def _latest(page: Any) -> dict[str, Any] | None:
    if page.scope.enterprise_id is not None:
        return None
    rows = latest_accidents(page.request.user)
    if not rows:
        return None
    return {"rows": rows}


def register() -> None:
    register_dashboard_card(
        "accountability_indicators", order=30, template="accountability/dashboard/indicators.html", context=_indicators
    )
    register_dashboard_card(
        "accountability_accidents", order=31, template="accountability/dashboard/accidents.html", context=_latest
    )
