"""What accountability contributes to the monthly briefing (section 事故情况 is
accountability/indicators/briefing.py's): section 责任落实情况: for the briefing's node and the
year of the period's end, the signing rate of the 目标责任书 and the coverage of the 安全承诺书
addressed inside that node's area (whoever issued them; not those addressed to the node itself:
coverage.within), per child node (and per campaign for campaign pledges), a sentence written
from the figures; the 约谈/督办 held in the period are a part of this section
(accountability/summons/briefing.py).

The figures are frozen as plain JSON in the snapshot, as they stood at the end of the period: a
copy counts once issued before then (and not withdrawn by then), signed when signed before then,
overdue when unsigned then and its deadline had passed. (A copy signed before the end and revised
after it counts as unsigned: its new version is what is asked.) Two queries, whatever the number
of letters. Other apps (the daily 危化 pledge) add their parts to the section with
register_briefing_part("accountability", ...). Registered in AccountabilityConfig.ready().
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import Coalesce

from accountability.coverage import SIGNED
from accountability.models import Letter, LetterTemplate
from safetyops.core.contrib import BriefingRender, register_briefing_figures, register_briefing_section
from safetyops.core.periods import fmt_pct, local_start, pct
from safetyops.orgs.models import Node

UNSIGNED_NAMED = 10  # the sentence names this many units that have not signed, then "等N个单位"
OWN_LEVEL = "本级"


def _counts(addressed: int, signed: int, overdue: int) -> dict[str, Any]:
    return {
        "addressed": addressed,
        "signed": signed,
        "unsigned": addressed - signed,
        "overdue": overdue,
        "rate": pct(signed, addressed),
    }


def _add(into: list[int], addressed: int, signed: int, overdue: int) -> None:
    into[0] += addressed
    into[1] += signed
    into[2] += overdue


def accountability_figures(node: Node, start: date, end: date) -> dict[str, Any]:
    """The letters' and pledges' rates of the year in the node's area at the period's end."""
    end_dt = local_start(end + timedelta(days=1))
    signed_then = Q(status__in=SIGNED, signed_at__lt=end_dt)
    counted = (
        Letter.objects.filter(
            template__year=end.year,
            area__path__startswith=node.path,
            issued_at__lt=end_dt,
        )
        .exclude(node_id=node.pk)
        .exclude(status=Letter.Status.DRAFT)
        .exclude(status=Letter.Status.WITHDRAWN, withdrawn_at__lt=end_dt)
    )
    # An unsigned 目标责任书 is grouped by its unit's name too, so the sentence can name who is missing
    # (a handful of units); pledges stay grouped by area only.
    responsibility_q = Q(template__kind=LetterTemplate.Kind.RESPONSIBILITY)
    unit_name = Coalesce("node__name", "department__name", "enterprise__name")
    rows = (
        counted.order_by()
        .annotate(
            missing=Case(
                When(responsibility_q & ~signed_then, then=unit_name),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .values("template__kind", "template__campaign_id", "template__campaign__name", "area__path", "missing")
        .annotate(
            addressed=Count("pk"),
            signed=Count("pk", filter=signed_then),
            overdue=Count("pk", filter=~signed_then & Q(due_on__lte=end)),
        )
    )
    children = list(Node.objects.filter(parent=node).order_by("code").values_list("path", "name"))
    longest_first = sorted(children, key=lambda child: -len(child[0]))
    kinds = (LetterTemplate.Kind.RESPONSIBILITY, LetterTemplate.Kind.PLEDGE)
    totals = {kind: [0, 0, 0] for kind in kinds}
    by_child: dict[str, dict[str, list[int]]] = {kind: defaultdict(lambda: [0, 0, 0]) for kind in kinds}
    campaigns: dict[int, dict[str, Any]] = {}
    missing: list[tuple[str, str]] = []
    for row in rows:
        kind, path = row["template__kind"], row["area__path"]
        figures = (row["addressed"], row["signed"], row["overdue"])
        owner = next((child_path for child_path, _name in longest_first if path.startswith(child_path)), "")
        _add(totals[kind], *figures)
        _add(by_child[kind][owner], *figures)
        if row["missing"]:
            missing.append((path, row["missing"]))
        if kind == LetterTemplate.Kind.PLEDGE and row["template__campaign_id"]:
            campaign = campaigns.setdefault(
                row["template__campaign_id"], {"name": row["template__campaign__name"], "counts": [0, 0, 0]}
            )
            _add(campaign["counts"], *figures)

    def child_rows(kind: str) -> list[dict[str, Any]]:
        own = [{"name": OWN_LEVEL, **_counts(*by_child[kind][""])}] if by_child[kind][""][0] else []
        return own + [{"name": name, **_counts(*by_child[kind][path])} for path, name in children]

    unsigned_units = list(dict.fromkeys(name for _path, name in sorted(missing)))
    responsibility = totals[LetterTemplate.Kind.RESPONSIBILITY]
    return {
        "accountability": {
            "year": end.year,
            "letters": {
                "total": _counts(*responsibility),
                "children": child_rows(LetterTemplate.Kind.RESPONSIBILITY),
                "unsigned_units": unsigned_units[:UNSIGNED_NAMED],
                "unsigned_more": max(len(unsigned_units) - UNSIGNED_NAMED, 0),
            },
            "pledges": {
                "total": _counts(*totals[LetterTemplate.Kind.PLEDGE]),
                "children": child_rows(LetterTemplate.Kind.PLEDGE),
                "campaigns": [
                    {"name": c["name"], **_counts(*c["counts"])}
                    for c in sorted(campaigns.values(), key=lambda c: c["name"])
                ],
            },
        }
    }


# The section -------------------------------------------------------------------------------------


def _letters_sentence(area: str, year: int, letters: dict[str, Any]) -> str:
    total = letters["total"]
    if not total["addressed"]:
        return f"{year}年度{area}尚未签订目标责任书。"
    text = f"{area}签订目标责任书{total['addressed']}份，已签{total['signed']}份，签署率{fmt_pct(total['rate'])}"
    if total["overdue"]:
        text += f"，逾期未签{total['overdue']}份"
    if not total["unsigned"]:
        return text + "，全部签署。"
    names = "、".join(letters["unsigned_units"])
    more = f"等{total['unsigned']}个单位" if letters["unsigned_more"] else ""
    return text + f"；尚未签署：{names}{more}。"


def _pledges_sentence(area: str, year: int, pledges: dict[str, Any]) -> str:
    total = pledges["total"]
    if not total["addressed"]:
        return f"{year}年度{area}尚未下达安全承诺书。"
    text = f"{area}下达安全承诺书{total['addressed']}份，已签{total['signed']}份，签署率{fmt_pct(total['rate'])}"
    if total["overdue"]:
        text += f"，逾期未签{total['overdue']}份"
    missing = [f"{row['name']}{row['unsigned']}份" for row in pledges["children"] if row["unsigned"]]
    text += f"；未签署的分布在：{'、'.join(missing)}。" if missing else "，全部签署。"
    if pledges["campaigns"]:
        parts = [
            f"“{c['name']}”{c['addressed']}份、已签{c['signed']}份（{fmt_pct(c['rate'])}）"
            for c in pledges["campaigns"]
        ]
        text += f"其中专项行动承诺书：{'；'.join(parts)}。"
    return text


def _shown_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "rate_text": fmt_pct(row["rate"])} for row in rows]


def _section(render: BriefingRender) -> dict[str, Any]:
    figures = render.figures.get("accountability")
    if figures is None:  # a snapshot frozen before this section counted anything
        return {"legacy": True}
    area = render.figures["node"]["area_word"]
    year = figures["year"]
    letters, pledges = figures["letters"], figures["pledges"]
    return {
        "legacy": False,
        "year": year,
        "children_word": render.figures["node"]["children_word"],
        "letters_sentence": _letters_sentence(area, year, letters),
        "pledges_sentence": _pledges_sentence(area, year, pledges),
        "letters": {
            **letters,
            "children": _shown_rows(letters["children"]),
            "rate_text": fmt_pct(letters["total"]["rate"]),
        },
        "pledges": {
            **pledges,
            "children": _shown_rows(pledges["children"]),
            "campaigns": _shown_rows(pledges["campaigns"]),
            "rate_text": fmt_pct(pledges["total"]["rate"]),
        },
    }


def register() -> None:
    register_briefing_figures("accountability", accountability_figures)
    register_briefing_section(
        "accountability",
        order=50,
        title="责任落实情况",
        template="accountability/briefing/accountability.html",
        context=_section,
    )
