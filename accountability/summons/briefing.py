"""What 约谈/督办 add to the briefing's section 责任落实情况 (the lead's "accountability" section): the
约谈 and 督办 held in the period inside the briefing's node (of a unit in its area, or issued by it),
counted by kind, and the list: date, the summoned unit, the reasons in short, the status. Frozen in
the snapshot as plain JSON ("summonses"): one query for the rows, one for their reasons.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from django.db.models import Q

from accountability.models import Summons, SummonsReason
from safetyops.core.contrib import BriefingRender, register_briefing_figures, register_briefing_part
from safetyops.orgs.models import Node

LISTED = 30  # the list names this many, the most recent first
HELD = (Summons.Status.HELD, Summons.Status.REPORTED, Summons.Status.CLOSED)


def _reason_summary(kinds: Counter[str]) -> str:
    labels = dict(SummonsReason.Kind.choices)
    return "、".join(f"{labels[kind]}{count}项" for kind, count in sorted(kinds.items()))


def summons_figures(node: Node, start: date, end: date) -> dict[str, Any]:
    held = (
        Summons.objects.filter(status__in=HELD, held_on__gte=start, held_on__lte=end)
        .filter(Q(area__path__startswith=node.path) | Q(issuer__path__startswith=node.path))
        .select_related("issuer", "node", "department", "enterprise")
        .order_by("-held_on", "-pk")
    )
    rows = list(held)
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    for summons_id, kind in SummonsReason.objects.filter(summons__in=[s.pk for s in rows]).values_list(
        "summons_id", "kind"
    ):
        kinds[summons_id][kind] += 1
    by_kind = Counter(s.kind for s in rows)
    return {
        "summonses": {
            "total": len(rows),
            "summons": by_kind.get(Summons.Kind.SUMMONS, 0),
            "supervision": by_kind.get(Summons.Kind.SUPERVISION, 0),
            "reported": sum(1 for s in rows if s.status != Summons.Status.HELD),
            "rows": [
                {
                    "date": s.held_on.isoformat(),
                    "kind": str(s.get_kind_display()),
                    "unit": s.unit_name,
                    "issuer": s.issuer.name,
                    "reasons": _reason_summary(kinds[s.pk]),
                    "status": str(s.get_status_display()),
                }
                for s in rows[:LISTED]
            ],
            "more": max(len(rows) - LISTED, 0),
        }
    }


def _sentence(area: str, data: dict[str, Any]) -> str:
    if not data["total"]:
        return f"本期{area}未开展约谈、督办。"
    text = f"本期{area}开展约谈{data['summons']}次、督办{data['supervision']}次"
    waiting = data["total"] - data["reported"]
    text += f"，已报送整改报告{data['reported']}个" if data["reported"] else ""
    text += f"，待报送整改报告{waiting}个" if waiting else ""
    return text + "。"


def _context(render: BriefingRender) -> dict[str, Any]:
    data = render.figures.get("summonses")
    if data is None:
        return {"legacy": True}
    return {"legacy": False, "sentence": _sentence(render.figures["node"]["area_word"], data), **data}


def register() -> None:
    register_briefing_figures("summonses", summons_figures)
    register_briefing_part(
        "accountability", "summonses", order=20, template="accountability/summons/briefing_part.html", context=_context
    )
