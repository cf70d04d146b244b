"""The control-indicator pages in Chromium at phone and desktop width: the usage page, the limits
form and the dashboard's cards. No page overflows sideways; screenshots in
var/artifacts/screenshots/indicators-*.png."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from accountability.models import AccidentCategory, IndicatorLimit
from tests.accountability.accident_factories import accident_row
from tests.browser.conftest import DESKTOP, PHONE, no_horizontal_overflow
from tests.browser.test_hazard_journey import login
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _year(world: World) -> None:
    year = timezone.localdate().year
    for node, key, value in (
        (world.county, "industrial_deaths", 5),
        (world.county, "major_accidents", 0),
        (world.town_a, "industrial_deaths", 2),
        (world.town_b, "fire_deaths", 1),
    ):
        IndicatorLimit.objects.create(year=year, node=node, key=key, value=value)
    start = timezone.make_aware(datetime.datetime(year, 1, 5, 9, 0))
    accident_row(world.village_a, start, deaths=2, title="东城化工有限公司储罐区中毒窒息事故")
    accident_row(
        world.town_b,
        start + datetime.timedelta(days=3),
        category=AccidentCategory.FIRE,
        deaths=3,
        title="西山镇出租屋火灾",
        reported_after=datetime.timedelta(hours=2),
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_indicator_pages_fit_the_screen(
    browser: Any, live_server: Any, world: World, shot: Any, viewport: dict[str, int]
) -> None:
    _year(world)
    base, width = live_server.url, viewport["width"]
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    login(page, base, "county_admin")
    for name, path in (
        ("usage", "/accountability/indicators/"),
        ("limits", f"/accountability/indicators/{world.town_b.pk}/limits/"),
        ("home", "/"),
    ):
        page.goto(base + path)
        shot(page, f"indicators-{name}-{width}")
        assert no_horizontal_overflow(page), f"{name} overflows at {width}"
    page.goto(base + "/accountability/indicators/")
    assert page.locator('[data-node="东城镇"][data-state="reached"]').count() == 1
    context.close()
