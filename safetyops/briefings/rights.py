"""The rights of the monthly briefing, declared to orgs in BriefingsConfig.ready()."""

from __future__ import annotations

from enum import StrEnum

from safetyops.orgs.models import Role
from safetyops.orgs.rights import declare_rights


class BriefingRight(StrEnum):
    READ = "briefing.read"  # read and download a node's briefings
    WRITE = "briefing.write"  # request, write 存在问题/下步工作, publish


def declare() -> None:
    # Held by the roles that read nodes / review hazards today; services.may_read/may_write also
    # require a scope without a sector limit (a briefing covers every sector of its node).
    declare_rights(
        {
            BriefingRight.READ: (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL, Role.DEPARTMENT_SUPERVISOR, Role.LEADER),
            BriefingRight.WRITE: (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL, Role.DEPARTMENT_SUPERVISOR),
        }
    )
