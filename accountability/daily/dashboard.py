"""What the daily 承诺公告 contributes to the dashboard: for the offices, today's published / late /
missing in their scope and the open 承诺不实 flags (the board's grouped count alone: one query plus the
coverage); for a covered enterprise's users, 今日承诺 with the publish button. Registered in
AccountabilityConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils import timezone

from accountability.daily.board import BOARD_STATES, STATE_BADGES, STATE_LABELS, State, board_counts, day_state
from accountability.daily.coverage import coverage, due_at
from accountability.scope import daily_pledges_visible_to
from safetyops.core.contrib import register_dashboard_card
from safetyops.orgs.models import Node

# A county's or city's counts are shared by its offices for a minute (the rule the campaign and
# letter cards follow): the board's grouped count over thousands of enterprises runs once a minute.
SHARED_LEVELS = (Node.Level.CITY, Node.Level.COUNTY)
CACHE_SECONDS = 60


def _offices(page: Any) -> dict[str, Any] | None:
    if page.scope.enterprise_id is not None or page.scope.empty:
        return None
    today = timezone.localdate()
    scope = page.scope
    key = f"accountability:daily-card:{today}:{scope.cache_key}"
    shared = scope.everything or scope.node_level in SHARED_LEVELS
    if shared and (cached := cache.get(key)) is not None:
        return cached or None
    result = board_counts(page.request.user, today)
    figures = (
        {
            "day": today,
            "total": result.total,
            "states": [(s, str(STATE_LABELS[s]), STATE_BADGES[s], result.counts[s]) for s in BOARD_STATES],
            "open_flags": result.open_flags,
        }
        if result.total
        else {}
    )
    if shared:
        cache.set(key, figures, CACHE_SECONDS)
    return figures or None


def _enterprise(page: Any) -> dict[str, Any] | None:
    enterprise = page.enterprise
    if enterprise is None:
        return None
    rules = coverage()
    if not rules.covers(enterprise, set(enterprise.sectors.values_list("pk", flat=True))):
        return None
    now = timezone.now()
    today = timezone.localdate(now)
    due = due_at(today, rules.due_time_for(enterprise.node.path))
    pledge = daily_pledges_visible_to(page.request.user).filter(enterprise=enterprise, date=today).first()
    state = day_state(published=pledge is not None, late=bool(pledge and pledge.late), day=today, due=due, now=now)
    return {
        "pledge": pledge,
        "due": due,
        "state": state,
        "label": STATE_LABELS[state],
        "badge": STATE_BADGES[state],
        "missing": state == State.MISSING,
        "enterprise": enterprise,
    }


def register() -> None:
    register_dashboard_card(
        "daily_pledges", order=35, template="accountability/daily/dashboard_offices.html", context=_offices
    )
    register_dashboard_card(
        "daily_pledge_today",
        order=5,
        template="accountability/daily/dashboard_enterprise.html",
        context=_enterprise,
        page="enterprise",
    )
