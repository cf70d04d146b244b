"""The control-indicator page's cards, drawn by Jinja2: the same HTML as Django's engine wrote.

The baseline is the Django template the cards had (bench/templates/bench/indicator_rows_django.html:
usage.html's rows with accountability/indicators/_bar.html)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.template import engines
from django.urls import reverse

from accountability.indicators import selectors
from accountability.indicators.usage import CONTROL_KEYS, Usage
from accountability.views.indicators import indicator_rows
from safetyops.orgs.models import Node
from tests.accountability.accident_factories import accident_row
from tests.accountability.indicator_helpers import YEAR, at, letter_to, limit
from tests.conftest import World

BASELINE = Path(__file__).resolve().parents[2] / "bench" / "templates" / "bench" / "indicator_rows_django.html"
HOSTILE = '<script>alert("x")</script> O\'Brien & {{ 子公司 }}'


def _django(rows: list[selectors.NodeRow], *, year: int, can_set: bool) -> str:
    template = engines["django"].from_string(BASELINE.read_text())  # its last newline was the page's too
    return template.render({"rows": rows, "year": year, "can_set": can_set})


def _accident(pk: int, *, level: str = "general", late: bool = False, url: str = "/a/") -> dict[str, Any]:
    # 23:30 UTC is the next day in Beijing: the date is the local one.
    when = datetime.datetime(2026, 3, pk % 28 + 1, 23, 30, tzinfo=datetime.UTC)
    return {
        "pk": pk,
        "number": f"SG-{pk}",
        "title": HOSTILE,
        "level": level,
        "occurred_at": when,
        "reported_late": late,
        "level_label": "较大事故" if level != "general" else "一般事故",
        "url": url,
    }


def sample_rows() -> list[selectors.NodeRow]:
    """Every state (ok, warning, reached, exceeded, a limit of 0 used), no limit, each source,
    no usages, sentences or none, listed accidents with "more", hostile names."""
    keys = list(CONTROL_KEYS)
    usages = [
        Usage(keys[0], used=1, limit=10, source="set"),
        Usage(keys[1], used=8, limit=10, source="letter", letter_id=7),
        Usage(keys[2], used=5, limit=5, source="letter", letter_id=8),
        Usage(keys[3 % len(keys)], used=3, limit=0, source="set"),
        Usage(keys[0], used=12, limit=11, source=""),
        Usage(keys[1], used=2, limit=None),
    ]
    county = Node(pk=1, name=HOSTILE, level=Node.Level.COUNTY)
    town = Node(pk=2, name="东城镇", level=Node.Level.TOWNSHIP)
    empty = Node(pk=3, name="西山镇", level=Node.Level.TOWNSHIP)
    quiet = Node(pk=4, name="南湖镇", level=Node.Level.TOWNSHIP)
    return [
        selectors.NodeRow(
            county,
            usages,
            [HOSTILE, "火灾事故1起死亡1人"],
            accidents=[_accident(1, level="larger", late=True), _accident(2, url="")],
            more=3,
            total=5,
        ),
        selectors.NodeRow(town, usages[:2], [], accidents=[_accident(3)], total=1),
        selectors.NodeRow(empty, [], []),
        selectors.NodeRow(quiet, usages[5:], []),
    ]


@pytest.mark.parametrize("can_set", [True, False])
def test_sample_cards_are_the_html_django_wrote(can_set: bool) -> None:
    rows = sample_rows()
    new = indicator_rows(rows, year=2026, can_set=can_set)
    assert new == _django(rows, year=2026, can_set=can_set)
    assert new.count('data-indicator="') == 9 and ("设定指标" in new) == can_set
    for text in ("已用完", "已突破", "已达80%预警", "目标责任书", "县级设定", "未设控制指标", "另有3起", "2026-03-"):
        assert text in new
    assert "<script>" not in new and "{{ 子公司 }}" in new


@pytest.mark.django_db
def test_the_page_shows_the_cards_django_drew(world: World, client: Any) -> None:
    letter_to(world, world.town_a, [{"key": "industrial_deaths", "value": "5", "weight": "100"}])
    limit(world.county, "industrial_deaths", 10)
    listed = accident_row(world.village_a, at(YEAR, 3, 1, 9), deaths=3, title=HOSTILE)
    accident_row(world.town_a, at(YEAR, 4, 1, 9), deaths=1, reported_after=datetime.timedelta(hours=2))
    client.force_login(world.county_admin)
    page = client.get("/accountability/indicators/", {"year": YEAR}).content.decode()
    rows = selectors.node_rows(world.county, YEAR)
    expected = _django(rows, year=YEAR, can_set=True)
    assert expected in page and "4/5 人 80%" in expected
    assert len(re.findall(r'data-node="', page)) == len(rows) == 3
    # Each accident links its page (PkLink's URL is reverse()'s), in the county's and the towns' cards.
    assert page.count(f'<a href="{reverse("accountability:accident_detail", args=[listed.pk])}">') == 2
