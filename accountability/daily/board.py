"""The officials' board of a day and an enterprise's 30-day history.

The board is one queryset over the enterprises the user sees that publish daily: each row joined to
its pledge of the day (LEFT JOIN on the unique (enterprise, date)), its open and confirmed flags
counted in subqueries, its state worked out in SQL. Counting the states is one grouped query and a
page of rows one more, whatever the number of enterprises.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.daily.coverage import coverage, due_at
from accountability.models import DailyPledge, PledgeFlag
from accountability.scope import daily_pledges_visible_to
from safetyops.orgs.models import Enterprise
from safetyops.orgs.scope import enterprises_visible_to

HISTORY_DAYS = 30


class State:
    ON_TIME = "on_time"
    LATE = "late"
    PENDING = "pending"
    MISSING = "missing"
    NOT_DUE = "not_due"  # a day the history shows before the enterprise had to publish (none yet)


STATE_LABELS = {
    State.ON_TIME: _("已公告"),
    State.LATE: _("迟报"),
    State.PENDING: _("待公告"),
    State.MISSING: _("未公告"),
}
STATE_BADGES = {
    State.ON_TIME: "text-bg-success",
    State.LATE: "text-bg-warning",
    State.PENDING: "text-bg-secondary",
    State.MISSING: "text-bg-danger",
}
BOARD_STATES = (State.MISSING, State.LATE, State.PENDING, State.ON_TIME)  # the board's order, worst first


def day_state(
    *, published: bool, late: bool, day: datetime.date, due: datetime.datetime, now: datetime.datetime
) -> str:
    if published:
        return State.LATE if late else State.ON_TIME
    if day == timezone.localdate(now) and now < due:
        return State.PENDING
    return State.MISSING


def _count(qs: QuerySet[Any]) -> Subquery:
    return Subquery(
        qs.order_by().values("pledge__enterprise").annotate(n=Count("pk")).values("n"), output_field=IntegerField()
    )


def _states(user: Any, day: datetime.date, now: datetime.datetime | None) -> QuerySet[Enterprise]:
    """The enterprises in the user's scope that publish daily, with their `open_flags` and `state` of `day`."""
    now = now or timezone.now()
    rules = coverage()
    if day == timezone.localdate(now):
        pending = When(due_time__gt=Value(timezone.localtime(now).time()), then=Value(State.PENDING))
    else:
        pending = When(pk__in=[], then=Value(State.PENDING))
    return (
        enterprises_visible_to(user)
        .filter(rules.enterprise_q())
        .alias(day_pledge=FilteredRelation("daily_pledges", condition=Q(daily_pledges__date=day)))
        .annotate(
            due_time=rules.due_time_expression(),
            open_flags=Coalesce(_count(_flags(day).filter(status=PledgeFlag.Status.OPEN)), 0),
            state=Case(
                When(day_pledge__pk__isnull=False, day_pledge__late=True, then=Value(State.LATE)),
                When(day_pledge__pk__isnull=False, then=Value(State.ON_TIME)),
                pending,
                default=Value(State.MISSING),
                output_field=CharField(),
            ),
        )
    )


def _flags(day: datetime.date) -> QuerySet[PledgeFlag]:
    return PledgeFlag.objects.filter(pledge__enterprise=OuterRef("pk"), pledge__date=day)


def board_rows(user: Any, day: datetime.date, *, now: datetime.datetime | None = None) -> QuerySet[Enterprise]:
    """The enterprises in the user's scope that publish daily, each with its pledge of `day`
    (pledge_id, published_at, late, …), its open flags, and `state`."""
    return (
        _states(user, day, now)
        .annotate(
            pledge_id=F("day_pledge__pk"),
            published_at=F("day_pledge__published_at"),
            pledge_late=F("day_pledge__late"),
            pledger_name=F("day_pledge__pledger_name"),
            units_total=F("day_pledge__units_total"),
            units_running=F("day_pledge__units_running"),
            hot_work=F("day_pledge__hot_work_special") + F("day_pledge__hot_work_1") + F("day_pledge__hot_work_2"),
            confined_space=F("day_pledge__confined_space"),
            major_controlled=F("day_pledge__major_sources_controlled"),
            confirmed_flags=Coalesce(_count(_flags(day).filter(status=PledgeFlag.Status.CONFIRMED)), 0),
            state_rank=Case(
                *[When(state=state, then=Value(n)) for n, state in enumerate(BOARD_STATES)],
                output_field=IntegerField(),
            ),
        )
        .select_related("node")
    )


@dataclass
class BoardCounts:
    counts: dict[str, int]  # every state of BOARD_STATES
    total: int
    open_flags: int  # how many enterprises have an open flag


def board_counts(user: Any, day: datetime.date, *, now: datetime.datetime | None = None) -> BoardCounts:
    """How many enterprises are in each state of `day`, and how many have open flags: one grouped
    query over only what the counts need (the dashboard's card builds no rows)."""
    grouped = (
        _states(user, day, now)
        .order_by()
        .values("state")  # type: ignore[misc]  # annotations django-stubs cannot see
        .annotate(n=Count("pk"), flags=Coalesce(Count("pk", filter=Q(open_flags__gt=0)), 0))
    )
    counts = dict.fromkeys(BOARD_STATES, 0)
    open_flags = 0
    for row in grouped:
        counts[row["state"]] = row["n"]
        open_flags += row["flags"]
    return BoardCounts(counts=counts, total=sum(counts.values()), open_flags=open_flags)


@dataclass
class Board:
    day: datetime.date
    counts: dict[str, int]
    total: int
    open_flags: int
    rows: QuerySet[Enterprise]
    shown: int | None = None  # how many rows, when the counts tell (no name searched)


def board(user: Any, day: datetime.date, *, state: str = "", query: str = "") -> Board:
    """The counts of every state (one grouped query) and the rows filtered by `state` and name."""
    now = timezone.now()  # one moment for the counts and the rows
    figures = board_counts(user, day, now=now)
    counts, total, open_flags = figures.counts, figures.total, figures.open_flags
    shown = board_rows(user, day, now=now)
    n: int | None = counts.get(state, total)
    if state in counts:
        shown = shown.filter(state=state)  # type: ignore[misc]
    if query.strip():
        shown, n = shown.filter(name__icontains=query.strip()), None
    shown = shown.order_by("-open_flags", "state_rank", "node__path", "name", "pk")  # type: ignore[misc]
    return Board(day=day, counts=counts, total=total, open_flags=open_flags, rows=shown, shown=n)


@dataclass
class HistoryDay:
    day: datetime.date
    state: str
    pledge: DailyPledge | None
    open_flags: int
    confirmed_flags: int

    @property
    def label(self) -> str:
        return str(STATE_LABELS.get(self.state, "—"))

    @property
    def badge(self) -> str:
        return STATE_BADGES.get(self.state, "text-bg-light")


def is_covered(enterprise: Enterprise) -> bool:
    return coverage().covers(enterprise, set(enterprise.sectors.values_list("pk", flat=True)))


def history(user: Any, enterprise: Enterprise, *, days: int = HISTORY_DAYS) -> list[HistoryDay]:
    """The last `days` days of the enterprise, today first: two queries."""
    now = timezone.now()
    today = timezone.localdate(now)
    first = today - datetime.timedelta(days=days - 1)
    due_time = coverage().due_time_for(enterprise.node.path)
    pledges = {
        p.date: p
        for p in daily_pledges_visible_to(user)
        .filter(enterprise=enterprise, date__gte=first, date__lte=today)
        .annotate(
            open_flags=Count("flags", filter=Q(flags__status=PledgeFlag.Status.OPEN)),
            confirmed_flags=Count("flags", filter=Q(flags__status=PledgeFlag.Status.CONFIRMED)),
        )
    }
    out = []
    for n in range(days):
        day = today - datetime.timedelta(days=n)
        pledge = pledges.get(day)
        state = day_state(
            published=pledge is not None, late=bool(pledge and pledge.late), day=day, due=due_at(day, due_time), now=now
        )
        out.append(
            HistoryDay(
                day=day,
                state=state,
                pledge=pledge,
                open_flags=getattr(pledge, "open_flags", 0),
                confirmed_flags=getattr(pledge, "confirmed_flags", 0),
            )
        )
    return out
