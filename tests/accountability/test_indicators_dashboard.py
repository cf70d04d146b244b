"""The dashboard's 控制指标 and 最新事故 cards: what they show, to whom, in few queries."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability.indicators import dashboard
from accountability.models import Accident
from safetyops.dashboard.views import DashboardPage
from safetyops.orgs.scope import scope_for
from tests.accountability.accident_factories import accident_row
from tests.accountability.indicator_helpers import YEAR, at, limit
from tests.campaigns.factories import travel
from tests.conftest import World

pytestmark = pytest.mark.django_db
TODAY = datetime.date(YEAR, 6, 20)


@pytest.fixture
def year(world: World) -> World:
    cache.clear()
    limit(world.county, "industrial_deaths", 5)
    limit(world.town_a, "industrial_deaths", 2)
    limit(world.town_b, "industrial_deaths", 4)
    accident_row(world.village_a, at(YEAR, 3, 1, 9), deaths=2, title="东村仓库坍塌")
    accident_row(world.town_b, at(YEAR, 4, 1, 9), deaths=1, title="西山镇起重伤害")
    accident_row(
        world.town_b, at(YEAR, 5, 1, 9), deaths=1, title="西山镇迟报事故", reported_after=datetime.timedelta(hours=3)
    )
    accident_row(world.town_a, at(YEAR, 6, 1, 9), deaths=3, title="东城镇草稿", status=Accident.Status.DRAFT)
    return world


def _home(client: Any, user: Any) -> str:
    client.force_login(user)
    with travel(TODAY):
        return client.get(reverse("home")).content.decode()


def _card(html: str, marker: str) -> str:
    found = re.search(rf"<div class=\"card mb-3[^\"]*\" {marker}>.*?</ul>\s*</div>", html, re.S)
    return re.sub(r"\s+", " ", found.group(0)) if found else ""


def _page(user: Any) -> DashboardPage:
    request = RequestFactory().get("/")
    request.user = user
    return DashboardPage(request, scope_for(user))


def test_the_county_sees_its_bars_and_the_townships_nearest_their_limits(client: Any, year: World) -> None:
    card = _card(_home(client, year.county_admin), "data-indicators-card")
    assert "4/5 人 80%" in card and 'data-state="warning"' in card
    assert "工矿商贸事故3起死亡4人，占全年控制指标80%" in card
    assert "最接近控制指标" in card
    assert card.index("东城镇（") < card.index("西山镇（")  # 100% before 50%
    assert "2/2，100%" in card


def test_a_township_sees_its_own_and_enterprises_and_supervisors_no_card(client: Any, year: World) -> None:
    card = _card(_home(client, year.official_a), "data-indicators-card")
    assert "2/2 人 100%" in card and 'data-state="reached"' in card and "西山镇" not in card
    assert _card(_home(client, year.supervisor_a), "data-indicators-card") == ""
    assert _card(_home(client, year.enterprise_a), "data-indicators-card") == ""


def test_the_latest_accidents_with_level_and_late_badges(client: Any, year: World) -> None:
    card = _card(_home(client, year.county_admin), "data-accidents-card")
    titles = re.findall(r"(东村仓库坍塌|西山镇起重伤害|西山镇迟报事故|东城镇草稿)", card)
    assert titles == ["西山镇迟报事故", "西山镇起重伤害", "东村仓库坍塌"]  # newest first, no draft
    assert card.count("迟报</span>") == 1 and card.count("一般事故") == 3
    town_b = _card(_home(client, year.official_b), "data-accidents-card")
    assert "东村仓库坍塌" not in town_b and "西山镇迟报事故" in town_b


def test_few_queries_and_the_county_is_counted_once_a_minute(year: World) -> None:
    with travel(TODAY):
        page = _page(year.county_admin)
        with CaptureQueriesContext(connection) as first:
            context = dashboard._indicators(page)
        with CaptureQueriesContext(connection) as again:
            assert dashboard._indicators(page) == context
        with CaptureQueriesContext(connection) as latest:
            dashboard._latest(page)
    assert len(first.captured_queries) <= 5  # node, children, accidents, letters, limits
    assert len(again.captured_queries) <= 1
    assert len(latest.captured_queries) <= 1
