"""The control-indicator page: who sees which nodes, the figures, the year switcher, the query count."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability.models import AccidentCategory
from tests.accountability.accident_factories import accident_row
from tests.accountability.indicator_helpers import YEAR, at, letter_to, limit
from tests.conftest import World
from tests.orgs.factories import NodeFactory

pytestmark = pytest.mark.django_db
URL = reverse("accountability:indicators")


def _page(client: Any, user: Any, year: int = YEAR) -> str:
    client.force_login(user)
    response = client.get(URL, {"year": year})
    assert response.status_code == 200
    return response.content.decode()


def _card(html: str, name: str) -> str:
    start = html.index(f'data-node="{name}"')
    end = html.find("data-node=", start + 10)
    return html[start : end if end != -1 else len(html)]


def test_the_county_sees_itself_and_each_township_with_bars_sources_and_sentences(world: World, client: Any) -> None:
    letter = letter_to(world, world.town_a, [{"key": "industrial_deaths", "value": "5", "weight": "100"}])
    limit(world.county, "industrial_deaths", 10)
    accident_row(world.village_a, at(YEAR, 3, 1, 9), deaths=3, title="东村仓库坍塌")
    accident_row(world.town_a, at(YEAR, 4, 1, 9), deaths=1, reported_after=datetime.timedelta(hours=2))
    accident_row(world.town_b, at(YEAR, 5, 1, 9), category=AccidentCategory.FIRE, deaths=1)
    html = _page(client, world.county_admin)
    county, town_a, town_b = _card(html, "安平县"), _card(html, "东城镇"), _card(html, "西山镇")
    assert "4/5 人 80%" in town_a and 'data-state="warning"' in town_a
    assert f'href="{reverse("accountability:letter_detail", args=[letter.pk])}"' in town_a
    assert "工矿商贸事故2起死亡4人，占全年控制指标80%" in town_a
    assert "东村仓库坍塌" in town_a and "迟报" in town_a
    assert "4/10 人 40%" in county and "县级设定" in county
    assert "火灾事故1起死亡1人" in county and "工矿商贸事故2起死亡4人，占全年控制指标40%" in county
    assert "火灾事故1起死亡1人" in town_b and "东村仓库坍塌" not in town_b
    assert "设定指标" in html


def test_a_township_sees_itself_and_only_its_villages_with_a_limit(world: World, client: Any) -> None:
    NodeFactory(code="330001001002", name="南村", parent=world.town_a, level="village", kind="village")
    limit(world.village_a, "industrial_accidents", 1)
    limit(world.town_b, "industrial_accidents", 1)
    accident_row(world.village_a, at(YEAR, 2, 1, 9))
    html = _page(client, world.official_a)
    assert 'data-node="东城镇"' in html and 'data-node="东村"' in html
    assert "南村" not in html and "西山镇" not in html and "安平县" not in html
    assert "1/1 起 100%" in _card(html, "东村") and 'data-state="reached"' in _card(html, "东村")
    assert "设定指标" not in html  # only the county admin sets limits


def test_the_year_switcher_counts_the_year_asked_in_beijing_time(world: World, client: Any) -> None:
    limit(world.town_a, "industrial_deaths", 2, year=YEAR - 1)
    limit(world.town_a, "industrial_deaths", 2)
    accident_row(world.town_a, at(YEAR - 1, 12, 31, 23, 30), deaths=3)  # 15:30 UTC, still the old year in Beijing
    old, new = _page(client, world.leader_a, YEAR - 1), _page(client, world.leader_a, YEAR)
    assert "3/2 人 150%" in old and 'data-state="exceeded"' in old and "已突破" in old
    assert "0/2 人 0%" in new and "本年度未发生生产安全事故" in new


def test_the_query_count_does_not_grow_with_the_townships(
    world: World, client: Any, django_assert_num_queries: Any
) -> None:
    def add_towns(n: int) -> None:
        for i in range(n):
            town = NodeFactory(code=f"33000109{i:01d}", name=f"新镇{i}", parent=world.county)
            limit(town, "industrial_deaths", 3)
            accident_row(town, at(YEAR, 3, 1 + i, 9), deaths=1)

    client.force_login(world.county_admin)
    limit(world.town_a, "industrial_deaths", 3)
    accident_row(world.town_a, at(YEAR, 2, 1, 9), deaths=1)
    client.get(URL, {"year": YEAR})  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"year": YEAR}).status_code == 200
    add_towns(6)  # 2 → 8 townships
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"year": YEAR})
    assert response.content.decode().count("1/3 人 33%") == 7
