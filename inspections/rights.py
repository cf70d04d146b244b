"""The rights of inspections and hazards, declared to orgs in InspectionsConfig.ready()."""

from __future__ import annotations

from enum import StrEnum

from safetyops.orgs.models import Role
from safetyops.orgs.rights import declare_rights


class InspectionRight(StrEnum):
    INSPECT = "inspection.write"
    HAZARD_SELF_REPORT = "hazard.self_report"
    HAZARD_RESPOND = "hazard.respond"
    HAZARD_REVIEW = "hazard.review"
    HAZARD_LIST_SUPERVISION = "hazard.list_supervision"
    HAZARD_EXPORT = "hazard.export"


_OFFICIALS = (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL, Role.DEPARTMENT_SUPERVISOR)


def declare() -> None:
    declare_rights(
        {
            InspectionRight.INSPECT: _OFFICIALS,
            InspectionRight.HAZARD_REVIEW: _OFFICIALS,
            InspectionRight.HAZARD_EXPORT: (*_OFFICIALS, Role.LEADER),
            InspectionRight.HAZARD_LIST_SUPERVISION: (Role.COUNTY_ADMIN,),
            InspectionRight.HAZARD_SELF_REPORT: (Role.ENTERPRISE_USER,),
            InspectionRight.HAZARD_RESPOND: (Role.ENTERPRISE_USER,),
        }
    )
