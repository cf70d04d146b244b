"""The campaigns app's models, one module per part."""

from campaigns.models.campaign import Campaign, Target, Unit, unit_constraints, unit_fields
from campaigns.models.reports import ReportVersion
from campaigns.models.summary import Summary
from campaigns.models.work import Activity, ActivityAssignment, ReportTask, UnitReport

__all__ = [
    "Activity",
    "ActivityAssignment",
    "Campaign",
    "ReportTask",
    "ReportVersion",
    "Summary",
    "Target",
    "Unit",
    "UnitReport",
    "unit_constraints",
    "unit_fields",
]
