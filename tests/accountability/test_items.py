"""A 责任书's item values: plain numbers within a sensible range, or a Chinese refusal; a huge or
exotic value never reaches the database, where it made the template's page fail for good."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountability import items
from accountability.errors import LetterError
from accountability.models import LetterTemplate
from tests.accountability.test_views_letters import _new_letter_post
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("industrial_accidents", "1e400", "须填写数字"),
        ("industrial_accidents", "1E2", "须填写数字"),
        ("industrial_accidents", "Infinity", "须填写数字"),
        ("industrial_accidents", "NaN", "须填写数字"),
        ("industrial_accidents", "²", "须填写数字"),
        ("industrial_accidents", "5_0", "须填写数字"),
        ("industrial_accidents", "10001", "不能超过10000起"),
        ("industrial_accidents", "-1", "不能为负数"),
        ("rectification_rate", "1e1", "须填写数字"),
        ("rectification_rate", "100.5", "不能超过100%"),
    ],
)
def test_a_value_that_is_not_a_plain_number_in_range_is_refused(key: str, value: str, message: str) -> None:
    with pytest.raises(LetterError) as refused:
        items.normalise([{"key": key, "value": value}])
    assert message in refused.value.message


@pytest.mark.parametrize("weight", ["1e1", "²", "-5", "101"])
def test_a_weight_that_is_not_a_plain_number_in_range_is_refused(weight: str) -> None:
    with pytest.raises(LetterError):
        items.normalise([{"key": "industrial_accidents", "value": "3", "weight": weight}])


def test_plain_values_are_kept() -> None:
    kept = items.normalise(
        [
            {"key": "industrial_accidents", "value": " 10000 ", "weight": "60"},
            {"key": "rectification_rate", "value": "95.5", "weight": "40"},
        ]
    )
    assert [item["value"] for item in kept] == [10000, 95.5]
    assert [items.describe(item) for item in kept] == [
        "工矿商贸生产安全事故起数不超过10000起",
        "隐患整改率达到95.5%以上",
    ]


def test_a_huge_value_is_refused_by_the_form_and_nothing_is_saved(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    response = client.post(
        reverse("accountability:template_create"), _new_letter_post(value_industrial_accidents="1e400")
    )
    assert response.status_code == 400 and "须填写数字" in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_a_huge_value_already_stored_is_shown_not_a_500() -> None:
    assert items.describe({"key": "industrial_accidents", "value": 10**400}).startswith(
        "工矿商贸生产安全事故起数不超过1000"
    )
