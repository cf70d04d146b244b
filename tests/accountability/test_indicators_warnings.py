"""Warnings at 80% and 100% of a control indicator: at once when an accident changes, exactly once
per (node, year, indicator, threshold), to the node's officials and leaders and the county admins;
the nodes above hear of their own indicators; the daily rule catches what was missed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from accountability.accidents.signals import accident_changed
from accountability.indicators import warnings
from accountability.models import Accident
from safetyops.notify.models import Notification, Reminder
from safetyops.notify.services import reminders_scan
from tests.accountability.accident_factories import accident_row
from tests.accountability.indicator_helpers import YEAR, at, limit
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _changed(accident: Accident, capture: Any) -> None:
    with capture(execute=True):
        accident_changed.send(sender=Accident, accident_id=accident.pk)


def _told(reason: str, node: Any, key: str = "industrial_deaths") -> set[int]:
    return set(
        Reminder.objects.filter(reason=reason, target_id=f"{node.pk}:{key}").values_list("recipient_id", flat=True)
    )


def test_80_then_100_each_told_once_and_the_county_hears_of_its_own(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    limit(world.town_a, "industrial_deaths", 5)
    limit(world.county, "industrial_deaths", 10)
    town_people = {world.official_a.pk, world.leader_a.pk, world.county_admin.pk}

    first = accident_row(world.village_a, at(YEAR, 3, 1, 9), deaths=4)
    _changed(first, django_capture_on_commit_callbacks)
    assert _told(warnings.WARNING_REASON, world.town_a) == town_people
    assert not _told(warnings.WARNING_REASON, world.county)  # 4/10: 40%
    reminder = Reminder.objects.get(reason=warnings.WARNING_REASON, recipient=world.official_a)
    assert reminder.body == "东城镇工矿商贸生产安全事故死亡人数已达全年控制指标的80%（4/5人）"
    assert reminder.day == datetime.date(YEAR, 1, 1) and reminder.node_id == world.town_a.pk
    assert Notification.objects.filter(user=world.leader_a, body=reminder.body).exists()  # delivered

    _changed(first, django_capture_on_commit_callbacks)  # the same event again: nothing new
    assert Reminder.objects.count() == 3

    second = accident_row(world.town_a, at(YEAR, 4, 1, 9), deaths=1)
    _changed(second, django_capture_on_commit_callbacks)
    assert _told(warnings.REACHED_REASON, world.town_a) == town_people
    assert Reminder.objects.get(reason=warnings.REACHED_REASON, recipient=world.leader_a).body == (
        "东城镇工矿商贸生产安全事故死亡人数已达全年控制指标的100%（5/5人）"
    )
    assert Reminder.objects.filter(reason=warnings.WARNING_REASON).count() == 3  # 80% not told again

    third = accident_row(world.town_b, at(YEAR, 5, 1, 9), deaths=3)  # the county: 8/10
    _changed(third, django_capture_on_commit_callbacks)
    assert _told(warnings.WARNING_REASON, world.county) == {world.county_admin.pk, world.leader_county.pk}
    assert world.official_b.pk not in _told(warnings.WARNING_REASON, world.county)
    _changed(third, django_capture_on_commit_callbacks)
    _changed(second, django_capture_on_commit_callbacks)
    assert Reminder.objects.count() == 3 + 3 + 2


def test_a_jump_past_the_limit_tells_100_only_and_a_lower_revision_tells_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    limit(world.town_a, "major_accidents", 0)
    accident = accident_row(world.town_a, at(YEAR, 6, 1, 9), deaths=3)  # 较大
    _changed(accident, django_capture_on_commit_callbacks)
    told = Reminder.objects.filter(target_id=f"{world.town_a.pk}:major_accidents")
    assert set(told.values_list("reason", flat=True)) == {warnings.REACHED_REASON}
    assert told.first().body == "东城镇较大及以上生产安全事故起数已突破全年控制指标（1/0起）"  # type: ignore[union-attr]
    limit(world.town_a, "industrial_deaths", 4)
    Accident.objects.filter(pk=accident.pk).update(deaths=4, level="larger")  # 4/4 → 100%
    _changed(accident, django_capture_on_commit_callbacks)
    Accident.objects.filter(pk=accident.pk).update(deaths=3)  # revised down: 75%
    _changed(accident, django_capture_on_commit_callbacks)
    Accident.objects.filter(pk=accident.pk).update(deaths=4)
    _changed(accident, django_capture_on_commit_callbacks)
    assert set(_told(warnings.WARNING_REASON, world.town_a)) == set()
    assert len(_told(warnings.REACHED_REASON, world.town_a)) == 3


def test_the_daily_rule_catches_a_missed_threshold_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    accident_row(world.village_a, at(YEAR, 3, 1, 9), deaths=2)  # no signal sent: the task was lost
    limit(world.village_a, "industrial_deaths", 2)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_scan(today=datetime.date(YEAR, 3, 2))
    # 东村 has no people of its own: the county admin hears
    assert _told(warnings.REACHED_REASON, world.village_a) == {world.county_admin.pk}
    with django_capture_on_commit_callbacks(execute=True):
        reminders_scan(today=datetime.date(YEAR, 3, 3))
        accident_changed.send(sender=Accident, accident_id=Accident.objects.get().pk)
    assert Reminder.objects.filter(reason=warnings.REACHED_REASON).count() == 1


def test_a_lowered_limit_warns_after_it_is_saved(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from accountability.indicators.services import indicator_limits_set

    accident_row(world.town_b, at(YEAR, 3, 1, 9), deaths=4)
    with django_capture_on_commit_callbacks(execute=True):
        indicator_limits_set(actor=world.county_admin, node=world.town_b, year=YEAR, values={"industrial_deaths": "5"})
    assert _told(warnings.WARNING_REASON, world.town_b) == {world.official_b.pk, world.county_admin.pk}
