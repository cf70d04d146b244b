"""The briefing's section 事故情况: the period and the year to date counted in Beijing time, year on
year, by category, the 较大-or-worse accidents, the control indicators at the period's end, the PDF."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.indicators.briefing import accident_figures, year_before
from accountability.models import Accident, AccidentCategory
from safetyops.briefings.services import briefing_html, write_pdf
from tests.accountability.accident_factories import accident_row
from tests.accountability.indicator_helpers import at, limit
from tests.briefings.conftest import MARCH, pdf_text, request_briefing, squeezed
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def accidents(world: World) -> World:
    limit(world.county, "industrial_deaths", 5)
    limit(world.county, "major_accidents", 0)
    limit(world.town_a, "industrial_accidents", 1)
    # 1 March 00:10 in Beijing is 28 February 16:10 UTC: in March.
    accident_row(
        world.village_a,
        at(2026, 3, 1, 0, 10),
        deaths=1,
        serious_injuries=1,
        minor_injuries=2,
        missing=1,
        direct_loss="10.50",
        title="东村仓库坍塌",
    )
    accident_row(world.town_b, at(2026, 2, 28, 23, 50), deaths=2)  # February: the year, not the period
    accident_row(
        world.town_b,
        at(2026, 3, 31, 23, 30),
        category=AccidentCategory.ROAD,
        deaths=3,
        place="县道X105<西山段>",
        reported_after=datetime.timedelta(hours=2),
    )  # 较大 by deaths, 迟报
    accident_row(world.town_a, at(2026, 4, 1, 0, 5), deaths=5)  # after the period
    accident_row(world.town_a, at(2026, 3, 10, 9), deaths=9, status=Accident.Status.DRAFT)  # not registered
    accident_row(world.town_a, at(2025, 3, 15, 9), deaths=1)  # last year's March
    accident_row(world.town_a, at(2025, 1, 10, 9), category=AccidentCategory.FIRE)  # last year to date
    accident_row(world.town_a, at(2025, 4, 10, 9), deaths=4)  # after last year's March
    return world


def test_the_figures_of_the_period_the_year_and_last_year(accidents: World) -> None:
    fig = accident_figures(accidents.county, *MARCH)["accidents"]
    assert fig["period"] == {
        "accidents": 2,
        "deaths": 4,
        "serious_injuries": 1,
        "minor_injuries": 2,
        "missing": 1,
        "direct_loss": "10.50",
    }
    assert (fig["ytd"]["accidents"], fig["ytd"]["deaths"]) == (3, 6)
    assert (fig["last_period"]["accidents"], fig["last_period"]["deaths"]) == (1, 1)
    assert (fig["last_ytd"]["accidents"], fig["last_ytd"]["deaths"]) == (2, 1)
    assert fig["late"] == 1
    by = {c["category"]: c for c in fig["categories"]}
    assert (by["industrial"]["period"]["accidents"], by["industrial"]["ytd"]["deaths"]) == (1, 3)
    assert (by["road"]["period"]["deaths"], by["fire"]["last_ytd"]["accidents"]) == (3, 1)
    assert [(a["day"], a["level"], a["in_period"]) for a in fig["larger"]] == [("2026-03-31", "larger", True)]
    county, town_a = fig["indicators"]
    assert county["name"] == "安平县" and town_a["name"] == "东城镇" and len(fig["indicators"]) == 2
    assert [(u["key"], u["used"], u["percent"]) for u in county["usages"]] == [
        ("industrial_deaths", 3, "60%"),
        ("major_accidents", 1, "已突破"),
    ]
    assert [(u["key"], u["used"], u["state"]) for u in town_a["usages"]] == [("industrial_accidents", 1, "reached")]
    # April's accident counts in April's figures, not in March's.
    april = accident_figures(accidents.county, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))["accidents"]
    assert (april["period"]["deaths"], april["ytd"]["deaths"], april["last_period"]["deaths"]) == (5, 11, 4)


def test_a_township_counts_its_area_only(accidents: World) -> None:
    fig = accident_figures(accidents.town_a, *MARCH)["accidents"]
    assert (fig["period"]["accidents"], fig["ytd"]["accidents"], fig["larger"]) == (1, 1, [])


def test_the_query_count_does_not_grow_with_the_accidents(accidents: World) -> None:
    with CaptureQueriesContext(connection) as few:
        accident_figures(accidents.county, *MARCH)
    for day in range(2, 20):
        accident_row(accidents.town_b, at(2026, 3, day, 9), deaths=1)
    with CaptureQueriesContext(connection) as many:
        fig = accident_figures(accidents.county, *MARCH)
    assert fig["accidents"]["period"]["accidents"] == 20
    assert len(many.captured_queries) == len(few.captured_queries) <= 4


def test_the_29th_of_february_a_year_before() -> None:
    assert year_before(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)


def test_the_pdf_says_it_in_words(accidents: World, tmp_path: Path) -> None:
    briefing = request_briefing(accidents.county_admin, accidents.county, *MARCH, today=datetime.date(2026, 4, 5))
    html = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=datetime.date(2026, 4, 5))
    section = html[html.index("二、事故情况") : html.index("三、")]
    assert "尚未上线" not in section
    assert "县道X105&lt;西山段&gt;" in section  # escaped
    path = tmp_path / "county.pdf"
    write_pdf(html, path)
    text = squeezed(pdf_text(path))
    assert (
        "本期全县发生生产安全事故2起，死亡4人，重伤1人，轻伤2人，下落不明1人，直接经济损失10.50万元。其中迟报1起。"
        in text
    )
    assert "今年以来（1月1日至3月31日）累计发生生产安全事故3起，死亡6人" in text
    assert (
        "与去年同期相比，事故起数增加1起（去年同期2起，上升50.0%），死亡人数增加5人（去年同期1人，上升500.0%）。"
        in text
    )
    assert "今年以来发生较大及以上生产安全事故1起。" in text
    assert "较大事故" in text and "2026-03-31" in text
    assert "安平县：工矿商贸事故2起死亡3人，占全年控制指标60%；生产经营性道路交通事故1起死亡3人。" in text
    assert "东城镇：工矿商贸事故1起死亡1人，占全年控制指标100%。" in text
