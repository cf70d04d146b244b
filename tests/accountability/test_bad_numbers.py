"""Numbers typed by hand into a query string or a form: Unicode digits ("²" passes str.isdigit()
but not int()), words, signs and numbers no column holds are the default (or a 404), never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountability.exports import CoverageFilter
from safetyops.core.params import parse_ids, parse_int
from tests.accountability.factories import county_template
from tests.conftest import World

pytestmark = pytest.mark.django_db

BAD = ["²", "١٢", "abc", "-1", "99999999999999999999", " ", "1e3", "０"]


@pytest.mark.parametrize("text", BAD)
def test_parse_int_refuses_what_is_not_a_plain_number(text: str) -> None:
    assert parse_int(text) is None
    assert parse_int(text, 2000, 2100) is None


def test_parse_int_reads_plain_numbers_in_range() -> None:
    assert parse_int("2026", 2000, 2100) == 2026 and parse_int(" 7 ") == 7 and parse_int(7) == 7
    assert parse_int("1999", 2000, 2100) is None and parse_int("0", 1) is None and parse_int(None) is None
    assert parse_int(str(2**63 - 1)) == 2**63 - 1 and parse_int(str(2**63)) is None
    assert parse_ids(["3", "²", "abc", "-1", "4"]) == [3, 4]


@pytest.mark.parametrize("text", BAD)
@pytest.mark.parametrize(
    "name,params",
    [
        ("accountability:overview", ["year"]),
        ("accountability:coverage", ["year", "node"]),
        ("accountability:coverage_export", ["year", "campaign", "template"]),
        ("accountability:daily_settings", ["node"]),
    ],
)
def test_query_numbers_never_crash_a_page(client: Any, world: World, name: str, params: list[str], text: str) -> None:
    client.force_login(world.county_admin)
    for param in params:
        response = client.get(reverse(name), {param: text})
        assert response.status_code == 200, (param, text, response.status_code)


@pytest.mark.parametrize("text", BAD)
def test_a_campaign_typed_into_the_new_template_page_is_ignored(client: Any, world: World, text: str) -> None:
    client.force_login(world.county_admin)
    response = client.get(reverse("accountability:template_create"), {"kind": "pledge", "campaign": text})
    assert response.status_code == 200


@pytest.mark.parametrize("text", BAD)
def test_posted_addressees_that_are_not_ids_are_dropped(client: Any, world: World, text: str) -> None:
    template = county_template(world)
    client.force_login(world.county_admin)
    url = reverse("accountability:template_address", args=[template.pk])
    response = client.post(url, {"nodes": [text, str(world.town_a.pk)], "departments": [text], "enterprises": [text]})
    assert response.status_code == 302
    assert list(template.letters.values_list("node_id", flat=True)) == [world.town_a.pk]


def test_the_workbook_filter_keeps_its_defaults() -> None:
    import datetime

    today = datetime.date(2026, 5, 1)
    assert CoverageFilter.from_query({"year": "²", "campaign": "²", "template": "-1"}, today=today) == CoverageFilter(
        year=2026
    )
    assert CoverageFilter.from_query({"year": "2025", "campaign": "12"}, today=today) == CoverageFilter(
        year=2025, campaign_id=12
    )


def test_a_node_id_outside_the_tree_is_404(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    response = client.get(reverse("accountability:coverage"), {"node": "999999999"})
    assert response.status_code == 404
