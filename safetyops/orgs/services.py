"""Services: the only code that changes jurisdictions, enterprises and memberships."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safetyops.core.audit import log_action
from safetyops.orgs.models import Department, Enterprise, Membership, Node, Role, Sector, User
from safetyops.orgs.scope import Right, nodes_visible_to, require_right

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "address",
    "node",
    "principal_name",
    "principal_phone",
    "safety_officer_name",
    "safety_officer_phone",
    "status",
    "risk_level",
    "has_major_hazard_source",
    "employees",
)


def _check_node_in_scope(actor: Any, node: Node) -> None:
    if not nodes_visible_to(actor).filter(pk=node.pk).exists():
        raise PermissionDenied("node outside the actor's scope")


@transaction.atomic
def enterprise_create(*, actor: Any, sectors: Iterable[Sector], **fields: Any) -> Enterprise:
    """Create an enterprise on a node inside the actor's scope."""
    require_right(actor, Right.ENTERPRISE_ADD)
    enterprise = Enterprise(**{key: fields[key] for key in ENTERPRISE_FIELDS if key in fields})
    _check_node_in_scope(actor, enterprise.node)
    enterprise.full_clean(exclude=["sectors"])
    enterprise.save()
    enterprise.sectors.set(sectors)
    log_action(enterprise, "orgs.enterprise.created", actor=actor, data={"credit_code": enterprise.credit_code})
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: Any, enterprise: Enterprise, sectors: Iterable[Sector] | None = None, **fields: Any
) -> Enterprise:
    """Change an enterprise's fields; the audit entry records old and new values."""
    require_right(actor, Right.ENTERPRISE_CHANGE)
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    changes: dict[str, list[Any]] = {}
    for key in ENTERPRISE_FIELDS:
        if key not in fields:
            continue
        old, new = getattr(locked, key), fields[key]
        if old != new:
            changes[key] = [str(old), str(new)]
            setattr(locked, key, new)
    _check_node_in_scope(actor, locked.node)
    locked.full_clean(exclude=["sectors"])
    closed_before = locked.closed_at
    locked.save()  # sets closed_at when the status becomes 关闭, clears it when it leaves 关闭
    if locked.closed_at != closed_before:
        changes["closed_at"] = [str(closed_before or ""), str(locked.closed_at or "")]
    if sectors is not None:
        new_ids = {s.pk for s in sectors}
        old_ids = set(locked.sectors.values_list("pk", flat=True))
        if new_ids != old_ids:
            locked.sectors.set(new_ids)
            changes["sectors"] = [sorted(old_ids), sorted(new_ids)]  # type: ignore[list-item]
    if changes:
        log_action(locked, "orgs.enterprise.updated", actor=actor, data={"changes": changes})
    return locked


@transaction.atomic
def department_create(
    *, node: Node, name: str, sectors: Iterable[Sector] = (), sort_order: int = 0, actor: Any = None
) -> Department:
    """Create a 行业监管部门 of a node with the sectors it supervises (an actor's node must be in scope)."""
    if actor is not None:
        require_right(actor, Right.ADMIN)
        _check_node_in_scope(actor, node)
    sectors = list(sectors)
    department = Department(node=node, name=name.strip(), sort_order=sort_order)
    department.full_clean()
    department.save()
    department.sectors.set(sectors)
    log_action(department, "orgs.department.created", actor=actor, data={"sectors": sorted(s.pk for s in sectors)})
    return department


@transaction.atomic
def user_create_with_membership(
    *,
    username: str,
    password: str,
    full_name: str,
    role: Role | str,
    node: Node | None = None,
    enterprise: Enterprise | None = None,
    sectors: Iterable[Sector] = (),
    department: Department | None = None,
    unit: str = "",
    title: str = "",
    phone: str = "",
    email: str = "",
    actor: Any = None,
) -> User:
    """Create a login with its role. County admins get Django admin access (is_staff); a department
    supervisor belongs to a department (their scope is its sectors, or `sectors` of them)."""
    user = User(username=username, full_name=full_name, phone=phone, email=email)
    user.is_staff = role == Role.COUNTY_ADMIN
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership(
        user=user,
        role=role,
        node=node,
        enterprise=enterprise,
        department=department,
        unit=unit or (department.name if department else ""),
        title=title,
    )
    membership.full_clean()
    membership.save()
    membership.sectors.set(sectors)
    log_action(user, "orgs.user.created", actor=actor, data={"role": str(role)})
    return user
