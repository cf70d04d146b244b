"""The officials' board: its scope, counts and filter, its query count (constant in the number of
enterprises), the workbook, the PDF of a 公告, the dashboard cards and the setting page."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accountability.daily.board import BOARD_STATES, State, board, board_counts, board_rows
from accountability.models import DailyPledgeSetting, PledgeFlag
from safetyops.orgs.models import Role
from tests.accountability.daily_factories import hazard, publish
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _chemical_plants(world: World, n: int, *, publish_them: bool = True) -> list[Any]:
    plants = []
    for i in range(n):
        plant = EnterpriseFactory(name=f"东城第{i}化工厂", node=world.town_a, sectors=[world.sector_chem])
        user = make_user(Role.ENTERPRISE_USER, enterprise=plant, username=f"plant{plant.pk}", full_name=f"厂长{i}")
        if publish_them and i % 2 == 0:
            pledge = publish(world, user)
            if i % 4 == 0:
                found = hazard(world, description="动火作业无票", enterprise=plant)
                PledgeFlag.objects.create(pledge=pledge, rule=PledgeFlag.Rule.HOT_WORK, hazard=found)
        plants.append(plant)
    return plants


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@time_machine.travel(datetime(2026, 12, 3, 11, 0, tzinfo=SHANGHAI), tick=False)
def test_the_board_counts_in_constant_queries(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    url = reverse("accountability:daily_board")
    _chemical_plants(world, 2)
    few = _queries(client, url)
    _chemical_plants(world, 10)
    many = _queries(client, url)
    assert many == few, f"{few} queries with 3 enterprises, {many} with 13"
    assert few <= 12


@time_machine.travel(datetime(2026, 12, 3, 11, 0, tzinfo=SHANGHAI), tick=False)
def test_the_board_shows_the_states_and_flags_in_scope(client: Any, world: World) -> None:
    _chemical_plants(world, 4)  # 0 published + flagged, 1 missing, 2 published, 3 missing
    result = board(world.official_a, datetime(2026, 12, 3).date())
    assert result.total == 5  # ent_a and the four plants; town A's builder does not publish
    assert result.counts == {State.MISSING: 3, State.LATE: 2, State.PENDING: 0, State.ON_TIME: 0}
    assert result.open_flags == 1
    assert board(world.official_b, datetime(2026, 12, 3).date()).total == 0  # town B has no chemical plant
    client.force_login(world.official_a)
    page = client.get(reverse("accountability:daily_board"), {"state": "missing"}).content.decode()
    assert "东城第1化工厂" in page and "东城第0化工厂" not in page
    page = client.get(reverse("accountability:daily_board")).content.decode()
    assert "承诺不实待核实" in page


@time_machine.travel(datetime(2026, 12, 3, 11, 0, tzinfo=SHANGHAI), tick=False)
def test_the_number_of_rows_comes_from_the_counts_unless_a_name_is_searched(world: World) -> None:
    """The page's count (no second COUNT over the county's enterprises) is what its rows number."""
    _chemical_plants(world, 4)
    day = datetime(2026, 12, 3).date()
    for state in ("", *BOARD_STATES, State.NOT_DUE, "no-such-state"):
        result = board(world.county_admin, day, state=state)
        assert result.shown == result.rows.count(), state
    assert board(world.county_admin, day, state="missing").shown == 3
    assert board(world.county_admin, day, query="第1").shown is None


def test_a_future_date_shows_today(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    response = client.get(reverse("accountability:daily_board"), {"date": "2999-01-01"}, follow=True)
    assert response.status_code == 200 and "不能查看今天以后的日期" in response.content.decode()


def test_the_workbook_keeps_a_formula_looking_name_as_text(client: Any, world: World) -> None:
    plant = EnterpriseFactory(name='=HYPERLINK("http://x","点我")', node=world.town_a, sectors=[world.sector_chem])
    publish(world)
    client.force_login(world.official_a)
    response = client.get(reverse("accountability:daily_board_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = {row[1].value: row[1] for row in sheet.iter_rows(min_row=3)}
    assert set(names) == {world.ent_a.name, plant.name}
    assert names[plant.name].data_type == "s"


def test_the_pdf_of_a_pledge(client: Any, world: World) -> None:
    from pypdf import PdfReader

    pledge = publish(world, operations={"hot_work_1": 1})
    client.force_login(world.official_a)
    response = client.get(reverse("accountability:daily_pledge_pdf", args=[pledge.pk]))
    data = b"".join(response.streaming_content)
    assert response.status_code == 200 and data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert world.ent_a.name in text and pledge.signature.sha256 in text.replace("\n", "")


def test_the_pledge_page_shows_the_signature(client: Any, world: World) -> None:
    pledge = publish(world)
    client.force_login(world.enterprise_a)
    page = client.get(reverse("accountability:daily_pledge", args=[pledge.pk])).content.decode()
    assert pledge.signature.sha256 in page and "甲班" in page and "王班长" in page


@time_machine.travel(datetime(2026, 12, 3, 10, 30, tzinfo=SHANGHAI), tick=False)
def test_the_dashboard_cards(client: Any, world: World) -> None:
    client.force_login(world.enterprise_a)
    page = client.get(reverse("home")).content.decode()
    assert "data-daily-pledge-today" in page and "发布今日承诺" in page
    publish(world)
    page = client.get(reverse("home")).content.decode()
    assert "查看公告" in page and "迟报" in page
    client.force_login(world.enterprise_b)  # a builder: no card
    assert "data-daily-pledge-today" not in client.get(reverse("home")).content.decode()
    client.force_login(world.official_a)
    page = client.get(reverse("home")).content.decode()
    assert "data-daily-pledges-card" in page and 'data-state="late"' in page


def test_the_county_admin_sets_sectors_and_due_time(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    url = reverse("accountability:daily_settings")
    page = client.get(url).content.decode()
    assert "尚未设置" in page
    response = client.post(url, {"sectors": [world.sector_chem.pk, world.sector_build.pk], "due_time": "09:30"})
    assert response.status_code == 302
    setting = DailyPledgeSetting.objects.get(node=world.county)
    assert str(setting.due_time) == "09:30:00" and setting.sectors.count() == 2
    response = client.post(url, {"due_time": "25:00"})
    assert response.status_code == 400 and "请按“10:00”的格式填写时间" in response.content.decode()


@time_machine.travel(datetime(2026, 12, 3, 11, 0, tzinfo=SHANGHAI), tick=False)
def test_the_board_is_paged(client: Any, world: World, monkeypatch: Any) -> None:
    from accountability.views import daily

    monkeypatch.setattr(daily, "PAGE_SIZE", 3)
    _chemical_plants(world, 4, publish_them=False)
    client.force_login(world.county_admin)
    url = reverse("accountability:daily_board")
    first, second = client.get(url).content.decode(), client.get(url, {"page": 2}).content.decode()
    shown = [
        sum(name in page for name in [world.ent_a.name, *(f"东城第{i}化工厂" for i in range(4))])
        for page in (first, second)
    ]
    assert shown == [3, 2]
    assert "第 1 / 2 页" in first


def test_a_countys_card_is_counted_once_a_minute_a_townships_at_once(client: Any, world: World) -> None:
    from django.core.cache import cache

    def states(user: Any) -> str:
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        card = page[page.index("data-daily-pledges-card") :]
        return card[: card.index("</div>", card.index("data-state"))]

    before = states(world.county_admin)
    assert states(world.official_a) == before
    publish(world)
    assert states(world.county_admin) == before  # the county's shared counts, for a minute
    assert states(world.official_a) != before  # the township counts its own at once
    cache.clear()
    assert states(world.county_admin) != before


@time_machine.travel(datetime(2026, 12, 3, 11, 0, tzinfo=SHANGHAI), tick=False)
def test_the_cards_counts_are_the_boards_rows(world: World) -> None:
    """board_counts (the dashboard card's, no rows built) counts what the board's rows show."""
    _chemical_plants(world, 8)
    day = datetime(2026, 12, 3).date()
    for user in (world.county_admin, world.official_a, world.official_b):
        rows = list(board_rows(user, day))
        figures = board_counts(user, day)
        assert figures.counts == {s: sum(1 for r in rows if r.state == s) for s in BOARD_STATES}  # type: ignore[attr-defined]
        assert figures.total == len(rows)
        assert figures.open_flags == sum(1 for r in rows if r.open_flags > 0)  # type: ignore[attr-defined]
    everything = board_counts(world.county_admin, day)
    assert everything.counts[State.ON_TIME] + everything.counts[State.LATE] >= 4 and everything.open_flags == 2
    assert board(world.county_admin, day).counts == everything.counts
