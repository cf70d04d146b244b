"""The day's state around the due hour, in Asia/Shanghai: 待公告 before it, on time up to and at
it, 迟报 after it, 未公告 once it has passed without one; a county's own due hour."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accountability.daily.board import State, board, history
from accountability.daily.services import daily_setting_update
from tests.accountability.daily_factories import publish
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 12, 3)
pytestmark = pytest.mark.django_db


def at(hour: int, minute: int, second: int = 0) -> time_machine.travel:
    return time_machine.travel(datetime.datetime(2026, 12, 3, hour, minute, second, tzinfo=SHANGHAI), tick=False)


def state_of(world: World) -> str:
    row = board(world.county_admin, DAY).rows.get(pk=world.ent_a.pk)
    return str(row.state)  # type: ignore[attr-defined]


def test_before_the_due_hour_it_is_pending_not_missing(world: World) -> None:
    with at(9, 59, 59):
        assert state_of(world) == State.PENDING
        assert board(world.county_admin, DAY).counts[State.PENDING] == 1


def test_at_the_due_hour_without_a_pledge_it_is_missing(world: World) -> None:
    with at(10, 0):
        assert state_of(world) == State.MISSING
    with at(16, 0):
        assert state_of(world) == State.MISSING
        assert history(world.enterprise_a, world.ent_a)[0].state == State.MISSING


def test_published_at_0959_is_on_time(world: World) -> None:
    with at(9, 59):
        assert publish(world).late is False
        assert state_of(world) == State.ON_TIME


def test_published_at_exactly_1000_is_on_time(world: World) -> None:
    with at(10, 0, 0):
        assert publish(world).late is False
        assert state_of(world) == State.ON_TIME


def test_published_at_1001_is_late(world: World) -> None:
    with at(10, 1):
        pledge = publish(world)
        assert pledge.late is True and pledge.due_at == datetime.datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)
        assert state_of(world) == State.LATE
        assert history(world.official_a, world.ent_a)[0].state == State.LATE


def test_a_past_day_without_a_pledge_is_missing(world: World) -> None:
    with at(9, 0):
        rows = board(world.county_admin, DAY - datetime.timedelta(days=1)).rows
        assert rows.get(pk=world.ent_a.pk).state == State.MISSING  # type: ignore[attr-defined]
        days = history(world.enterprise_a, world.ent_a)
        assert days[0].state == State.PENDING and days[1].state == State.MISSING and len(days) == 30


def test_a_county_with_its_own_due_hour(world: World) -> None:
    daily_setting_update(
        actor=world.county_admin,
        node_id=world.county.pk,
        sector_ids=[world.sector_chem.pk],
        due_time=datetime.time(8, 30),
    )
    with at(8, 29):
        assert state_of(world) == State.PENDING
    with at(8, 31):
        assert state_of(world) == State.MISSING
        pledge = publish(world)
        assert pledge.late is True and pledge.due_at == datetime.datetime(2026, 12, 3, 8, 30, tzinfo=SHANGHAI)


def test_a_county_setting_chooses_the_sectors(world: World) -> None:
    daily_setting_update(
        actor=world.county_admin,
        node_id=world.county.pk,
        sector_ids=[world.sector_build.pk],
        due_time=datetime.time(10),
    )
    with at(11, 0):
        rows = board(world.county_admin, DAY).rows
        assert set(rows.values_list("pk", flat=True)) == {world.ent_b.pk, world.ent_a2.pk}
