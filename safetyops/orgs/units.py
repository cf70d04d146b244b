"""Units: whoever a piece of work or a document is addressed to (a node, a department, an
enterprise), shared by campaigns (activities, report tasks) and accountability (letters, pledges).

`Unit` is the abstract model (exactly one of node / department / enterprise, and `area`, the
unit's node, by which the scope finds it); `units_q` is what a user sees of such rows, and
`units_for_q` the rows addressed to the user (the units they act for).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from safetyops.orgs.models import Department, Enterprise, Node, Role
from safetyops.orgs.scope import scope_for

# Officials of a node act for it (organise its work, report for it).
ORGANISING_ROLES = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL})


class Unit(models.Model):
    """Whoever a piece of work is addressed to: exactly one of a node, a department, an enterprise.
    `area` is the unit's node (the node itself, the department's, the enterprise's): the scope
    of parts (orgs.scope.scope_part_q) finds units by it. Set with `unit_fields(...)`."""

    node = models.ForeignKey(
        Node, verbose_name=_("地区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def unit(self) -> Node | Department | Enterprise:
        return self.node or self.department or self.enterprise  # type: ignore[return-value]

    @property
    def unit_name(self) -> str:
        return self.unit.name

    @property
    def unit_kind(self) -> str:
        return "node" if self.node_id else "department" if self.department_id else "enterprise"


def one_unit(prefix: str) -> models.CheckConstraint:
    """Exactly one of node, department, enterprise."""
    return models.CheckConstraint(
        condition=Q(node__isnull=False, department__isnull=True, enterprise__isnull=True)
        | Q(node__isnull=True, department__isnull=False, enterprise__isnull=True)
        | Q(node__isnull=True, department__isnull=True, enterprise__isnull=False),
        name=f"{prefix}_one_unit",
    )


def unit_constraints(prefix: str, owner: str) -> list[models.BaseConstraint]:
    """Exactly one of node, department, enterprise; and each unit once per `owner` (the activity, the task)."""
    return [
        one_unit(prefix),
        *(
            models.UniqueConstraint(
                fields=[owner, kind], condition=Q(**{f"{kind}__isnull": False}), name=f"{prefix}_unit_{kind}"
            )
            for kind in ("node", "department", "enterprise")
        ),
    ]


def unit_fields(unit: Node | Department | Enterprise) -> dict[str, Any]:
    """The Unit columns for `unit` (node / department / enterprise, and its area)."""
    if isinstance(unit, Node):
        return {"node": unit, "department": None, "enterprise": None, "area_id": unit.pk}
    if isinstance(unit, Department):
        return {"node": None, "department": unit, "enterprise": None, "area_id": unit.node_id}
    if isinstance(unit, Enterprise):
        return {"node": None, "department": None, "enterprise": unit, "area_id": unit.node_id}
    raise TypeError(f"not a unit: {unit!r}")


def units_q(user: Any, prefix: str = "") -> Q:
    """A Q over rows of a Unit model (see campaigns.models.Unit) that the user sees; `prefix`
    reaches the unit row from another model ("assignment__")."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.enterprise_id is not None:
        return Q(**{f"{prefix}enterprise_id": scope.enterprise_id})
    if scope.node_path is None:
        return Q(pk__in=[])
    in_area = Q(**{f"{prefix}area__path__startswith": scope.node_path})
    if scope.sector_ids is None:
        return in_area
    sectors = Enterprise.sectors.through.objects.filter(
        enterprise_id=OuterRef(f"{prefix}enterprise_id"), sector_id__in=scope.sector_ids
    )
    return in_area & (Q(**{f"{prefix}department_id": scope.department_id}) | Q(Exists(sectors)))


def units_for_q(user: Any, prefix: str = "") -> Q:
    """A Q over Unit rows addressed to the user: their enterprise, their department, or their own
    node (the node's officials report for it). These are the units the user reports for."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.enterprise_id is not None:
        return Q(**{f"{prefix}enterprise_id": scope.enterprise_id})
    if scope.department_id is not None:
        return Q(**{f"{prefix}department_id": scope.department_id})
    if scope.node_id is not None and scope.role in ORGANISING_ROLES:
        return Q(**{f"{prefix}node_id": scope.node_id})
    return Q(pk__in=[])
