"""What the control-indicator pages read: the viewer's node, its rows of usage, the limits form.

Who sees the indicators: the officials and leaders of a node, for their node and the nodes below
(a county: itself and each township; a township: itself and those of its villages with a limit).
Department supervisors and enterprises do not: the figures count every accident of the area,
most of them outside a supervisor's sectors. A superuser sees the top of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch

from accountability import items as letter_items
from accountability.indicators import usage
from accountability.models import Accident, AccidentLevel, IndicatorLimit
from safetyops.core.links import PkLink
from safetyops.orgs.models import Node, Role
from safetyops.orgs.scope import scope_for
from safetyops.orgs.units import ORGANISING_ROLES

VIEWER_ROLES = frozenset({*ORGANISING_ROLES, Role.LEADER})
ACCIDENTS_LISTED = 10  # per node on the page; "等N起" after


def viewer_node(user: Any) -> Node:
    """The node whose indicators the user reads, or 403."""
    scope = scope_for(user)
    if scope.everything:
        node = Node.objects.filter(parent__isnull=True).order_by("code").first()
        if node is None:
            raise PermissionDenied
        return node
    if scope.enterprise_id is not None or scope.node_id is None or scope.role not in VIEWER_ROLES:
        raise PermissionDenied
    return Node.objects.get(pk=scope.node_id)


def can_view(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or (
        scope.enterprise_id is None and scope.node_id is not None and scope.role in VIEWER_ROLES
    )


def accident_url(pk: int) -> str:
    """The accident's page once the registry's URLs are there ("" until then)."""
    try:
        return PkLink.of("accountability:accident_detail").at(pk)  # one reverse() for a page's hundred
    except NoReverseMatch:
        return ""


@dataclass
class NodeRow:
    node: Node
    usages: list[usage.Usage]
    sentences: list[str]
    accidents: list[dict[str, Any]] = field(default_factory=list)
    more: int = 0
    total: int = 0

    @property
    def worst(self) -> float:
        found = [u.percent for u in self.usages if u.percent is not None]
        return max(found, default=-1.0)

    @property
    def state(self) -> str:
        order = ["ok", "warning", "reached", "exceeded"]
        return max((u.state for u in self.usages), key=order.index, default="ok")


def sentences(rows: list[usage.AccidentRow], usages: list[usage.Usage]) -> list[str]:
    """One sentence per category with accidents ("工矿商贸事故5起死亡6人，占全年控制指标54%")."""
    figures = usage.by_category(rows)
    return [usage.sentence(fig, usages) for fig in figures.values() if fig.accidents]


def node_rows(node: Node, year: int, *, children: bool = True, listed: int = ACCIDENTS_LISTED) -> list[NodeRow]:
    """The node's row and its children's (a township's villages only with a limit or a use). Five
    queries, however many children: children, accidents, letters, limits, accident numbers."""
    kids = list(Node.objects.filter(parent=node).order_by("sort_order", "code")) if children else []
    nodes = [node, *kids]
    rows = usage.accident_rows([node], year)  # the children's accidents are inside the node's
    found = usage.usage_for(nodes, year, rows=rows)
    result = []
    for each in nodes:
        mine = usage.rows_inside(rows, each)
        usages = found.get(each.pk, [])
        if each is not node and node.level != Node.Level.COUNTY and not any(u.limit is not None for u in usages):
            continue  # a village without a limit of its own
        result.append(NodeRow(each, usages, sentences(mine, usages), total=len(mine)))
    if listed:
        wanted: dict[int, list[int]] = {}
        for row in result:
            ids = [r.pk for r in reversed(usage.rows_inside(rows, row.node))][:listed]
            wanted[row.node.pk] = ids
            row.more = max(row.total - listed, 0)
        all_ids = {pk for ids in wanted.values() for pk in ids}
        details = (
            {
                item["pk"]: item
                for item in Accident.objects.filter(pk__in=all_ids).values(
                    "pk", "number", "title", "level", "occurred_at", "reported_late"
                )
            }
            if all_ids
            else {}
        )
        levels = dict(AccidentLevel.choices)
        for row in result:
            for pk in wanted[row.node.pk]:
                item = details[pk]
                row.accidents.append({**item, "level_label": levels.get(item["level"], ""), "url": accident_url(pk)})
    return result


@dataclass
class LimitField:
    key: str
    label: str
    unit: str
    value: int | None  # the value held now (letter's or set)
    from_letter: bool
    letter_id: int | None
    typed: str = ""  # what the form shows in its box


def limit_fields(node: Node, year: int) -> list[LimitField]:
    """The control keys of the node's year: those a letter gives (read-only) and those to set."""
    held = usage.limits([node], year).get(node.pk, {})
    fields = []
    for key in usage.CONTROL_KEYS:
        kind = letter_items.BY_KEY[key]
        value, source, letter_id = held.get(key, (None, "", None))
        fields.append(LimitField(key, str(kind.label), str(kind.unit), value, source == "letter", letter_id))
    return fields


def set_limits_of(node: Node, year: int) -> dict[str, int]:
    return dict(IndicatorLimit.objects.filter(node=node, year=year).values_list("key", "value"))
