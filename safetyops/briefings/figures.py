"""The snapshot a briefing is made from: the node and the period, plus what every app registered
with `register_briefing_figures` (safetyops/core/contrib.py) adds for it.

The hazard and inspection figures are inspections' (inspections/briefing.py), the campaigns of the
period campaigns' (campaigns/briefing.py). The result is plain JSON, stored on the Briefing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from safetyops.core.contrib import briefing_figure_providers
from safetyops.core.periods import (  # noqa: F401 - the briefings' period helpers, re-exported
    is_calendar_month,
    local_start,
    month_bounds,
    pct,
    period_label,
    previous_month,
    previous_period,
)
from safetyops.orgs.models import Node

FIGURES_VERSION = 1

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


def briefing_figures(node: Node, start: date, end: date) -> dict[str, Any]:
    """The snapshot a briefing of `node` for the days start..end (inclusive) is made from."""
    prev_start, prev_end = previous_period(start, end)
    figures: dict[str, Any] = {
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
    }
    for _key, provider in briefing_figure_providers():
        figures.update(provider(node, start, end))
    return figures
