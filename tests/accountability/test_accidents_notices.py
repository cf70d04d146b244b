"""Who hears of accidents: at once (迟报 to the county and the township; 较大-or-worse to the
county), exactly once; daily: the revision window closing, 四不放过 overdue, the reply overdue."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accountability.accidents import notices, services
from safetyops.notify.models import Reminder
from safetyops.notify.rules import registered_rules
from safetyops.notify.services import reminders_scan
from safetyops.orgs.models import Role
from tests.accountability.accident_factories import draft_fields, registered_accident
from tests.conftest import World
from tests.orgs.factories import make_user

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _told(reason: str) -> set[int]:
    return set(Reminder.objects.filter(reason=reason).values_list("recipient_id", flat=True))


def _late(world: World) -> Any:
    occurred = timezone.now() - datetime.timedelta(hours=4)
    return registered_accident(world, occurred_at=occurred, reported_at=occurred + datetime.timedelta(minutes=95))


def test_the_rules_are_registered() -> None:
    reasons = {rule.reason for rule in registered_rules()}
    assert set(notices.DAILY_REASONS) <= reasons


def test_a_late_accident_tells_county_and_township_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        accident = _late(world)
    assert _told("accident_late") == {world.county_admin.pk, world.official_a.pk}
    assert Reminder.objects.filter(reason="accident_late").count() == 2
    # Told again (a retried task, a second commit hook): nobody hears twice.
    assert notices.tell_accident_registered(accident.pk) == 0
    assert Reminder.objects.filter(reason="accident_late").count() == 2
    assert not _told("accident_serious")  # 一般事故


def test_an_accident_in_time_tells_nobody(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registered_accident(world)
    assert not Reminder.objects.filter(reason__startswith="accident_").exists()


def test_a_larger_accident_tells_the_county_admins(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registered_accident(world, direct_loss=Decimal("1000"))
    assert _told("accident_serious") == {world.county_admin.pk}


def test_a_revision_to_larger_tells_the_county_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    accident = registered_accident(world, deaths=1)
    figures = {"serious_injuries": 0, "minor_injuries": 0, "missing": 0, "direct_loss": "50"}
    with django_capture_on_commit_callbacks(execute=True):
        services.accident_revise(actor=world.official_a, accident=accident, deaths=3, **figures)
    with django_capture_on_commit_callbacks(execute=True):
        services.accident_revise(actor=world.official_a, accident=accident, deaths=12, **figures)
    assert Reminder.objects.filter(reason="accident_serious").count() == 1


def test_the_drafting_alone_tells_nobody(world: World, django_capture_on_commit_callbacks: Any) -> None:
    occurred = timezone.now() - datetime.timedelta(hours=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.accident_draft_save(
            actor=world.official_a,
            **draft_fields(world, occurred_at=occurred, reported_at=occurred + datetime.timedelta(hours=2)),
        )
    assert not Reminder.objects.exists()


def _scan(day: datetime.date) -> dict[str, int]:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(8), SHANGHAI), tick=False):
        return reminders_scan(today=day)


def test_the_revision_window_closing_tells_the_registering_node(world: World) -> None:
    occurred = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(occurred + datetime.timedelta(hours=1), tick=False):
        registered_accident(
            world,
            occurred_at=occurred,
            reported_at=occurred + datetime.timedelta(minutes=10),
            category="road",
            enterprise=None,
            node=world.town_a,
        )
    assert _scan(datetime.date(2026, 3, 6)).get("accident_revision_window", 0) == 0
    assert _scan(datetime.date(2026, 3, 7)).get("accident_revision_window", 0) == 1  # 7 days end on 8 March
    assert _told("accident_revision_window") == {world.official_a.pk}
    assert _scan(datetime.date(2026, 3, 8)).get("accident_revision_window", 0) == 0


def test_overdue_follow_ups_tell_the_county_daily_while_open(world: World) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=SHANGHAI), tick=False):
        accident = registered_accident(
            world,
            occurred_at=datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI),
            reported_at=datetime.datetime(2026, 3, 1, 9, 30, tzinfo=SHANGHAI),
        )
    item = accident.follow_ups.order_by("pk").first()
    due = item.due_on
    assert _scan(due).get("accident_follow_up_overdue", 0) == 0
    assert _scan(due + datetime.timedelta(days=1))["accident_follow_up_overdue"] == 4
    assert _scan(due + datetime.timedelta(days=2))["accident_follow_up_overdue"] == 4
    assert _told("accident_follow_up_overdue") == {world.county_admin.pk}


@pytest.mark.parametrize("extra_admin", [False, True])
def test_the_reply_overdue_tells_the_county_admins(world: World, extra_admin: bool) -> None:
    admins = {world.county_admin.pk}
    if extra_admin:
        admins.add(make_user(Role.COUNTY_ADMIN, node=world.county, username="county_admin_2").pk)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=SHANGHAI), tick=False):
        accident = registered_accident(
            world,
            occurred_at=datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI),
            reported_at=datetime.datetime(2026, 3, 1, 9, 30, tzinfo=SHANGHAI),
        )
        day = datetime.date(2026, 3, 1)
        services.accident_investigation_start(actor=world.county_admin, accident=accident, group="组", started_on=day)
        from tests.inspections.conftest import pdf

        services.accident_report_submit(actor=world.county_admin, accident=accident, report=pdf(), submitted_on=day)
    assert _scan(datetime.date(2026, 3, 16)).get("accident_reply_overdue", 0) == 0
    assert _scan(datetime.date(2026, 3, 17))["accident_reply_overdue"] == len(admins)
    assert _told("accident_reply_overdue") == admins
