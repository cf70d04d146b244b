"""Reads of campaigns for other apps: the one port through which a domain app may use campaigns.

The import-linter contract in pyproject.toml allows other domain apps to import this module and
nothing else of `campaigns`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from campaigns.models import Campaign, ReportVersion, Target, UnitReport
from campaigns.scope import campaigns_visible_to
from safetyops.orgs.scope import scope_for


def campaigns_active_for(*, user: Any) -> QuerySet[Campaign]:
    """Active campaigns organised in the user's area or by a level above it (the county's campaign)."""
    scope = scope_for(user)
    qs = Campaign.objects.filter(status=Campaign.Status.ACTIVE)
    if not scope.everything:
        if scope.node_path is None:
            return Campaign.objects.none()
        ancestor_codes = [code for code in scope.node_path.strip("/").split("/") if code]
        qs = qs.filter(Q(node__path__startswith=scope.node_path) | Q(node__code__in=ancestor_codes))
    return qs.select_related("node").order_by("-starts_on", "pk")


def campaigns_referenced_by(rows: QuerySet[Any], *, field: str = "campaign") -> QuerySet[Campaign]:
    """The campaigns that some of `rows` (another app's queryset with a campaign key) point at."""
    return Campaign.objects.filter(Exists(rows.filter(**{field: OuterRef("pk")}))).order_by("-year", "-starts_on")


def campaigns_none() -> QuerySet[Campaign]:
    """An empty campaign queryset, for a form field whose choices are set per user."""
    return Campaign.objects.none()


def campaign_default_for(*, user: Any, enterprise_id: int | None = None) -> Campaign | None:
    """The campaign a new inspection is filed under by default: the newest active campaign the user
    sees that lists the enterprise among its current targets; without an enterprise, the only
    active campaign when there is exactly one."""
    active = campaigns_active_for(user=user)
    if enterprise_id is None:
        first_two = list(active[:2])
        return first_two[0] if len(first_two) == 1 else None
    targeting = Target.objects.filter(campaign=OuterRef("pk"), enterprise_id=enterprise_id, removed_at__isnull=True)
    return active.filter(Exists(targeting)).first()


def campaign_target_enterprise_ids(*, campaign: Campaign) -> QuerySet[Any]:
    """The enterprise ids of a campaign's current targets (its 底数 as it stands)."""
    return (
        Target.objects.filter(campaign=campaign, removed_at__isnull=True)
        .order_by("enterprise_id")
        .values_list("enterprise_id", flat=True)
    )


CampaignKind = Campaign.Kind  # for the ports' callers, which may not import campaigns.models


def campaigns_of_kind(*, node: Any, kind: str, year: int) -> QuerySet[Campaign]:
    """The node's own campaigns of a kind and year that are running or ended (not drafts, not yet
    summarised): those whose records may still be written."""
    statuses = [Campaign.Status.ACTIVE, Campaign.Status.ENDED]
    return Campaign.objects.filter(node=node, kind=kind, year=year, status__in=statuses).order_by("-starts_on", "pk")


def campaigns_for_pledges(*, user: Any) -> QuerySet[Campaign]:
    """The campaigns a node may name on a 安全承诺书 (the fire sweep's pledge): those the user sees
    (campaigns.scope) that are being prepared or running."""
    return (
        campaigns_visible_to(user)
        .filter(status__in=[Campaign.Status.DRAFT, Campaign.Status.ACTIVE])
        .order_by("-year", "-starts_on", "pk")
    )


def unit_report_timeliness(
    *, year: int, as_of: date, node_ids: Iterable[int] = (), department_ids: Iterable[int] = ()
) -> dict[tuple[str, int], tuple[int, int]]:
    """("node" | "department", id) → (due, on time): the unit's reports whose task deadline fell in
    `year` and had passed by `as_of`; on time when the first submission was not late. One query."""
    node_ids, department_ids = list(node_ids), list(department_ids)
    result: dict[tuple[str, int], tuple[int, int]] = {}
    if not node_ids and not department_ids:
        return result
    first_late = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("number").values("late")[:1]
    rows = (
        UnitReport.objects.filter(Q(node_id__in=node_ids) | Q(department_id__in=department_ids))
        .filter(task__deadline__year=year, task__deadline__lt=as_of)
        .annotate(first_late=Subquery(first_late))
        .order_by()
        .values_list("node_id", "department_id", "first_late")
    )
    for node_id, department_id, late in rows:
        key = ("node", node_id) if node_id is not None else ("department", department_id)
        due, on_time = result.get(key, (0, 0))
        result[key] = (due + 1, on_time + (late is False))
    return result


# 约谈/督办 (accountability/summons): a unit's late campaign reports -------------------------------

LATE_REPORTS_MAX = 100


@dataclass(frozen=True, slots=True)
class LateReportFact:
    """A unit's campaign report that came late (迟报: its first version after the deadline) or has
    not come although its deadline has passed (未报)."""

    pk: int
    node_id: int | None
    department_id: int | None
    enterprise_id: int | None
    area_path: str
    campaign_name: str
    task_title: str
    deadline: date
    missing: bool  # not reported at all (else: reported late)

    @property
    def label(self) -> str:
        state = "逾期未报" if self.missing else "迟报"
        return f"“{self.campaign_name}”{self.task_title}（期限{self.deadline.isoformat()}，{state}）"


def late_unit_reports(
    *,
    node_id: int | None = None,
    department_id: int | None = None,
    enterprise_id: int | None = None,
    area_path: str | None = None,
    report_ids: Iterable[int] | None = None,
    today: date | None = None,
) -> list[LateReportFact]:
    """The late reports of one unit (a node itself, a department, an enterprise), optionally only
    inside a part of the tree (`area_path`) or only these reports; newest deadline first. One query."""
    today = today or timezone.localdate()
    first_late = ReportVersion.objects.filter(report=OuterRef("pk"), number=1, late=True)
    any_version = ReportVersion.objects.filter(report=OuterRef("pk"))
    qs = UnitReport.objects.filter(Exists(first_late) | (~Exists(any_version) & Q(task__deadline__lt=today)))
    if node_id is not None:
        qs = qs.filter(node_id=node_id)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if area_path is not None:
        qs = qs.filter(area__path__startswith=area_path)
    if report_ids is not None:
        qs = qs.filter(pk__in=list(report_ids))
    rows = (
        qs.annotate(reported=Exists(any_version))
        .order_by("-task__deadline", "pk")
        .values_list(
            "pk",
            "node_id",
            "department_id",
            "enterprise_id",
            "area__path",
            "task__campaign__name",
            "task__title",
            "task__deadline",
            "reported",
        )[:LATE_REPORTS_MAX]
    )
    return [
        LateReportFact(
            pk=pk,
            node_id=n,
            department_id=d,
            enterprise_id=e,
            area_path=path,
            campaign_name=campaign,
            task_title=title,
            deadline=deadline,
            missing=not reported,
        )
        for pk, n, d, e, path, campaign, title, deadline, reported in rows
    ]
