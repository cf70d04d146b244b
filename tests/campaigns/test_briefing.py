"""The briefing's campaign figures (section 4, 专项行动开展情况, and the late units in section 6):
equal to counts made by hand from the records as they stood at the period's end, plain JSON, in
the right sections of the PDF, and in a number of queries that does not grow with the targets."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import reports, services
from campaigns.briefing import campaign_figures
from campaigns.models import Campaign, Target, UnitReport
from inspections.models import Hazard, Inspection
from safetyops.briefings.figures import briefing_figures
from safetyops.briefings.models import Briefing
from safetyops.briefings.services import briefing_html, write_pdf
from tests.briefings.conftest import pdf_text, request_briefing, squeezed
from tests.campaigns.factories import SHANGHAI, county_campaign, travel
from tests.conftest import World
from tests.inspections.conftest import hazard_factory  # noqa: F401 - a fixture
from tests.orgs.factories import EnterpriseFactory

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
END_DT = datetime(2026, 12, 1, tzinfo=SHANGHAI)


def _inspect(world: World, enterprise: Any, day: date) -> Inspection:
    at = timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
    return Inspection.objects.create(enterprise=enterprise, inspected_at=at, created_by=world.official_a)


@dataclass
class Month:
    world: World
    campaign: Campaign


@pytest.fixture
def month(world: World, hazard_factory: Callable[..., Hazard]) -> Month:  # noqa: F811
    """冬春大排查 (county, 1 Nov – 31 Dec 2026; targets ent_a and ent_a2 in town A, ent_b in town B):
    ent_a inspected in November, ent_b only in December, ent_a2 before the campaign. Hazards under
    the campaign: two at ent_a (one closed in November), one at ent_b, one more in December. Tasks:
    due 20 Nov (town A on time, ent_b late, town B missing), due 25 Nov (town A zero), due 15 Dec."""
    with travel(date(2026, 10, 30)):
        campaign = county_campaign(
            world,
            kind=Campaign.Kind.WINTER_SPRING,
            name="冬春大排查",
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 12, 31),
            goal_coverage=80,
            goal_rectification=60,
        )
        free = [{"key": "free_1", "label": "宣传场次", "unit": "场"}]
        first = reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="第一阶段排查情况",
            deadline=date(2026, 11, 20),
            units=[world.town_a, world.town_b, world.ent_b],
            figures=free,
        )
        second = reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="宣传情况",
            deadline=date(2026, 11, 25),
            units=[world.town_a],
            figures=free,
        )
        reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="第二阶段排查情况",
            deadline=date(2026, 12, 15),
            units=[world.town_a, world.town_b],
            figures=free,
        )
    _inspect(world, world.ent_a2, date(2026, 10, 30))  # before the campaign
    _inspect(world, world.ent_a, date(2026, 11, 5))
    _inspect(world, world.ent_b, date(2026, 12, 3))  # after the period
    with travel(date(2026, 11, 6)):
        under = [hazard_factory(), hazard_factory(status="closed"), hazard_factory(enterprise=world.ent_b)]
        hazard_factory(enterprise=world.ent_b)  # not filed under the campaign
    with travel(date(2026, 12, 2)):
        under.append(hazard_factory(status="closed"))  # after the period
    Hazard.objects.filter(pk__in=[h.pk for h in under]).update(campaign=campaign)
    with travel(date(2026, 11, 18)):
        report = UnitReport.objects.get(task=first, node=world.town_a)
        reports.report_submit(actor=world.official_a, report_id=report.pk, values={"free_1": "4"})
    with travel(date(2026, 11, 22)):
        report = UnitReport.objects.get(task=first, enterprise=world.ent_b)
        reports.report_submit(actor=world.enterprise_b, report_id=report.pk, values={"free_1": "2"})
        report = UnitReport.objects.get(task=second, node=world.town_a)
        reports.report_submit(actor=world.official_a, report_id=report.pk, values={"free_1": "0"})
    return Month(world=world, campaign=campaign)


def _by_hand(campaign: Campaign, area_path: str) -> dict[str, int]:
    """The figures counted from the rows, one simple query each, without the briefing's code."""
    end = date(2026, 11, 30)
    targets = {
        t.enterprise_id
        for t in Target.objects.filter(campaign=campaign, node__path__startswith=area_path, added_at__lt=END_DT)
        if t.removed_at is None or t.removed_at >= END_DT
    }
    inspected = {
        i.enterprise_id
        for i in Inspection.objects.all()
        if campaign.starts_on <= timezone.localdate(i.inspected_at) <= end and i.enterprise_id in targets
    }
    hazards = [
        h
        for h in Hazard.objects.filter(campaign=campaign).select_related("node")
        if h.node.path.startswith(area_path) and h.registered_at < END_DT
    ]
    return {
        "targets": len(targets),
        "inspected": len(inspected),
        "hazards_found": len(hazards),
        "hazards_closed": sum(1 for h in hazards if h.closed_at is not None and h.closed_at < END_DT),
    }


@travel(date(2026, 12, 5))
def test_section_figures_equal_independent_counts(month: Month) -> None:
    w, campaign = month.world, month.campaign
    county = campaign_figures(w.county, *NOVEMBER)
    (row,) = county["campaigns"]
    assert {k: row[k] for k in ("targets", "inspected", "hazards_found", "hazards_closed")} == _by_hand(
        campaign, w.county.path
    )
    assert (row["targets"], row["inspected"], row["coverage"]) == (3, 1, 33.3)
    assert (row["hazards_found"], row["hazards_closed"], row["rate"]) == (3, 1, 33.3)
    assert (row["goal_coverage"], row["goal_rectification"], row["counted_to"]) == (80, 60, "2026-11-30")

    # A township's briefing counts its own part of the county's campaign.
    (town,) = campaign_figures(w.town_a, *NOVEMBER)["campaigns"]
    assert {k: town[k] for k in ("targets", "inspected", "hazards_found", "hazards_closed")} == _by_hand(
        campaign, w.town_a.path
    )
    assert (town["targets"], town["inspected"], town["hazards_found"], town["hazards_closed"]) == (2, 1, 2, 1)


@travel(date(2026, 12, 5))
def test_late_missing_and_zero_units_are_listed_where_they_belong(month: Month) -> None:
    w = month.world
    figures = campaign_figures(w.county, *NOVEMBER)
    (row,) = figures["campaigns"]
    # Section 4: the campaign's late or missing units (the December task is not due yet).
    assert row["late_units"] == [
        {"unit": "西山镇", "task": "第一阶段排查情况", "state": "未报"},
        {"unit": "西山建设工程有限公司", "task": "第一阶段排查情况", "state": "迟报"},
    ]
    # Section 6: ranked, missing first, then late, then zero.
    assert [(u["rank"], u["name"], u["missing"], u["late"], u["zero"]) for u in figures["campaign_units"]] == [
        (1, "西山镇", 1, 0, 0),
        (2, "西山建设工程有限公司", 0, 1, 0),
        (3, "东城镇", 0, 0, 1),
    ]
    assert figures["campaign_units"][2]["tasks"] == ["宣传情况（零报告）"]
    # Town A's briefing sees only its own unit.
    assert [u["name"] for u in campaign_figures(w.town_a, *NOVEMBER)["campaign_units"]] == ["东城镇"]
    # As at the end of the period: a report submitted in December does not make November's on time.
    report = UnitReport.objects.get(task__title="第一阶段排查情况", node=w.town_b)
    with travel(date(2026, 12, 2)):
        reports.report_submit(actor=w.official_b, report_id=report.pk, values={"free_1": "1"})
    again = campaign_figures(w.county, *NOVEMBER)
    assert again["campaign_units"][0]["name"] == "西山镇" and again["campaign_units"][0]["missing"] == 1
    assert campaign_figures(w.county, date(2026, 12, 1), date(2026, 12, 5))["campaign_units"] == []


@travel(date(2026, 12, 5))
def test_the_figures_are_plain_json(month: Month) -> None:
    figures = briefing_figures(month.world.county, *NOVEMBER)
    assert json.loads(json.dumps(figures)) == {k: figures[k] for k in figures}
    assert figures["campaigns"] and figures["campaign_units"]


def test_the_query_count_does_not_grow_with_the_targets(month: Month) -> None:
    w = month.world
    with travel(date(2026, 12, 5)), CaptureQueriesContext(connection) as few:
        small = campaign_figures(w.county, *NOVEMBER)
    with travel(date(2026, 11, 15)):
        for i in range(25):
            enterprise = EnterpriseFactory(name=f"东城{i}号厂", node=w.village_a if i % 2 else w.town_b)
            if i % 3 == 0:
                _inspect(w, enterprise, date(2026, 11, 10) + timedelta(days=i % 5))
        services.targets_sync(campaign_id=month.campaign.pk)
    with travel(date(2026, 12, 5)), CaptureQueriesContext(connection) as many:
        large = campaign_figures(w.county, *NOVEMBER)
    assert (small["campaigns"][0]["targets"], large["campaigns"][0]["targets"]) == (3, 28)
    assert large["campaigns"][0]["inspected"] == 1 + 9
    assert len(many.captured_queries) == len(few.captured_queries) <= 4


def _h(html: str, tag: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", "", h) for h in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)]


def test_the_pdf_shows_the_campaign_and_ranks_the_late_units(month: Month, tmp_path: Any) -> None:
    w = month.world
    briefing: Briefing = request_briefing(w.county_admin, w.county, *NOVEMBER, today=date(2026, 12, 5))
    html = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=date(2026, 12, 5))
    assert _h(html, "h2")[3] == "四、专项行动开展情况"
    assert _h(html, "h2")[5] == "六、各镇（街道、园区）工作排名"
    assert _h(html, "h3")[-1] == "专项行动报送迟报、未报和零报告单位"
    section6 = html[html.index("六、各镇") : html.index("七、")]
    assert "西山镇" in section6 and "宣传情况（零报告）" in section6
    path = tmp_path / "county.pdf"
    write_pdf(html, path)
    text = squeezed(pdf_text(path))
    assert "冬春大排查" in text and "覆盖率33.3%，未达到80%的目标，尚有2家未检查" in text
    assert "报送任务迟报、未报单位2个：西山镇（第一阶段排查情况，未报）" in text
    assert "尚未上线" not in text.split("四、专项行动开展情况")[1].split("五、")[0]


def test_a_snapshot_frozen_before_the_progress_figures_still_renders(month: Month) -> None:
    w = month.world
    with travel(date(2026, 12, 5)):
        briefing: Briefing = request_briefing(w.county_admin, w.county, *NOVEMBER, today=date(2026, 12, 5))
    old = {**briefing.figures, "campaigns": [{"name": "冬春大排查", "kind": "冬春大排查", "status": "进行中"}]}
    old.pop("campaign_units")
    html = briefing_html(briefing, old, issue_number=None, issued_on=date(2026, 12, 5))
    assert "尚未统计专项行动进度" in html and "专项行动报送迟报" not in html


@travel(date(2026, 12, 5))
def test_the_states_as_of_a_day_agree_with_report_state_on_the_next(month: Month) -> None:
    """reports_with_state(as_of=D) is report_state judged at the start of D + 1, report by report."""
    for as_of in (date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 24), date(2026, 11, 30)):
        until = datetime(as_of.year, as_of.month, as_of.day, tzinfo=SHANGHAI) + timedelta(days=1)
        bulk = dict(reports.reports_with_state(UnitReport.objects.all(), as_of=as_of).values_list("pk", "state"))
        one_by_one = {
            r.pk: reports.report_state(
                r, r.versions.filter(submitted_at__lt=until).order_by("-number").first(), today=until.date()
            )
            for r in UnitReport.objects.select_related("task")
        }
        assert bulk == one_by_one, as_of
    assert set(bulk.values()) == {"submitted", "late", "missing", "zero", "waiting"}
