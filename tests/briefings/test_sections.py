"""The briefing's sections come from the apps' registrations (safetyops/core/contrib.py) and are
numbered by position: the headings, their order, their numbers and the placeholder words of the
apps without data are pinned here, so that a section moved or misnumbered breaks the test."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from campaigns.models import Campaign
from safetyops.briefings.figures import briefing_figures
from safetyops.briefings.models import Briefing
from safetyops.briefings.services import briefing_html, write_pdf
from tests.briefings.conftest import MARCH, March, at, pdf_text, request_briefing, squeezed

pytestmark = pytest.mark.django_db

COUNTY_SECTIONS = [
    "一、总体情况",
    "二、事故情况",
    "三、隐患排查治理情况",
    "四、专项行动开展情况",
    "五、责任落实情况",
    "六、各镇（街道、园区）工作排名",
    "七、存在问题及下步工作",
]
HAZARD_SUBSECTIONS = [
    "（一）排查整改总体情况",
    "（二）隐患行业领域分布",
    "（三）逾期未整改隐患",
    "（四）重大事故隐患挂牌督办情况",
]
# Section 2 counts the registered accidents (accountability/indicators/briefing.py); the fixture has none.
ACCIDENTS = "本期全县未发生生产安全事故。"
ACCIDENT_SUBSECTIONS = ["较大及以上事故", "控制指标使用情况"]
NO_CAMPAIGNS = "本期全县无正在开展的专项行动。"
# Section 5 counts letters and pledges (accountability/briefing.py), the daily 承诺公告 where a county
# has 危化 enterprises, and the 约谈/督办 held (accountability/summons/briefing.py); the fixture has none.
ACCOUNTABILITY = "本期全县未开展约谈、督办。"
ACCOUNTABILITY_SUBSECTIONS = ["目标责任书签订情况", "安全承诺书签订情况"]
SUMMONS_SUBSECTIONS = ["约谈情况"]


def headings(html: str, tag: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", "", h) for h in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)]


def pending(html: str) -> list[str]:
    return [re.sub(r"\s+", "", p) for p in re.findall(r'<p class="pending">(.*?)</p>', html, re.S)]


def html_of(briefing: Briefing, *, issue_number: int | None = None, figures: dict | None = None) -> str:
    return briefing_html(briefing, figures or briefing.figures, issue_number=issue_number, issued_on=date(2026, 4, 12))


@pytest.fixture
def county(march: March) -> Briefing:
    return request_briefing(march.world.county_admin, march.world.county, *MARCH)


def test_the_county_draft_has_every_section_in_order(county: Briefing) -> None:
    html = html_of(county)
    assert headings(html, "h2") == COUNTY_SECTIONS
    # Section 5 also carries accountability's daily 承诺公告 part (the county has a 危化 enterprise).
    assert headings(html, "h3") == [
        *ACCIDENT_SUBSECTIONS,
        *HAZARD_SUBSECTIONS,
        *ACCOUNTABILITY_SUBSECTIONS,
        "危化企业每日安全风险研判与承诺公告",
        *SUMMONS_SUBSECTIONS,
    ]
    assert pending(html) == [] and ACCOUNTABILITY in html
    assert NO_CAMPAIGNS in html
    assert re.findall(r">图(\d)　", html) == ["1", "2", "3"]  # charts counted in the order they appear
    assert "本部分由安平县安全生产委员会办公室在发布前填写" in html


def test_a_published_issue_without_section7_leaves_it_out_and_keeps_the_numbers(county: Briefing) -> None:
    assert headings(html_of(county, issue_number=1), "h2") == COUNTY_SECTIONS[:-1]
    county.section7 = "（一）存在问题\n1. 逾期隐患较多。"
    html = html_of(county, issue_number=1)
    assert headings(html, "h2") == COUNTY_SECTIONS
    assert headings(html, "h3")[-1] == "（一）存在问题" and "<p>1. 逾期隐患较多。</p>" in html


def test_without_children_or_sectors_the_later_sections_move_up(march: March) -> None:
    w = march.world
    empty = request_briefing(w.official_b, w.town_b, date(2026, 1, 1), date(2026, 1, 31))
    html = html_of(empty)
    assert headings(html, "h2") == [*COUNTY_SECTIONS[:5], "六、存在问题及下步工作"]  # no units to rank
    assert headings(html, "h3") == [
        *ACCIDENT_SUBSECTIONS,
        "（一）排查整改总体情况",
        "（二）逾期未整改隐患",
        "（三）重大事故隐患挂牌督办情况",
        *ACCOUNTABILITY_SUBSECTIONS,
        *SUMMONS_SUBSECTIONS,
    ]
    assert re.findall(r">图(\d)　", html) == ["1"]


def test_campaigns_are_listed_by_the_campaigns_section(march: March, county: Briefing) -> None:
    w = march.world
    Campaign.objects.create(
        kind="safety_month",
        name="2026年安全生产月",
        year=2026,
        node=w.county,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
        status="active",
    )
    with at(date(2026, 4, 10)):
        figures = briefing_figures(w.county, *MARCH)
    assert [c["name"] for c in figures["campaigns"]] == ["2026年安全生产月"]
    html = html_of(county, figures=figures)
    assert "本期正在开展或已结束的专项行动1项" in html and "全县无目标企业" in html  # launched without targets
    assert pending(html) == []


def test_a_snapshot_stored_before_the_registry_still_renders_the_same(county: Briefing) -> None:
    """Drafts made before the change carry the old "pending_modules" key; publishing renders them
    from that stored snapshot, so the sections must read only keys the old snapshots have."""
    old = {**county.figures, "pending_modules": {"accidents": "事故统计模块尚未上线"}}
    assert html_of(county, figures=old) == html_of(county)


def test_the_pdf_text_has_the_sections_in_order(county: Briefing, tmp_path: Path) -> None:
    path = tmp_path / "b.pdf"
    write_pdf(html_of(county), path)
    text = squeezed(pdf_text(path))
    positions = [text.find(heading) for heading in COUNTY_SECTIONS]
    assert -1 not in positions and positions == sorted(positions), positions
    for words in (ACCIDENTS, NO_CAMPAIGNS, ACCOUNTABILITY):
        assert squeezed(words) in text
