"""The rights of campaigns, declared to orgs in CampaignsConfig.ready(). Who organises a given
campaign (its node's officials) is a condition of the steps (campaigns/lifecycle.py), not a right."""

from __future__ import annotations

from enum import StrEnum

from safetyops.orgs.models import Role
from safetyops.orgs.rights import declare_rights


class CampaignRight(StrEnum):
    ORGANISE = "campaign.organise"  # create, launch, end and summarise; define activities and tasks
    REPORT = "campaign.report"  # report an activity's result, submit a unit report (for one's own unit)
    EXPORT = "campaign.export"  # download progress and report workbooks and PDFs


def declare() -> None:
    declare_rights(
        {
            CampaignRight.ORGANISE: (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL),
            CampaignRight.REPORT: (
                Role.COUNTY_ADMIN,
                Role.TOWNSHIP_OFFICIAL,
                Role.DEPARTMENT_SUPERVISOR,
                Role.ENTERPRISE_USER,
            ),
            CampaignRight.EXPORT: (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICIAL, Role.DEPARTMENT_SUPERVISOR, Role.LEADER),
        }
    )
