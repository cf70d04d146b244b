"""The organiser's view of a report task (报送情况): one row per unit report the user sees, with its
state (已报/迟报/未报/零报告/退回/待报), its versions and the latest version's figures and text; the
counts per state; and the counts per task of a campaign.

The number of queries does not grow with the units: the reports come with their version count,
their first version's late flag and their latest version's id as subqueries in one query, then
the latest versions in one more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import Campaign, ReportTask, ReportVersion, UnitReport
from campaigns.reports import State, state_of
from safetyops.orgs.units import units_q

# The header's order; 待报 (not yet due) last.
STATES = (State.SUBMITTED, State.LATE, State.ZERO, State.RETURNED, State.MISSING, State.WAITING)


@dataclass(frozen=True)
class Row:
    report_id: int
    unit_name: str
    unit_kind: str  # "node", "department" or "enterprise"
    area: str
    state: str
    versions: int
    submitted_at: datetime | None  # of the latest version
    figures: dict[str, dict[str, Any]]  # the latest version's: {key: {"value", "system", "note"}}
    text: str

    @property
    def state_label(self) -> str:
        return str(State.LABELS[self.state])

    @property
    def state_badge(self) -> str:
        return State.BADGES[self.state]

    def submitted(self, format: str) -> str:
        """The latest version's local time by strftime, "" if none: a table of hundreds of rows
        shows it twice per row, and Django's date filter is ten times slower."""
        return timezone.localtime(self.submitted_at).strftime(format) if self.submitted_at else ""

    @property
    def submitted_short(self) -> str:
        return self.submitted("%m-%d %H:%M")  # date:"m-d H:i"

    @property
    def submitted_long(self) -> str:
        return self.submitted("%Y-%m-%d %H:%M")  # date:"Y-m-d H:i"


def _versions(report: str = "pk") -> QuerySet[ReportVersion]:
    return ReportVersion.objects.filter(report=OuterRef(report))


def _annotated(reports: QuerySet[UnitReport]) -> QuerySet[UnitReport]:
    """Reports with `n_versions`, `first_late`, `latest_id` and `latest_zero`, each a subquery."""
    counted = _versions().order_by().values("report").annotate(n=Count("pk")).values("n")
    return reports.annotate(
        n_versions=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        first_late=Subquery(_versions().order_by("number").values("late")[:1]),
        latest_id=Subquery(_versions().order_by("-number").values("pk")[:1]),
        latest_zero=Subquery(_versions().order_by("-number").values("zero")[:1]),
    )


def _state(report: dict[str, Any], deadline: date, today: date) -> str:
    """The state of a report as _annotated(...).values() gives it."""
    return state_of(
        status=report["status"],
        deadline=deadline,
        submitted=report["latest_id"] is not None,
        zero=bool(report["latest_zero"]),
        first_late=bool(report["first_late"]),
        today=today,
    )


# What a row needs of a report and of its latest version: values, not models (160 reports with four
# related models each took more time to build than the query took to run).
REPORT_FIELDS = (
    "pk",
    "status",
    "node_id",
    "department_id",
    "node__name",
    "department__name",
    "enterprise__name",
    "area__name",
    "n_versions",
    "first_late",
    "latest_id",
    "latest_zero",
)
VERSION_FIELDS = ("pk", "submitted_at", "figures", "text")
# What campaign_overview needs of a report for its state (the stubs cannot see annotations by name).
STATE_FIELDS = ("task_id", "status", "first_late", "latest_id", "latest_zero")


def _unit_kind(report: dict[str, Any]) -> str:
    return "node" if report["node_id"] else "department" if report["department_id"] else "enterprise"


def _unit_name(report: dict[str, Any]) -> str:
    """Unit.unit_name: the node's, else the department's, else the enterprise's name."""
    kind = _unit_kind(report)
    return str(report[f"{kind}__name"])


def task_overview(*, user: Any, task: ReportTask, today: date | None = None) -> list[Row]:
    """The task's unit reports the user sees (campaigns.scope.units_q), by area: two queries."""
    today = today or timezone.localdate()
    reports = list(
        _annotated(UnitReport.objects.filter(task=task).filter(units_q(user)))
        .order_by("area__path", "pk")
        .values(*REPORT_FIELDS)
    )
    wanted = [r["latest_id"] for r in reports if r["latest_id"] is not None]
    latest = {v["pk"]: v for v in ReportVersion.objects.filter(pk__in=wanted).values(*VERSION_FIELDS)} if wanted else {}
    rows = []
    for report in reports:
        version = latest.get(report["latest_id"])
        rows.append(
            Row(
                report_id=report["pk"],
                unit_name=_unit_name(report),
                unit_kind=_unit_kind(report),
                area=report["area__name"],
                state=_state(report, task.deadline, today),
                versions=report["n_versions"],
                submitted_at=version["submitted_at"] if version else None,
                figures=version["figures"] if version else {},
                text=version["text"] if version else "",
            )
        )
    return rows


def state_counts(states: Iterable[str]) -> dict[str, int]:
    """How many of each state, every state listed (in the header's order), and the total."""
    counted = Counter(states)
    return {**{state: counted.get(state, 0) for state in STATES}, "total": sum(counted.values())}


@dataclass(frozen=True)
class TaskCounts:
    task: ReportTask
    counts: dict[str, int]  # state_counts of the reports the user sees


def campaign_overview(*, user: Any, campaign: Campaign, today: date | None = None) -> list[TaskCounts]:
    """Each task of the campaign with the counts per state of its reports the user sees: two queries."""
    today = today or timezone.localdate()
    tasks = list(ReportTask.objects.filter(campaign=campaign).order_by("deadline", "pk"))
    if not tasks:
        return []
    by_task: dict[int, list[str]] = {task.pk: [] for task in tasks}
    deadlines = {task.pk: task.deadline for task in tasks}
    reports = _annotated(UnitReport.objects.filter(task__campaign=campaign).filter(units_q(user))).values(*STATE_FIELDS)
    for report in reports:
        by_task[report["task_id"]].append(_state(report, deadlines[report["task_id"]], today))
    return [TaskCounts(task=task, counts=state_counts(by_task[task.pk])) for task in tasks]
