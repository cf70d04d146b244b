"""The one scoping API. Every view, export and file download reaches domain objects through here.

Deny by default: a user without a membership sees nothing. Outside the scope is 404 (never
confirm that an object exists); inside the scope without the right is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from safetyops.orgs.models import Enterprise, EnterpriseImport, Membership, Node, Role, Sector, User
from safetyops.orgs.rights import Right, all_rights, rights_of

__all__ = ["Right", "Scope", "has_right", "require_right", "scope_for"]


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

    @property
    def empty(self) -> bool:
        return not self.everything and self.node_path is None and self.enterprise_id is None

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


def _sector_with_descendants(sector_ids: set[int]) -> frozenset[int]:
    """A supervisor of 工贸 also supervises 冶金, 建材 ...: add every descendant sector."""
    found = set(sector_ids)
    frontier = set(sector_ids)
    while frontier:
        frontier = set(Sector.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return frozenset(found)


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
    membership = Membership.objects.select_related("node", "enterprise").filter(user=user).first()
    # The layout shows the role and area: let user.membership use this row instead of asking again.
    User.membership.related.set_cached_value(user, membership)
    if membership is None:
        return Scope(role=None)
    if membership.role == Role.ENTERPRISE_USER:
        return Scope(role=membership.role, enterprise_id=membership.enterprise_id)
    sector_ids = None
    if membership.role == Role.DEPARTMENT_SUPERVISOR:
        sector_ids = _sector_with_descendants(set(membership.sectors.values_list("pk", flat=True)))
    assert membership.node is not None
    return Scope(
        role=membership.role,
        node_id=membership.node_id,
        node_level=membership.node.level,
        node_path=membership.node.path,
        sector_ids=sector_ids,
    )


def has_right(user: Any, right: str) -> bool:
    return right in scope_for(user).rights


def require_right(user: Any, right: str) -> None:
    if not has_right(user, right):
        raise PermissionDenied


# Enterprises ---------------------------------------------------------------------------------


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(scope_for(user).enterprise_q())


def get_enterprise_for_user(user: Any, pk: Any, *, right: str | None = None) -> Enterprise:
    """The enterprise if it is in the user's scope (else 404) and the user has `right` (else 403)."""
    try:
        enterprise = enterprises_visible_to(user).select_related("node").get(pk=int(pk))
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if right is not None:
        require_right(user, right)
    return enterprise


# Nodes ---------------------------------------------------------------------------------------


def nodes_visible_to(user: Any) -> QuerySet[Node]:
    return Node.objects.filter(scope_for(user).node_q())


def get_node_for_user(user: Any, pk: Any, *, right: str | None = None) -> Node:
    try:
        node = nodes_visible_to(user).get(pk=int(pk))
    except (Node.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if right is not None:
        require_right(user, right)
    return node


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
    try:
        return imports_visible_to(user).get(pk=int(pk))
    except (EnterpriseImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
