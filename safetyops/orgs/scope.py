"""The one scoping API. Every view, export and file download reaches domain objects through here.

Deny by default: a user without a membership sees nothing. Outside the scope is 404 (never
confirm that an object exists); inside the scope without the right is 403.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Value
from django.http import Http404

from safetyops.orgs.models import Department, Enterprise, EnterpriseImport, Membership, Node, Role, Sector, User
from safetyops.orgs.rights import Right, all_rights, rights_of

__all__ = ["Right", "Scope", "get_for_user", "has_right", "require_right", "scope_for"]

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """What one user may see. Built once per request and cached on the user object."""

    role: str | None
    everything: bool = False
    node_id: int | None = None
    node_level: str | None = None
    node_path: str | None = None
    sector_ids: frozenset[int] | None = None
    enterprise_id: int | None = None
    department_id: int | None = None  # a department supervisor's department

    @property
    def empty(self) -> bool:
        return not self.everything and self.node_path is None and self.enterprise_id is None

    @property
    def cache_key(self) -> str:
        """The same for two users who see the same things: a part of the key of a cached count."""
        sectors = None if self.sector_ids is None else sorted(self.sector_ids)
        parts = (self.role, self.everything, self.node_path, sectors, self.enterprise_id, self.department_id)
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    @property
    def rights(self) -> frozenset[str]:
        """The rights the role holds, as the apps declared them (everything for a superuser)."""
        if self.everything:
            return all_rights()
        return rights_of(self.role)

    def enterprise_q(self, field: str = "") -> Q:
        """A Q over a model whose enterprise is reached by `field` ("" for Enterprise itself)."""
        prefix = f"{field}__" if field else ""
        if self.everything:
            return Q()
        if self.enterprise_id is not None:
            return Q(**{f"{prefix}pk": self.enterprise_id})
        if self.node_path is None:
            return Q(pk__in=[])
        q = Q(**{f"{prefix}node__path__startswith": self.node_path})
        if self.sector_ids is not None:
            through = Enterprise.sectors.through.objects.filter(
                enterprise_id=OuterRef(f"{prefix}pk"), sector_id__in=self.sector_ids
            )
            q &= Q(Exists(through))
        return q

    def node_q(self) -> Q:
        if self.everything:
            return Q()
        if self.node_path is None:
            return Q(pk__in=[])
        return Q(path__startswith=self.node_path)


def sector_with_descendants(sector_ids: set[int]) -> frozenset[int]:
    """A supervisor of 工贸 also supervises 冶金, 建材 ...: add every descendant sector."""
    found = set(sector_ids)
    frontier = set(sector_ids)
    while frontier:
        frontier = set(Sector.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return frozenset(found)


def supervised_sector_ids(membership: Membership) -> frozenset[int]:
    """A supervisor's sectors: their department's, narrowed to their own 分工 if they have one
    (one query for both lists, then the sub-sectors). No department: no sectors."""
    if membership.department_id is None:
        return frozenset()
    department = Department.sectors.through.objects.filter(department_id=membership.department_id)
    own = Membership.sectors.through.objects.filter(membership_id=membership.pk)
    rows = department.values_list("sector_id", Value(True)).union(own.values_list("sector_id", Value(False)), all=True)
    theirs: set[int] = set()
    narrowed: set[int] = set()
    for sector_id, of_department in rows:
        (theirs if of_department else narrowed).add(sector_id)
    sectors = sector_with_descendants(theirs)
    return sectors & sector_with_descendants(narrowed) if narrowed else sectors


def scope_for(user: Any) -> Scope:
    cached: Scope | None = getattr(user, "_safetyops_scope", None)
    if cached is not None:
        return cached
    scope = _build_scope(user)
    if getattr(user, "is_authenticated", False):
        user._safetyops_scope = scope
    return scope


def _build_scope(user: Any) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(role=None)
    if user.is_superuser:
        return Scope(role=Role.COUNTY_ADMIN, everything=True)
    related = User.membership.related
    membership: Membership | None
    if related.is_cached(user):  # the request's user came with it (orgs.backends.RequestUserBackend)
        membership = cast("Membership | None", related.get_cached_value(user))
    else:
        membership = Membership.objects.select_related("node", "enterprise").filter(user=user).first()
        # The layout shows the role and area: let user.membership use this row instead of asking again.
        related.set_cached_value(user, membership)
    if membership is None:
        return Scope(role=None)
    if membership.role == Role.ENTERPRISE_USER:
        return Scope(role=membership.role, enterprise_id=membership.enterprise_id)
    sector_ids = None
    if membership.role == Role.DEPARTMENT_SUPERVISOR:
        sector_ids = supervised_sector_ids(membership)
    assert membership.node is not None
    return Scope(
        role=membership.role,
        node_id=membership.node_id,
        node_level=membership.node.level,
        node_path=membership.node.path,
        sector_ids=sector_ids,
        department_id=membership.department_id,
    )


def get_for_user(queryset: QuerySet[M], pk: Any, *, user: Any, right: str | None = None) -> M:
    """The object `pk` of an already scoped `queryset` (else 404: missing, invalid or outside the
    scope, never told apart), then `right` checked (else 403). Every get_<kind>_for_user is this."""
    try:
        obj = queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if right is not None:
        require_right(user, right)
    return obj


def has_right(user: Any, right: str) -> bool:
    return right in scope_for(user).rights


def require_right(user: Any, right: str) -> None:
    if not has_right(user, right):
        raise PermissionDenied


# Enterprises ---------------------------------------------------------------------------------


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(scope_for(user).enterprise_q())


def get_enterprise_for_user(user: Any, pk: Any, *, right: str | None = None) -> Enterprise:
    return get_for_user(enterprises_visible_to(user).select_related("node"), pk, user=user, right=right)


# Nodes ---------------------------------------------------------------------------------------


def nodes_visible_to(user: Any) -> QuerySet[Node]:
    return Node.objects.filter(scope_for(user).node_q())


def get_node_for_user(user: Any, pk: Any, *, right: str | None = None) -> Node:
    return get_for_user(nodes_visible_to(user), pk, user=user, right=right)


# Objects organised at a node (a county campaign, a county letter, a department) ---------------


def path_and_above(path: str) -> list[str]:
    """ "/33/3301/330101/" → ["/33/", "/33/3301/", "/33/3301/330101/"]: the node and its ancestors."""
    parts = [part for part in path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def organised_q(user: Any, node_field: str = "node") -> Q:
    """A Q over objects organised at `node_field` that the user sees: those of the user's node and
    of every node below it (the organiser's side: county staff see all their county's) and those of
    every node above it (they are addressed to it). Enterprise users and other branches see none."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.node_path is None:  # enterprise users, no membership
        return Q(pk__in=[])
    return Q(**{f"{node_field}__path__startswith": scope.node_path}) | Q(
        **{f"{node_field}__path__in": path_and_above(scope.node_path)}
    )


def organised_visible_to(user: Any, queryset: QuerySet[M], node_field: str = "node") -> QuerySet[M]:
    """The objects of `queryset` organised at a node the user sees from above or from below."""
    return queryset.filter(organised_q(user, node_field))


def get_organised_for_user(
    user: Any, queryset: QuerySet[M], pk: Any, *, node_field: str = "node", right: str | None = None
) -> M:
    return get_for_user(organised_visible_to(user, queryset, node_field), pk, user=user, right=right)


def scope_part_q(user: Any, node_field: str = "node") -> Q:
    """A Q over the parts of an organised object (its targets, tasks, unit reports: rows with a node)
    that the user sees: the parts within the user's own subtree. A township sees its own part of a
    county campaign; the county, organiser, sees every township's part."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.node_path is None:
        return Q(pk__in=[])
    return Q(**{f"{node_field}__path__startswith": scope.node_path})


def departments_visible_to(user: Any) -> QuerySet[Department]:
    """Departments of the user's node, of the nodes above it (the county's, for a township), and
    below it (a county sees its townships' 所 and 站)."""
    return organised_visible_to(user, Department.objects.all())


def scoped(user: Any, queryset: QuerySet[Any], *, enterprise_field: str) -> QuerySet[Any]:
    """Restrict any queryset of enterprise-owned objects (hazards, inspections ...) to the scope."""
    return queryset.filter(scope_for(user).enterprise_q(enterprise_field))


# Enterprise imports: an upload is visible only to the person who made it --------------------


def imports_visible_to(user: Any) -> QuerySet[EnterpriseImport]:
    if not getattr(user, "is_authenticated", False):
        return EnterpriseImport.objects.none()
    if scope_for(user).everything:
        return EnterpriseImport.objects.all()
    return EnterpriseImport.objects.filter(created_by=user)


def get_import_for_user(user: Any, pk: Any) -> EnterpriseImport:
    return get_for_user(imports_visible_to(user), pk, user=user)
