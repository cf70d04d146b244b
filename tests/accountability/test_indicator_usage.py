"""Control-indicator usage (accountability/indicators/usage.py): limits from the letter or the
county admin, use by category and level, the year counted in Beijing time."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from accountability import services
from accountability.indicators import usage
from accountability.models import Accident, AccidentCategory, IndicatorLimit
from tests.accountability.accident_factories import accident_row
from tests.accountability.factories import county_template

BEIJING = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BEIJING)


def test_an_accident_at_2330_on_31_december_counts_for_that_year(world: Any) -> None:
    IndicatorLimit.objects.create(year=2025, node=world.town_a, key="industrial_deaths", value=4)
    IndicatorLimit.objects.create(year=2026, node=world.town_a, key="industrial_deaths", value=4)
    accident_row(world.village_a, at(2025, 12, 31, 23, 30), deaths=1)  # 15:30 UTC: still 2025 in Beijing
    accident_row(world.village_a, at(2026, 1, 1, 0, 0), deaths=2)
    old = {u.key: u for u in usage.usage_for([world.town_a], 2025)[world.town_a.pk]}["industrial_deaths"]
    new = {u.key: u for u in usage.usage_for([world.town_a], 2026)[world.town_a.pk]}["industrial_deaths"]
    assert (old.used, old.percent_shown, old.state) == (1, "25%", "ok")
    assert (new.used, new.percent_shown, new.limit, new.source) == (2, "50%", 4, "set")


def test_the_letter_gives_the_limit_and_the_admin_fills_the_rest(world: Any) -> None:
    template = county_template(world, items=[{"key": "industrial_deaths", "value": "5", "weight": "100"}])
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a])
    services.template_issue(actor=world.county_admin, template=template)
    letter = template.letters.get()
    year = letter.template.year
    IndicatorLimit.objects.create(year=year, node=world.town_a, key="industrial_deaths", value=50)  # the letter wins
    IndicatorLimit.objects.create(year=year, node=world.town_a, key="fire_deaths", value=2)
    for deaths in (2, 2):
        accident_row(world.village_a, at(year, 3, 1, 10, 0), deaths=deaths)
    accident_row(world.town_a, at(year, 4, 1, 10, 0), category=AccidentCategory.FIRE, deaths=2)
    accident_row(world.town_b, at(year, 4, 1, 10, 0), category=AccidentCategory.FIRE, deaths=9)  # another township
    accident_row(world.town_a, at(year, 5, 1, 10, 0), deaths=7, status=Accident.Status.DRAFT)  # not registered
    by_key = {u.key: u for u in usage.usage_for([world.town_a], year)[world.town_a.pk]}
    deaths = by_key["industrial_deaths"]
    assert (deaths.used, deaths.limit, deaths.source, deaths.letter_id) == (4, 5, "letter", letter.pk)
    assert (deaths.percent_shown, deaths.threshold, deaths.state) == ("80%", 80, "warning")
    fire = by_key["fire_deaths"]
    assert (fire.used, fire.limit, fire.threshold, fire.state) == (2, 2, 100, "reached")


def test_larger_accidents_count_in_every_category_and_a_zero_limit_is_broken_by_one(world: Any) -> None:
    IndicatorLimit.objects.create(year=2026, node=world.county, key="major_accidents", value=0)
    accident_row(world.town_b, at(2026, 6, 1, 9, 0), category=AccidentCategory.ROAD, deaths=3)  # 较大 by deaths
    accident_row(world.town_a, at(2026, 6, 2, 9, 0), deaths=2)  # 一般
    by_key = {u.key: u for u in usage.usage_for([world.county], 2026)[world.county.pk]}
    major = by_key["major_accidents"]
    assert (major.used, major.percent_shown, major.threshold, major.state) == (1, "已突破", 100, "exceeded")
    assert by_key["road_deaths"].used == 3 and by_key["road_deaths"].limit is None


def test_the_briefing_sentence(world: Any) -> None:
    IndicatorLimit.objects.create(year=2026, node=world.county, key="industrial_deaths", value=11)
    for deaths in (1, 1, 2, 1, 1):
        accident_row(world.town_a, at(2026, 2, 1, 9, 0), deaths=deaths)
    usages = usage.usage_for([world.county], 2026)[world.county.pk]
    rows = usage.accident_rows([world.county], 2026)
    industrial = usage.by_category(rows)[AccidentCategory.INDUSTRIAL]
    assert usage.sentence(industrial, usages) == "工矿商贸事故5起死亡6人，占全年控制指标54%"
