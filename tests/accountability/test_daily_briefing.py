"""The briefing's part 危化企业每日安全风险研判与承诺公告 in section 责任落实情况: the month's on-time
rate, late and missing days and confirmed 承诺不实 per child node."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accountability.daily.briefing import daily_pledge_figures
from accountability.models import DailyPledge, PledgeFlag
from safetyops.briefings.services import briefing_html
from tests.accountability.daily_factories import hazard, publish
from tests.briefings.conftest import request_briefing
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _publish_on(world: World, day: date, hour: int) -> DailyPledge:
    with time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI), tick=False):
        return publish(world)


def test_the_month_per_township(world: World) -> None:
    november = [date(2026, 11, d) for d in range(1, 31)]
    for day in november[:20]:
        _publish_on(world, day, 9)  # on time
    for day in november[20:25]:
        _publish_on(world, day, 11)  # late
    flagged = DailyPledge.objects.get(date=date(2026, 11, 3))
    with time_machine.travel(datetime(2026, 11, 3, 15, 0, tzinfo=SHANGHAI), tick=False):
        found = hazard(world, description="动火作业无票")
    PledgeFlag.objects.create(pledge=flagged, rule=PledgeFlag.Rule.HOT_WORK, hazard=found, status="confirmed")
    with time_machine.travel(datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        figures = daily_pledge_figures(world.county, date(2026, 11, 1), date(2026, 11, 30))["daily_pledges"]
    assert figures["days"] == 30
    (row,) = figures["rows"]  # town A only: town B has no chemical plant
    assert row == {
        "name": "东城镇",
        "enterprises": 1,
        "expected": 30,
        "on_time": 20,
        "late": 5,
        "missing": 5,
        "rate": 66.7,  # pct rounds to one decimal
        "confirmed": 1,
    }


def test_the_part_is_printed_in_section_accountability(world: World) -> None:
    _publish_on(world, date(2026, 11, 2), 9)
    with time_machine.travel(datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        briefing = request_briefing(
            world.county_admin, world.county, date(2026, 11, 1), date(2026, 11, 30), today=date(2026, 12, 5)
        )
        html = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=date(2026, 12, 5))
    text = re.sub(r"<[^>]+>|\s+", "", html)
    assert "危化企业每日安全风险研判与承诺公告" in text
    assert "应公告企业1家，应公告30家次，按时公告1家次" in text and "未公告29家次" in text


def test_a_period_that_has_not_ended_counts_the_days_so_far(world: World) -> None:
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        figures = daily_pledge_figures(world.county, date(2026, 12, 1), date(2026, 12, 31))["daily_pledges"]
    assert figures["days"] == 3 and figures["rows"][0]["expected"] == 3
