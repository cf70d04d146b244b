"""Reminders of a missing 公告: the enterprise's users at the due hour, the township officials an
hour later, each once per enterprise and day; nothing before, nothing for one that published."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accountability.daily.notices import run_daily_scan
from safetyops.notify.models import Reminder
from safetyops.notify.rules import registered_rules
from tests.accountability.daily_factories import publish
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(hour: int, minute: int) -> Any:
    return time_machine.travel(datetime(2026, 12, 3, hour, minute, tzinfo=SHANGHAI), tick=False)


def sent(reason: str) -> list[tuple[str, int]]:
    return sorted(Reminder.objects.filter(reason=reason).values_list("target_id", "recipient_id"))


def test_the_rules_are_registered_with_notify() -> None:
    reasons = {rule.reason for rule in registered_rules()}
    assert {"daily_pledge_missing", "daily_pledge_missing_official", "daily_pledge_flag"} <= reasons


def test_the_enterprise_then_the_township_hear_once(world: World) -> None:
    with at(9, 59):
        assert run_daily_scan()["daily_pledge_missing"] == 0
    with at(10, 0):
        assert run_daily_scan()["daily_pledge_missing"] == 1
        assert sent("daily_pledge_missing") == [(str(world.ent_a.pk), world.enterprise_a.pk)]
        assert sent("daily_pledge_missing_official") == []
    with at(10, 45):
        counts = run_daily_scan()
        assert counts["daily_pledge_missing"] == 0 and counts["daily_pledge_missing_official"] == 0
    with at(11, 0):
        assert run_daily_scan()["daily_pledge_missing_official"] == 1
        assert sent("daily_pledge_missing_official") == [(str(world.ent_a.pk), world.official_a.pk)]
    with at(15, 0):
        counts = run_daily_scan()
        assert counts["daily_pledge_missing"] == 0 and counts["daily_pledge_missing_official"] == 0
    assert Reminder.objects.filter(reason__startswith="daily_pledge_missing").count() == 2


def test_an_enterprise_that_published_hears_nothing(world: World) -> None:
    with at(9, 0):
        publish(world)
    with at(12, 0):
        counts = run_daily_scan()
    assert counts["daily_pledge_missing"] == 0 and counts["daily_pledge_missing_official"] == 0


def test_a_scan_for_another_day_sends_nothing(world: World) -> None:
    with at(12, 0):
        counts = run_daily_scan(today=datetime(2026, 12, 2).date())
    assert counts["daily_pledge_missing"] == 0 and counts["daily_pledge_missing_official"] == 0


def test_the_beat_task_is_scheduled() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["daily-pledge-scan"]
    assert entry["task"] == "accountability.daily_pledge_scan" and entry["schedule"] <= 30 * 60
