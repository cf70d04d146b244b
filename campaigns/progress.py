"""A campaign's progress (DOMAIN §5): coverage (全覆盖) — current targets inspected during the
campaign's period / current targets — hazards found, closed and overdue at the targets, the
rectification rate against the goal, and the child nodes ranked. Read for one user: the targets
they see (a township its part, a supervisor its sectors).

Queries grow neither with the targets nor with the ranked child nodes: one grouped query counts
targets and inspected targets per area (the coverage probe of safetyops.core.records inside it),
one gives the hazard figures of the whole, one those of every ranked child (grouped by a CASE on
the enterprise's node path), one the reports on time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from campaigns.models import Campaign, ReportVersion, Target, UnitReport
from campaigns.scope import targets_visible_to
from safetyops.core import records
from safetyops.core.pagination import KeptKeysPaginator
from safetyops.orgs.models import Node
from safetyops.orgs.scope import scope_for

HAZARD_KEYS = ("hazards_found", "hazards_closed", "hazards_overdue", "rectification_rate")


@dataclass
class Part:
    """The figures of the whole, or of one child node."""

    name: str
    node_id: int | None
    targets: int = 0
    inspected: int = 0
    hazards: dict[str, Any] = field(default_factory=dict)
    reports_due: int = 0  # unit reports of tasks past their deadline
    reports_on_time: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return _percent(self.reports_on_time, self.reports_due) if self.reports_due else None

    @property
    def coverage(self) -> Decimal:
        return _percent(self.inspected, self.targets)

    @property
    def not_inspected(self) -> int:
        return self.targets - self.inspected


@dataclass
class Progress:
    campaign: Campaign
    start: date
    end: date
    whole: Part
    ranking: list[Part]

    @property
    def reports_ranked(self) -> bool:
        """Whether any ranked node had reports due (a township's villages have none)."""
        return any(part.reports_due for part in self.ranking)

    @property
    def coverage_met(self) -> bool:
        return self.whole.coverage >= self.campaign.goal_coverage

    @property
    def rectification_met(self) -> bool:
        return Decimal(self.whole.hazards.get("rectification_rate", 0)) >= self.campaign.goal_rectification


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1")) if whole else Decimal("0")


def period_of(campaign: Campaign, today: date | None = None) -> tuple[date, date]:
    """The campaign's period up to today (a running campaign is counted so far)."""
    today = today or timezone.localdate()
    return campaign.starts_on, max(campaign.starts_on, min(campaign.ends_on, today))


def current_targets(user: Any, campaign: Campaign) -> Any:
    return targets_visible_to(user, campaign).filter(removed_at__isnull=True)


def _ranked_level(user: Any, campaign: Campaign) -> Node:
    """Whose children are ranked: the campaign's node for its organiser's side, else the user's node."""
    scope = scope_for(user)
    if scope.everything or scope.node_path is None or campaign.node.path.startswith(scope.node_path):
        return campaign.node
    return Node.objects.get(path=scope.node_path)


def campaign_progress(
    *, user: Any, campaign: Campaign, today: date | None = None, whole_only: bool = False
) -> Progress:
    """The progress the user sees; `whole_only` (a list or detail page) leaves out the ranking's
    hazard figures (its coverage stays: it comes from the same grouped query)."""
    start, end = period_of(campaign, today)
    targets = current_targets(user, campaign)
    counted = (
        targets.annotate(done=records.inspected("enterprise_id", start, end))
        .values("node__path")
        .annotate(total=Count("pk"), inspected=Count("pk", filter=Q(done=True)))
    )
    parent = _ranked_level(user, campaign)
    children = list(Node.objects.filter(parent=parent).order_by("code").values("pk", "path", "name"))
    whole = Part(name=parent.name, node_id=parent.pk)
    parts = {child["path"]: Part(name=child["name"], node_id=child["pk"]) for child in children}
    for row in counted:
        path = row["node__path"]
        whole.targets += row["total"]
        whole.inspected += row["inspected"]
        child = next((p for p in parts if path.startswith(p)), None)
        if child is not None:
            parts[child].targets += row["total"]
            parts[child].inspected += row["inspected"]
    whole.hazards = records.compute(HAZARD_KEYS, enterprises=targets.values("enterprise_id"), start=start, end=end)
    ranked = [part for part in parts.values() if part.targets]
    if ranked and not whole_only:
        grouped = records.compute_grouped(
            HAZARD_KEYS,
            enterprises=targets.values("enterprise_id"),
            start=start,
            end=end,
            group=lambda prefix: _child_of(prefix, [p for p, part in parts.items() if part.targets]),
        )
        for path, part in parts.items():
            if part.targets:
                part.hazards = grouped.get(path) or _zeros(HAZARD_KEYS)
    if not whole_only:
        _reports_on_time(campaign, parts, today)
    ranked.sort(key=lambda p: (-p.coverage, -Decimal(p.hazards.get("rectification_rate", 0)), p.name))
    return Progress(campaign=campaign, start=start, end=end, whole=whole, ranking=ranked)


def _zeros(keys: tuple[str, ...]) -> dict[str, Any]:
    """The figures of a group without records: every count 0 (a rate as a decimal)."""
    return {key: Decimal("0") if (f := records.figure(key)) and f.decimal else 0 for key in keys}


def _child_of(prefix: str, paths: list[str]) -> Case:
    """The ranked child node (its path) a record's enterprise lies in, for one grouped query."""
    return Case(
        *(When(**{f"{prefix}node__path__startswith": path}, then=Value(path)) for path in paths),
        default=Value(""),
        output_field=CharField(),
    )


def _reports_on_time(campaign: Campaign, parts: dict[str, Part], today: date | None) -> None:
    """Each ranked node's unit reports of tasks already due: how many, and how many came in on time
    (a first version before the deadline). One query."""
    today = today or timezone.localdate()
    first_on_time = ReportVersion.objects.filter(report=OuterRef("pk"), number=1, late=False)
    rows = (
        UnitReport.objects.filter(task__campaign=campaign, task__deadline__lt=today)
        .annotate(first_on_time=Exists(first_on_time))
        .values("area__path")
        .annotate(due=Count("pk"), punctual=Count("pk", filter=Q(first_on_time=True)))
    )
    for row in rows:
        child = next((p for p in parts if row["area__path"].startswith(p)), None)
        if child is not None:
            parts[child].reports_due += row["due"]
            parts[child].reports_on_time += row["punctual"]


def daily_progress(*, user: Any, campaign: Campaign, today: date | None = None) -> list[tuple[date, int]]:
    """The targets the user sees, inspected so far, day by day over the period (cumulative): one
    aggregate query over the period's inspections (each target counted on its first one's day)."""
    start, end = period_of(campaign, today)
    firsts = records.first_inspections(current_targets(user, campaign).values("enterprise_id"), start, end)
    per_day = Counter(timezone.localdate(at) for at in firsts)
    out, total, day = [], 0, start
    while day <= end:
        total += per_day.get(day, 0)
        out.append((day, total))
        day += timedelta(days=1)
    return out


@dataclass
class Snapshot:
    """What the progress page shows, counted at `counted_at` (a county's or a city's view at most
    once every CACHE_SECONDS, shared by everyone who sees the same part)."""

    progress: Progress
    daily: list[tuple[date, int]]
    counted_at: datetime
    shared: bool


T = TypeVar("T")
# A county's or a city's view is counted at most once every CACHE_SECONDS; a township's on every view.
SHARED_LEVELS = frozenset({Node.Level.CITY, Node.Level.COUNTY})
CACHE_SECONDS = 60


def shared_for_large_parts(user: Any, key: str, compute: Callable[[], T]) -> tuple[T, bool]:
    """`compute()` for a township and below; for a county's or a city's view (tens of thousands of
    targets) the value counted within the last CACHE_SECONDS for the same scope under `key`, and
    whether it is shared."""
    scope = scope_for(user)
    if not (scope.everything or scope.node_level in SHARED_LEVELS):
        return compute(), False
    full_key = f"campaigns:{key}:{scope.cache_key}"
    value: T | None = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, CACHE_SECONDS)
    return value, True


def progress_snapshot(*, user: Any, campaign: Campaign, today: date | None = None) -> Snapshot:
    """campaign_progress and daily_progress for the page: a county's or a city's view is cached for
    CACHE_SECONDS per campaign, scope and day; a township's part is small and counted fresh on every
    view, so its own inspection shows at once."""
    day = today or timezone.localdate()

    def count() -> Snapshot:
        return Snapshot(
            campaign_progress(user=user, campaign=campaign, today=day),
            daily_progress(user=user, campaign=campaign, today=day),
            timezone.now(),
            shared=False,
        )

    snapshot, shared = shared_for_large_parts(user, f"progress:{campaign.pk}:{campaign.status}:{day}", count)
    snapshot.progress.campaign, snapshot.shared = campaign, shared
    return snapshot


def targets_not_inspected(*, user: Any, campaign: Campaign, today: date | None = None) -> Any:
    """The current targets the user sees that no inspection of the period has reached yet."""
    start, end = period_of(campaign, today)
    return (
        current_targets(user, campaign)
        .annotate(done=records.inspected("enterprise_id", start, end))
        .filter(done=False)
        .select_related("enterprise", "node")
        .order_by("node__path", "enterprise__name", "pk")
    )


def not_inspected_pages(*, user: Any, campaign: Campaign, snapshot: Snapshot, per_page: int) -> Paginator:
    """targets_not_inspected, paged. With a shared snapshot (a county's or a city's view) the count
    is the snapshot's and each page is sorted once per snapshot, so as of the same minute, its
    targets read by id on every view; a township's part is counted and sorted on every view."""
    key = None
    if snapshot.shared:
        key = f"campaigns:not-inspected:{campaign.pk}:{scope_for(user).cache_key}:{snapshot.counted_at.isoformat()}"
    return KeptKeysPaginator(
        targets_not_inspected(user=user, campaign=campaign),
        per_page,
        count=snapshot.progress.whole.not_inspected if snapshot.shared else None,
        key=key,
        timeout=CACHE_SECONDS,
        rows=current_targets(user, campaign).select_related("enterprise", "node"),
    )


def coverage_counts(
    targets: QuerySet[Target], campaigns: Iterable[Campaign], *, until: date | None = None
) -> dict[int, tuple[int, int]]:
    """{campaign id: (targets, of them inspected)} for the `targets` rows of several campaigns, each
    counted over its own period up to `until` (today): one grouped query, whatever their number."""
    probes = [Q(campaign_id=c.pk) & Q(records.inspected("enterprise_id", *period_of(c, until))) for c in campaigns]
    if not probes:
        return {}
    rows = (
        targets.filter(campaign__in=[c.pk for c in campaigns])
        .values("campaign_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=reduce(or_, probes)))
        .order_by()
    )
    return {row["campaign_id"]: (row["total"], row["done"]) for row in rows}


def page_coverage(user: Any, campaigns: list[Campaign]) -> dict[int, Part]:
    """The coverage of the user's part of each of `campaigns` (a list page): one grouped query, a
    county's or a city's view counted at most once a minute."""
    if not campaigns:
        return {}
    today = timezone.localdate()
    current = targets_visible_to(user).filter(removed_at__isnull=True)
    counts, _shared = shared_for_large_parts(
        user,
        f"list:{','.join(str(c.pk) for c in campaigns)}:{today}",
        lambda: coverage_counts(current, campaigns, until=today),
    )
    out = {}
    for campaign in campaigns:
        targets, inspected = counts.get(campaign.pk, (0, 0))
        out[campaign.pk] = Part(name=campaign.name, node_id=campaign.node_id, targets=targets, inspected=inspected)
    return out


def whole_coverage(campaign: Campaign, *, today: date | None = None) -> tuple[int, int]:
    """(current targets, inspected within the period) of the whole campaign: one query."""
    current = Target.objects.filter(removed_at__isnull=True)
    return coverage_counts(current, [campaign], until=today).get(campaign.pk, (0, 0))
