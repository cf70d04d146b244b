"""The figures of a briefing equal those computed independently from the factory data, and the
PDF states them in the right sentences and table cells."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import services as hz
from inspections.models import Hazard, Inspection
from safetyops.briefings.figures import briefing_figures
from safetyops.orgs.models import Enterprise, Node
from safetyops.orgs.services import enterprise_update
from tests.briefings.conftest import MARCH, SHANGHAI, March, at, pdf_text, request_briefing, squeezed
from tests.inspections.conftest import jpeg, plan_input
from tests.orgs.factories import EnterpriseFactory


def local_day(value: Any) -> date | None:
    return timezone.localdate(value) if value is not None else None


def expected(node: Node, start: date, end: date) -> dict[str, Any]:
    """The same figures, counted row by row in Python from the definitions (not from the code under test)."""
    hazards = [h for h in Hazard.objects.all() if h.node.is_within(node)]
    registered = [h for h in hazards if local_day(h.registered_at) <= end]
    found = [h for h in registered if start <= local_day(h.registered_at)]

    def closed_by_end(h: Hazard) -> bool:
        return h.closed_at is not None and local_day(h.closed_at) <= end

    open_end = [h for h in registered if not closed_by_end(h)]
    inspections = [
        i
        for i in Inspection.objects.select_related("enterprise__node")
        if i.enterprise.node.is_within(node) and start <= local_day(i.inspected_at) <= end
    ]
    enterprises = [
        e
        for e in Enterprise.objects.select_related("node")
        if e.node.is_within(node)
        and local_day(e.created_at) <= end
        and not (e.status == "closed" and (e.closed_at is None or local_day(e.closed_at) <= end))
    ]
    year_start = date(end.year, 1, 1)
    ytd = [h for h in registered if local_day(h.registered_at) >= year_start]
    return {
        "inspections": len(inspections),
        "covered": len({i.enterprise_id for i in inspections}),
        "enterprises": len(enterprises),
        "found": len(found),
        "found_major": sum(h.level == "major" for h in found),
        "found_closed": sum(closed_by_end(h) for h in found),
        "closed": sum(h.closed_at is not None and start <= local_day(h.closed_at) <= end for h in hazards),
        "open_end": len(open_end),
        "open_major_end": sum(h.level == "major" for h in open_end),
        "overdue": sum(h.deadline < end for h in open_end),
        "listed_open": sum(h.listed_supervision for h in open_end),
        "ytd_found": len(ytd),
        "ytd_closed": sum(closed_by_end(h) for h in ytd),
    }


def test_figures_equal_independent_counts(march: March) -> None:
    w = march.world
    for node in (w.county, w.town_a, w.town_b):
        figures = briefing_figures(node, *MARCH)
        want = expected(node, *MARCH)
        got = {key: figures["totals"][key] for key in want}
        assert got == want, node.name


def test_the_month_in_numbers(march: March) -> None:
    """The scenario written out by hand, so that the independent count cannot share a mistake."""
    t = briefing_figures(march.world.county, *MARCH)["totals"]
    assert (t["inspections"], t["covered"], t["enterprises"], t["coverage"]) == (3, 2, 3, 66.7)
    assert t["inspections_by_kind"] == [{"kind": "日常检查", "count": 2}, {"kind": "四不两直", "count": 1}]
    assert (t["found"], t["found_major"], t["found_closed"], t["rate"]) == (4, 1, 1, 25.0)
    assert (t["closed"], t["open_end"], t["open_major_end"], t["overdue"], t["listed_open"]) == (2, 4, 1, 2, 1)
    assert (t["ytd_found"], t["ytd_closed"], t["ytd_rate"], t["previous_found"]) == (6, 2, 33.3, 2)


def test_units_trend_sectors_and_lists(march: March) -> None:
    w = march.world
    fig = briefing_figures(w.county, *MARCH)
    units = {u["name"]: u for u in fig["units"]}
    assert [u["name"] for u in fig["units"]] == ["东城镇", "西山镇"]  # 50% before 0%
    east, west = units["东城镇"], units["西山镇"]
    assert (east["rank"], east["enterprises"], east["covered"], east["coverage"]) == (1, 2, 1, 50.0)
    assert (east["found"], east["found_major"], east["found_closed"], east["rate"], east["overdue"]) == (
        2,
        1,
        1,
        50.0,
        1,
    )
    assert (west["rank"], west["enterprises"], west["covered"], west["coverage"]) == (2, 1, 1, 100.0)
    assert (west["found"], west["found_closed"], west["rate"], west["overdue"]) == (2, 0, 0.0, 1)

    trend = {m["month"]: (m["found"], m["closed"]) for m in fig["trend"]}
    assert len(fig["trend"]) == 12 and fig["trend"][-1]["month"] == "2026-03"
    assert trend["2026-02"] == (2, 0) and trend["2026-03"] == (4, 2) and "2026-04" not in trend

    sectors = {s["name"]: s["found"] for s in fig["by_sector"]}
    assert sectors == {"危险化学品": 1, "建筑施工": 3}  # by the enterprise's sector (none given on the hazard)

    worst = fig["overdue_worst"]
    assert [(h["number"], h["days_overdue"]) for h in worst] == [
        (march.hazards["H0"].number, 26),
        (march.hazards["H3"].number, 11),
    ]
    assert worst[0]["area"] == "东城镇东村" and worst[0]["status"] == "待报整改方案"
    listed = fig["listed"]
    assert (listed["total"], listed["closed"], listed["overdue"]) == (1, 0, 0)
    assert listed["rows"][0]["number"] == march.hazards["H2"].number


def test_same_data_same_figures_even_after_later_changes(march: March) -> None:
    """Figures are 'as at the period's end': what happens afterwards does not change March."""
    w = march.world
    before = briefing_figures(w.county, *MARCH)
    assert briefing_figures(w.county, *MARCH) == before
    with at(date(2026, 4, 20)):  # both closed in April (当场整改 is for the inspection's own day only)
        for name, owner, official in (("H0", w.enterprise_a, w.official_a), ("H3", w.enterprise_b, w.official_b)):
            hazard = march.hazards[name]
            hz.hazard_submit_plan(actor=owner, hazard_id=hazard.pk, plan=plan_input(hazard, deadline=hazard.deadline))
            hz.hazard_report_completion(
                actor=owner, hazard_id=hazard.pk, description="已整改", money_spent=Decimal(0), after_photos=[jpeg()]
            )
            hz.hazard_verify(actor=official, hazard_id=hazard.pk, opinion="同意销号")
    assert briefing_figures(w.county, *MARCH) == before


def test_pdf_states_the_figures(march: March) -> None:
    w = march.world
    briefing = request_briefing(w.county_admin, w.county, *MARCH)
    assert briefing.status == "draft", briefing.error
    text = pdf_text(briefing.file.path)
    flat = squeezed(text)
    assert "2026年3月，全县共开展安全生产检查3次，检查企业2家，占辖区在册企业3家的66.7%" in flat
    assert "排查发现事故隐患4项（上期2项），其中重大事故隐患1项" in flat
    assert "截至2026年3月31日已整改销号1项，整改率25.0%" in flat
    assert "全县尚有未销号隐患4项，其中重大事故隐患1项（挂牌督办1项），逾期未整改隐患2项" in flat
    assert "2026年以来累计排查隐患6项，已整改2项，累计整改率33.3%" in flat
    assert "其中一般事故隐患3项、重大事故隐患1项" in flat
    assert "本期共销号隐患2项" in flat
    # The ranking table, cell by cell: 排名 单位 企业数 检查企业 覆盖率 发现隐患 重大 已销号 整改率 逾期未改
    assert re.search(r"^\s*1\s+东城镇\s+2\s+1\s+50\.0%\s+2\s+1\s+1\s+50\.0%\s+1\s*$", text, re.M), text
    assert re.search(r"^\s*2\s+西山镇\s+1\s+1\s+100\.0%\s+2\s+0\s+0\s+0\.0%\s+1\s*$", text, re.M), text
    # The worst overdue hazards, with their days overdue at the period's end.
    assert re.search(r"东城化工有限公司\s+东城镇东村\s+一般\s+2026-03-05\s+26天", text), text
    assert re.search(r"西山建设工程有限公司\s+西山镇\s+一般\s+2026-03-20\s+11天", text), text
    assert "隐患整改率最高的是东城镇（50.0%）；最低的是西山镇（0.0%）" in flat
    assert "逾期隐患较多的是东城镇（1项）、西山镇（1项）。" in flat
    assert "本期全县未发生生产安全事故。" in flat and "本期全县未开展约谈、督办。" in flat
    assert "2026年度全县尚未签订目标责任书。" in flat and "2026年度全县尚未下达安全承诺书。" in flat
    assert "第1页共" in flat and "安平县安全生产委员会办公室" in flat


def test_township_briefing_ranks_its_villages(march: March) -> None:
    w = march.world
    briefing = request_briefing(w.official_a, w.town_a, *MARCH)
    flat = squeezed(pdf_text(briefing.file.path))
    assert "2026年3月，全镇共开展安全生产检查2次，检查企业1家，占辖区在册企业2家的50.0%" in flat
    assert "六、各村（社区）工作排名" in flat and "东村" in flat and "东城镇本级" in flat
    assert "东城镇安全生产委员会办公室" in flat


def test_a_period_without_data_says_so(march: March) -> None:
    w = march.world
    briefing = request_briefing(w.county_admin, w.county, date(2026, 1, 1), date(2026, 1, 31))
    assert briefing.status == "draft" and briefing.figures["has_data"] is False
    flat = squeezed(pdf_text(briefing.file.path))
    assert "本期无隐患排查数据" in flat
    assert "未录入安全生产检查记录" in flat and "本期无新发现的事故隐患" in flat


def test_figures_take_a_fixed_number_of_queries(march: March) -> None:
    """Aggregates, not loops: the query count does not depend on the number of rows."""
    w = march.world
    with CaptureQueriesContext(connection) as before:
        briefing_figures(w.county, *MARCH)
    with at(date(2026, 3, 20)):
        for _ in range(5):
            hz.inspection_create(actor=w.official_b, enterprise_id=w.ent_b.pk, kind="routine", inspectors=[])
    with CaptureQueriesContext(connection) as after:
        briefing_figures(w.county, *MARCH)
    # 25: accountability adds two for the letters' and pledges' rates, four for the daily 承诺公告
    # part (the children, the coverage, one grouped count), four for 事故情况 (the accidents, the
    # children, the letters' and the admin's limits) and one for the 约谈/督办 held; none grows
    # with the records.
    assert len(after.captured_queries) == len(before.captured_queries) <= 25


def test_enterprises_are_counted_as_on_the_register_at_the_period_end(march: March) -> None:
    """Issue 14 item 6: November regenerated in December counts November's register, not today's:
    an enterprise registered after the period, or closed before its end, is not counted; one
    closed after the period still is."""
    w = march.world
    assert briefing_figures(w.county, *MARCH)["totals"]["enterprises"] == 3
    EnterpriseFactory(node=w.town_b, registered=datetime(2026, 4, 2, 9, 0, tzinfo=SHANGHAI))  # after March
    EnterpriseFactory(node=w.town_b, registered=datetime(2026, 3, 31, 23, 0, tzinfo=SHANGHAI))  # on the last day
    with at(date(2026, 3, 15)):
        enterprise_update(actor=w.county_admin, enterprise=w.ent_a2, status=Enterprise.Status.CLOSED)
    with at(date(2026, 4, 5)):
        enterprise_update(actor=w.county_admin, enterprise=w.ent_b, status=Enterprise.Status.CLOSED)
    w.ent_a2.refresh_from_db()
    assert timezone.localdate(w.ent_a2.closed_at) == date(2026, 3, 15)
    fig = briefing_figures(w.county, *MARCH)
    units = {u["name"]: u["enterprises"] for u in fig["units"]}
    # ent_a (on the register), ent_b (closed in April), the one registered on 31 March; not ent_a2.
    assert fig["totals"]["enterprises"] == 3 and units == {"东城镇": 1, "西山镇": 2}
    assert briefing_figures(w.county, date(2026, 4, 1), date(2026, 4, 30))["totals"]["enterprises"] == 3
    assert briefing_figures(w.county, date(2026, 2, 1), date(2026, 2, 28))["totals"]["enterprises"] == 3
    assert fig["totals"] == {**fig["totals"], **expected(w.county, *MARCH)}


def test_reopening_clears_the_closing_time_and_import_closed_is_never_counted(march: March) -> None:
    w = march.world
    with at(date(2026, 3, 15)):
        enterprise_update(actor=w.county_admin, enterprise=w.ent_a2, status=Enterprise.Status.CLOSED)
    enterprise_update(actor=w.county_admin, enterprise=w.ent_a2, status=Enterprise.Status.OPERATING)
    w.ent_a2.refresh_from_db()
    assert w.ent_a2.closed_at is None
    # A bulk import writes closed enterprises without a closing time: closed before they were registered.
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                name="已关闭企业",
                credit_code="91110000600037341L",
                node=w.town_b,
                principal_name="李四",
                status=Enterprise.Status.CLOSED,
            )
        ]
    )
    assert briefing_figures(w.county, *MARCH)["totals"]["enterprises"] == 3


def test_units_without_hazards_have_no_rank(march: March) -> None:
    """Issue 14 item 7: a unit with hazards and 0.0% is not ranked "first" over units that found
    none; those have no 整改率 and no rank ("—"), listed after the ranked ones."""
    w = march.world
    april = (date(2026, 4, 1), date(2026, 4, 30))  # only H5 (西山镇, open): 0.0%; 东城镇 found nothing
    units = briefing_figures(w.county, *april)["units"]
    assert [(u["name"], u["rank"], u["rate"]) for u in units] == [("西山镇", 1, 0.0), ("东城镇", None, None)]
    briefing = request_briefing(w.county_admin, w.county, *april, today=date(2026, 5, 3))
    text = pdf_text(briefing.file.path)
    assert re.search(r"^\s*—\s+东城镇\s", text, re.M), text
    assert re.search(r"^\s*1\s+西山镇\s", text, re.M), text
