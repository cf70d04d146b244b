"""Selectors: read-only queries over enterprises and nodes, always inside the user's scope."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet

from safetyops.core.versions import cache_version, cache_version_bump
from safetyops.orgs.models import Enterprise, Node, Sector
from safetyops.orgs.scope import enterprises_visible_to, nodes_visible_to, scope_for


def enterprise_search(*, user: Any, filters: dict[str, Any]) -> QuerySet[Enterprise]:
    """The enterprise directory: scoped, filtered, with node and sectors fetched in bulk."""
    qs = enterprises_visible_to(user)
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(credit_code__icontains=text.upper()))
    node = filters.get("node")
    if node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    sector = filters.get("sector")
    if sector is not None:
        qs = qs.filter(pk__in=Enterprise.sectors.through.objects.filter(sector=sector).values("enterprise_id"))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("risk_level"):
        qs = qs.filter(risk_level=filters["risk_level"])
    if filters.get("major_hazard"):
        qs = qs.filter(has_major_hazard_source=True)
    return qs.select_related("node").prefetch_related(
        Prefetch("sectors", queryset=Sector.objects.only("pk", "name", "sort_order"))
    )


@dataclass
class EnterpriseStats:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_risk: dict[str, int] = field(default_factory=dict)
    major_hazard_sources: int = 0
    by_sector: list[tuple[str, int]] = field(default_factory=list)
    by_child_node: list[tuple[Node, int]] = field(default_factory=list)


# Enterprise counts change rarely (an edit, an import) but are read on every dashboard: they are
# cached per scope under a version that every change to enterprises, their sectors or the node
# tree replaces (signals in OrgsConfig.ready; bulk writers call enterprises_changed themselves).
ENTERPRISES_VERSION = "orgs:enterprises"  # a core.versions name
_STATS_TIMEOUT = 60 * 60


def enterprises_changed(**kwargs: Any) -> None:
    """Invalidate the cached enterprise counts: now, and again when the transaction commits (a
    dashboard read in between may have cached the old figures under the new version)."""
    cache_version_bump(ENTERPRISES_VERSION)


def enterprises_version() -> str:
    """A value that every change to enterprises, their sectors or the node tree replaces: part of
    the key of anything cached that depends on them (enterprises_changed)."""
    return cache_version(ENTERPRISES_VERSION)


def enterprise_stats(*, user: Any, node: Node | None = None) -> EnterpriseStats:
    """Counts for a dashboard: cached per scope (see enterprises_changed), else counted."""
    scope = scope_for(user)
    key = f"orgs:enterprise-stats:{enterprises_version()}:{scope.cache_key}:{node and node.pk}"
    stats: EnterpriseStats | None = cache.get(key)
    if stats is None:
        stats = _count_enterprise_stats(user=user, node=node)
        cache.set(key, stats, _STATS_TIMEOUT)
    return stats


def _count_enterprise_stats(*, user: Any, node: Node | None = None) -> EnterpriseStats:
    """Counts for a dashboard, in a fixed number of aggregate queries."""
    qs = enterprises_visible_to(user)
    if node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    status_agg = {f"s_{value}": Count("pk", filter=Q(status=value)) for value in Enterprise.Status.values}
    risk_agg = {f"r_{value}": Count("pk", filter=Q(risk_level=value)) for value in Enterprise.RiskLevel.values}
    row = qs.aggregate(
        total=Count("pk"), mhs=Count("pk", filter=Q(has_major_hazard_source=True)), **status_agg, **risk_agg
    )
    stats = EnterpriseStats(
        total=row["total"],
        by_status={value: row[f"s_{value}"] for value in Enterprise.Status.values},
        by_risk={value: row[f"r_{value}"] for value in Enterprise.RiskLevel.values},
        major_hazard_sources=row["mhs"],
    )
    sector_rows = (
        Enterprise.sectors.through.objects.filter(enterprise__in=qs.values("pk"))
        .values("sector__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "sector__name")
    )
    stats.by_sector = [(r["sector__name"], r["n"]) for r in sector_rows]
    parent = node or _scope_root(user)
    if parent is not None:
        stats.by_child_node = _count_by_child(qs, parent)
    return stats


def _scope_root(user: Any) -> Node | None:
    scope = scope_for(user)
    if scope.node_id is not None:
        return Node.objects.get(pk=scope.node_id)
    if scope.everything:
        return Node.objects.filter(parent__isnull=True).order_by("path").first()
    return None


def _count_by_child(qs: QuerySet[Enterprise], parent: Node) -> list[tuple[Node, int]]:
    children = list(Node.objects.filter(parent=parent).order_by("sort_order", "code"))
    per_path = qs.values_list("node__path").annotate(n=Count("pk"))
    counts: Counter[int] = Counter()
    for path, n in per_path:
        for child in children:
            if path.startswith(child.path):
                counts[child.pk] += n
                break
    return [(child, counts[child.pk]) for child in children]


@dataclass
class TreeNode:
    node: Node
    enterprises: int
    children: list[TreeNode]


def node_tree(*, user: Any) -> list[TreeNode]:
    """The visible part of the jurisdiction tree with enterprise counts per subtree (2 queries)."""
    nodes = list(nodes_visible_to(user).order_by("path"))
    direct = dict(enterprises_visible_to(user).values_list("node_id").annotate(n=Count("pk")))
    by_id = {node.pk: TreeNode(node, direct.get(node.pk, 0), []) for node in nodes}
    children: defaultdict[int | None, list[TreeNode]] = defaultdict(list)
    roots: list[TreeNode] = []
    for node in nodes:
        item = by_id[node.pk]
        if node.parent_id in by_id:
            children[node.parent_id].append(item)
        else:
            roots.append(item)
    for node_id, items in children.items():
        items.sort(key=lambda item: (item.node.sort_order, item.node.code))
        by_id[node_id].children = items  # type: ignore[index]

    def total(item: TreeNode) -> int:
        item.enterprises += sum(total(child) for child in item.children)
        return item.enterprises

    for root in roots:
        total(root)
    return roots
