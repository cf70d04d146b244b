"""Setting control indicators (the county admin): what a letter gives is not set here, bad input is
refused in Chinese with nothing changed, each change is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountability.errors import NotPermitted
from accountability.indicators.services import IndicatorError, indicator_limits_set
from accountability.models import IndicatorLimit
from safetyops.core.models import AuditEvent
from tests.accountability.indicator_helpers import YEAR, letter_to, limit
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _held(node: Any) -> dict[str, int]:
    return dict(IndicatorLimit.objects.filter(node=node, year=YEAR).values_list("key", "value"))


def test_the_admin_sets_changes_and_clears_limits_audited(world: World) -> None:
    changes = indicator_limits_set(
        actor=world.county_admin, node=world.town_b, year=YEAR, values={"industrial_deaths": "3", "fire_deaths": "0"}
    )
    assert changes == {"industrial_deaths": [None, 3], "fire_deaths": [None, 0]}
    assert _held(world.town_b) == {"industrial_deaths": 3, "fire_deaths": 0}
    indicator_limits_set(
        actor=world.county_admin, node=world.town_b, year=YEAR, values={"industrial_deaths": "2", "fire_deaths": ""}
    )
    assert _held(world.town_b) == {"industrial_deaths": 2}
    events = AuditEvent.objects.filter(action="accountability.indicator.set").order_by("pk")
    assert [e.data["changes"] for e in events] == [
        {"industrial_deaths": [None, 3], "fire_deaths": [None, 0]},
        {"industrial_deaths": [3, 2], "fire_deaths": [0, None]},
    ]
    assert (
        indicator_limits_set(actor=world.county_admin, node=world.town_b, year=YEAR, values={"industrial_deaths": "2"})
        == {}
    )
    assert events.count() == 2  # nothing changed: nothing audited


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "不能为负数"),
        ("abc", "须填写不小于0的整数"),
        ("1.5", "须填写不小于0的整数"),
        ("５", "须填写不小于0的整数"),  # a full-width digit
        ("10001", "不能超过10000人"),
    ],
)
def test_bad_input_changes_nothing(world: World, raw: str, message: str) -> None:
    limit(world.town_b, "fire_deaths", 1)
    with pytest.raises(IndicatorError) as error:
        indicator_limits_set(
            actor=world.county_admin,
            node=world.town_b,
            year=YEAR,
            values={"fire_deaths": "2", "industrial_deaths": raw},
        )
    assert message in error.value.message
    assert _held(world.town_b) == {"fire_deaths": 1}
    assert not AuditEvent.objects.filter(action="accountability.indicator.set").exists()


def test_what_the_letter_gives_is_not_set_here(world: World, client: Any) -> None:
    letter_to(world, world.town_a, [{"key": "industrial_deaths", "value": "5", "weight": "100"}])
    with pytest.raises(IndicatorError, match="以目标责任书为准"):
        indicator_limits_set(actor=world.county_admin, node=world.town_a, year=YEAR, values={"industrial_deaths": "9"})
    assert _held(world.town_a) == {}
    client.force_login(world.county_admin)
    url = reverse("accountability:indicator_limits", args=[world.town_a.pk])
    html = client.get(url, {"year": YEAR}).content.decode()
    assert "data-from-letter>5 人" in html and "以目标责任书为准" in html
    assert 'name="industrial_deaths"' not in html and 'name="fire_deaths"' in html


def test_only_the_admin_in_scope_sets(world: World) -> None:
    with pytest.raises(NotPermitted):
        indicator_limits_set(actor=world.official_a, node=world.town_a, year=YEAR, values={"fire_deaths": "1"})
    with pytest.raises(IndicatorError, match="未知的控制指标"):
        indicator_limits_set(actor=world.county_admin, node=world.town_a, year=YEAR, values={"rectification_rate": "1"})
    assert not IndicatorLimit.objects.exists()


def test_the_form_posts_and_bad_input_is_shown_in_chinese(world: World, client: Any) -> None:
    client.force_login(world.county_admin)
    url = reverse("accountability:indicator_limits", args=[world.town_b.pk])
    response = client.post(url, {"year": YEAR, "fire_deaths": "-2", "road_deaths": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "“火灾事故死亡人数”不能为负数。" in html
    assert 'value="-2"' in html  # what was typed stays in its box
    assert not IndicatorLimit.objects.exists()
    response = client.post(url, {"year": YEAR, "fire_deaths": "2", "road_deaths": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"?year={YEAR}")
    assert _held(world.town_b) == {"fire_deaths": 2, "road_deaths": 1}
