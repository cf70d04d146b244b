"""The registry of contributed dashboard cards and briefing sections (safetyops/core/contrib.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from safetyops.briefings.services import briefing_html
from safetyops.core import contrib
from safetyops.core.contrib import chinese_numeral, register_briefing_section, register_dashboard_card
from tests.briefings.conftest import (
    MARCH,
    March,
    march,  # noqa: F401 - a fixture
    request_briefing,
)
from tests.conftest import World
from tests.inspections.conftest import hazard_factory  # noqa: F401 - a fixture, used by `march`

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates(settings: Any, tmp_path: Any) -> Any:
    """A folder of test templates the engine finds."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    return tmp_path


@pytest.fixture
def registry() -> Iterator[None]:
    """Register test entries and forget them afterwards."""
    registries: tuple[dict[Any, Any], ...] = (contrib._sections, contrib._cards, contrib._figures, contrib._parts)
    saved = tuple(dict(r) for r in registries)
    yield
    for live, copy in zip(registries, saved, strict=True):
        live.clear()
        live.update(copy)


def test_chinese_numerals() -> None:
    assert [chinese_numeral(n) for n in (1, 7, 10, 11, 12, 20, 23)] == [
        "一",
        "七",
        "十",
        "十一",
        "十二",
        "二十",
        "二十三",
    ]


def test_the_apps_registered_their_sections_in_order() -> None:
    assert [s.key for s in contrib.briefing_sections()] == [
        "overview",
        "accidents",
        "hazards",
        "campaigns",
        "accountability",
        "ranking",
        "section7",
    ]
    assert [key for key, _ in contrib.briefing_figure_providers()] == [
        "accidents",
        "accountability",
        "campaigns",
        "daily_pledges",
        "inspections",
        "summonses",
    ]
    assert [c.key for c in contrib.dashboard_cards("home")] == [
        "accountability_waiting",
        "enterprise_stats",
        "hazards",
        "accountability_indicators",
        "campaigns",
        "accountability_accidents",
        "accountability_rates",
        "daily_pledges",
        "enterprise_distribution",
    ]
    assert [c.key for c in contrib.dashboard_cards("enterprise")] == [
        "accountability_pledges",
        "daily_pledge_today",
        "enterprise_hazards",
        "enterprise_facts",
    ]


def test_a_new_section_is_numbered_by_its_position(march: March, registry: None, templates: Any) -> None:  # noqa: F811
    (templates / "letters.html").write_text("<p>{{ words }}</p>")
    register_briefing_section(
        "letters",
        order=25,
        title="目标责任书签订情况",
        template="letters.html",
        context=lambda render: {"words": f"共{len(render.figures['units'])}个单位"},
    )
    register_briefing_section("hidden", order=26, title="不显示", template="x.html", shown=lambda render: False)
    w = march.world
    briefing = request_briefing(w.county_admin, w.county, *MARCH)
    html = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=date(2026, 4, 12))
    titles = re.findall(r"<h2>(.*?)</h2>", html)
    assert titles[2:5] == ["三、目标责任书签订情况", "四、隐患排查治理情况", "五、专项行动开展情况"]
    assert titles[-1] == "八、存在问题及下步工作" and "不显示" not in html
    assert re.search(r"<p>共\d个单位</p>", html)


def test_a_part_joins_another_apps_section_and_can_show_it_alone(
    march: March,  # noqa: F811
    registry: None,
    templates: Any,
) -> None:
    (templates / "part.html").write_text("<h3>补充</h3><p>{{ words }}</p>")
    contrib.register_briefing_part(
        "hazards", "extra", order=10, template="part.html", context=lambda render: {"words": "隐患补充说明"}
    )
    register_briefing_section("alone", order=35, title="仅有补充", template="x.html", shown=lambda render: False)
    contrib.register_briefing_part("alone", "extra", order=10, template="part.html", context=lambda r: {"words": "独"})
    contrib.register_briefing_part("alone", "quiet", order=20, template="x.html", shown=lambda render: False)
    w = march.world
    briefing = request_briefing(w.county_admin, w.county, *MARCH)
    html = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=date(2026, 4, 12))
    hazards = html[html.index("三、隐患排查治理情况") : html.index("四、")]
    assert hazards.index("重大事故隐患挂牌督办情况") < hazards.index("<p>隐患补充说明</p>")  # after the body
    assert "四、仅有补充</h2>\n<h3>补充</h3><p>独</p>" in html  # its own body left out, its part shown


def test_figures_providers_add_to_the_snapshot(march: March, registry: None) -> None:  # noqa: F811
    contrib.register_briefing_figures("letters", lambda node, start, end: {"letters": {"node": node.name}})
    w = march.world
    briefing = request_briefing(w.county_admin, w.county, *MARCH)
    assert briefing.figures["letters"] == {"node": "安平县"} and "totals" in briefing.figures


def test_a_dashboard_card_is_placed_by_its_order_and_may_decline(
    client: Any, world: World, registry: None, templates: Any
) -> None:
    (templates / "card.html").write_text('<div id="test-card">{{ who }}</div>')
    register_dashboard_card("test", order=15, template="card.html", context=lambda page: {"who": page.scope.role})
    register_dashboard_card("declined", order=16, template="nothing.html", context=lambda page: None)
    client.force_login(world.official_a)
    html = client.get(reverse("home")).content.decode()
    assert '<div id="test-card">township_official</div>' in html
    assert html.index("企业总数") < html.index('id="test-card"') < html.index("未销号隐患")
