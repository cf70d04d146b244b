"""Rights and the roles that hold them, declared by the app that owns them.

orgs declares its own rights here; each domain app declares its rights in its `AppConfig.ready()`
(`declare_rights({...})`), so that orgs names no domain right. `safetyops.orgs.scope` reads the
registry; the scoping helpers stay the one entry point for checking a right.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from safetyops.orgs.models import Role


class Right(StrEnum):
    """The rights orgs itself owns (registering enterprises, seeing nodes, the admin site)."""

    ENTERPRISE_ADD = "enterprise.add"
    ENTERPRISE_CHANGE = "enterprise.change"
    ENTERPRISE_IMPORT = "enterprise.import"
    NODE_VIEW = "node.view"
    ADMIN = "admin"


_HOLDERS: dict[str, set[str]] = {}  # right -> roles that hold it
_OF_ROLE: dict[str | None, frozenset[str]] = {}  # rights_of's answers, forgotten on every declaration


def declare_rights(holders: Mapping[str, Iterable[str]]) -> None:
    """Declare rights and the roles holding each; a right declared twice must name the same roles."""
    for right, roles in holders.items():
        wanted = {str(role) for role in roles}
        unknown = wanted - set(Role.values)
        if unknown:
            raise ValueError(f"unknown roles for right {right!r}: {sorted(unknown)}")
        known = _HOLDERS.get(str(right))
        if known is not None and known != wanted:
            raise ValueError(f"right {right!r} declared twice with different roles")
        _HOLDERS[str(right)] = wanted
    _OF_ROLE.clear()


def rights_of(role: str | None) -> frozenset[str]:
    """Every right the role holds (asked several times per request: kept until the next declaration)."""
    rights = _OF_ROLE.get(role)
    if rights is None:
        rights = _OF_ROLE[role] = frozenset(right for right, roles in _HOLDERS.items() if role in roles)
    return rights


def all_rights() -> frozenset[str]:
    return frozenset(_HOLDERS)


def roles_holding(right: str) -> frozenset[str]:
    return frozenset(_HOLDERS.get(str(right), ()))


_OFFICIALS = (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL)
declare_rights(
    {
        Right.ENTERPRISE_ADD: _OFFICIALS,
        Right.ENTERPRISE_CHANGE: _OFFICIALS,
        Right.ENTERPRISE_IMPORT: _OFFICIALS,
        Right.NODE_VIEW: (*_OFFICIALS, Role.DEPARTMENT_SUPERVISOR, Role.LEADER),
        Right.ADMIN: (Role.COUNTY_ADMIN,),
    }
)
