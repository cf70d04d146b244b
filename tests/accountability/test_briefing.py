"""Briefing section 5 (责任落实情况): the letters' and pledges' rates as they stood at the period's
end, per child node and per campaign, the sentence written from them, the 约谈 part
(accountability/summons) in words, plain JSON, a few queries, and room for other apps' parts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability import services
from accountability.briefing import accountability_figures
from accountability.models import LetterTemplate
from safetyops.briefings.services import briefing_html, write_pdf
from safetyops.core import contrib
from safetyops.evidence import signing
from tests.accountability.factories import county_template
from tests.briefings.conftest import pdf_text, request_briefing, squeezed
from tests.campaigns.factories import county_campaign, travel
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _issue(world: World, units: list[Any], **fields: Any) -> LetterTemplate:
    template = county_template(world, **fields)
    services.template_address(actor=world.county_admin, template=template, units=units)
    services.template_issue(actor=world.county_admin, template=template)
    return template


def _sign(template: LetterTemplate, user: Any, **unit: Any) -> None:
    letter = template.letters.get(**unit)
    services.letter_sign(actor=user, letter=letter, typed_name=signing.name_of(user), confirmed=True)


@pytest.fixture
def march(world: World) -> World:
    """2 March: letters to both towns (town A signs on the 5th); the year's pledges to ent_a, ent_a2
    and ent_b (ent_a signs on the 10th, ent_b on 2 April: after the period); a campaign's pledge to
    ent_b (never signed). A letter of 2025 and one withdrawn in March do not count."""
    with travel(date(2026, 3, 2)):
        letters = _issue(world, [world.town_a, world.town_b])
        pledges = _issue(world, [world.ent_a, world.ent_a2, world.ent_b], kind="pledge")
        campaign = county_campaign(world, name="消防安全大排查")
        _issue(world, [world.ent_b], kind="pledge", title="消防安全承诺书", campaign=campaign)
        _issue(world, [world.town_a], year=2025, title="2025年度责任书")
        withdrawn = _issue(world, [world.town_b], title="补充责任书")
        services.letter_withdraw(actor=world.county_admin, letter=withdrawn.letters.get(), reason="对象有误")
    with travel(date(2026, 3, 5)):
        _sign(letters, world.leader_a, node=world.town_a)
    with travel(date(2026, 3, 10)):
        _sign(pledges, world.enterprise_a, enterprise=world.ent_a)
    with travel(date(2026, 4, 2)):
        _sign(pledges, world.enterprise_b, enterprise=world.ent_b)
    return world


def _child(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(row for row in rows if row["name"] == name)


def test_the_figures_as_they_stood_at_the_periods_end(march: World) -> None:
    with travel(date(2026, 4, 5)):
        fig = accountability_figures(march.county, *MARCH)["accountability"]
    letters, pledges = fig["letters"], fig["pledges"]
    assert fig["year"] == 2026
    assert letters["total"] == {"addressed": 2, "signed": 1, "unsigned": 1, "overdue": 1, "rate": 50.0}
    assert _child(letters["children"], "东城镇")["signed"] == 1
    assert _child(letters["children"], "西山镇") == {
        "name": "西山镇",
        "addressed": 1,
        "signed": 0,
        "unsigned": 1,
        "overdue": 1,
        "rate": 0.0,
    }
    assert letters["unsigned_units"] == ["西山镇"]
    # ent_b signed in April: unsigned at the end of March. The campaign's pledge counts too.
    assert pledges["total"] == {"addressed": 4, "signed": 1, "unsigned": 3, "overdue": 3, "rate": 25.0}
    assert _child(pledges["children"], "东城镇")["addressed"] == 2
    assert _child(pledges["children"], "西山镇")["unsigned"] == 2
    assert pledges["campaigns"] == [
        {"name": "消防安全大排查", "addressed": 1, "signed": 0, "unsigned": 1, "overdue": 1, "rate": 0.0}
    ]
    assert json.loads(json.dumps(fig)) == fig


def test_before_the_deadline_nothing_is_overdue(march: World) -> None:
    fig = accountability_figures(march.county, date(2026, 3, 1), date(2026, 3, 5))["accountability"]
    assert fig["letters"]["total"] == {"addressed": 2, "signed": 1, "unsigned": 1, "overdue": 0, "rate": 50.0}
    assert fig["pledges"]["total"]["signed"] == 0
    before = accountability_figures(march.county, date(2026, 2, 1), date(2026, 2, 28))["accountability"]
    assert before["letters"]["total"]["addressed"] == 0


def test_a_township_counts_what_reached_its_area_whoever_issued_it(march: World) -> None:
    """Town A's own and the county's pledges to its enterprises count; the county's letter to town A
    itself does not (town A signs it, it does not answer for it below)."""
    with travel(date(2026, 3, 3)):
        own = services.template_create(
            actor=march.official_a, kind="pledge", year=2026, title="东城镇企业承诺书", body="承诺"
        )
        services.template_address(actor=march.official_a, template=own, units=[march.ent_a, march.ent_a2])
        services.template_issue(actor=march.official_a, template=own)
    fig = accountability_figures(march.town_a, *MARCH)["accountability"]
    assert fig["letters"]["total"]["addressed"] == 0
    assert fig["pledges"]["total"] == {"addressed": 4, "signed": 1, "unsigned": 3, "overdue": 3, "rate": 25.0}
    assert [row["name"] for row in fig["pledges"]["children"]] == ["本级", "东村"]


def test_the_query_count_does_not_grow_with_the_letters(march: World) -> None:
    with CaptureQueriesContext(connection) as few:
        accountability_figures(march.county, *MARCH)
    with travel(date(2026, 3, 3)):
        many = [EnterpriseFactory(node=march.town_b) for _ in range(12)]
        _issue(march, many, kind="pledge", title="更多承诺书")
    with CaptureQueriesContext(connection) as more:
        fig = accountability_figures(march.county, *MARCH)
    assert fig["accountability"]["pledges"]["total"]["addressed"] == 16
    assert len(more.captured_queries) == len(few.captured_queries) <= 2


def test_the_pdf_says_it_in_words(march: World, tmp_path: Path) -> None:
    briefing = request_briefing(march.county_admin, march.county, *MARCH, today=date(2026, 4, 5))
    html = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=date(2026, 4, 5))
    section = html[html.index("五、责任落实情况") : html.index("六、")]
    assert "尚未上线" not in section
    path = tmp_path / "county.pdf"
    write_pdf(html, path)
    text = squeezed(pdf_text(path))
    assert "全县签订目标责任书2份，已签1份，签署率50.0%，逾期未签1份；尚未签署：西山镇。" in text
    assert "全县下达安全承诺书4份，已签1份，签署率25.0%，逾期未签3份；未签署的分布在：东城镇1份、西山镇2份。" in text
    assert "其中专项行动承诺书：“消防安全大排查”1份、已签1份" not in text
    assert "“消防安全大排查”1份、已签0份（0.0%）" in text
    assert "本期全县未开展约谈、督办。" in text  # the 约谈 part (accountability/summons/briefing.py)
    assert "西山镇10110.0%" in text  # the table row: 应签1 已签0 未签1 逾期1 0.0%


def test_other_apps_parts_join_the_section(march: World, monkeypatch: Any) -> None:
    parts = dict(contrib._parts)
    monkeypatch.setattr(contrib, "_parts", parts)
    contrib.register_briefing_part(
        "accountability", "daily", order=10, template="accountability/briefing/accidents.html"
    )
    briefing = request_briefing(march.county_admin, march.county, *MARCH, today=date(2026, 4, 5))
    html = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=date(2026, 4, 5))
    section = html[html.index("五、责任落实情况") : html.index("六、")]
    assert "约谈情况" in section and "本年度未设定控制指标" in section


def test_a_snapshot_without_the_figures_still_renders(march: World) -> None:
    briefing = request_briefing(march.county_admin, march.county, *MARCH, today=date(2026, 4, 5))
    old = {key: value for key, value in briefing.figures.items() if key != "accountability"}
    html = briefing_html(briefing, old, issue_number=None, issued_on=date(2026, 4, 5))
    assert "尚未统计目标责任书和安全承诺书的签订情况" in html
