"""The enterprise directory's area and sector lists: kept per scope and language, never stale."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safetyops.orgs.forms import filter_options_changed
from tests.conftest import World
from tests.orgs.factories import NodeFactory, SectorFactory
from tests.selects import drawn_and_live

pytestmark = pytest.mark.django_db


def options(client: Any, name: str) -> list[tuple[str, str]]:
    return drawn_and_live(client, reverse("orgs:enterprise_list"), name)[0]


def live(client: Any, name: str) -> list[tuple[str, str]]:
    return drawn_and_live(client, reverse("orgs:enterprise_list"), name)[1]


def test_lists_follow_every_node_and_sector_change(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    for name in ("node", "sector"):
        assert options(client, name) == live(client, name)
    town = NodeFactory(code="330001009", name="北港镇", parent=world.county)
    assert (str(town.pk), str(town)) in options(client, "node")
    sector = SectorFactory(code="fireworks", name="烟花爆竹")
    assert (str(sector.pk), "烟花爆竹") in options(client, "sector")
    sector.name = "烟花爆竹经营"
    sector.save()
    assert (str(sector.pk), "烟花爆竹经营") in options(client, "sector")
    town.delete()
    for name in ("node", "sector"):
        assert options(client, name) == live(client, name)


def test_kept_lists_ask_no_queries(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    client.get(reverse("orgs:enterprise_list"))
    filter_options_changed()
    with CaptureQueriesContext(connection) as drawn:
        client.get(reverse("orgs:enterprise_list"))
    with CaptureQueriesContext(connection) as kept:
        client.get(reverse("orgs:enterprise_list"))
    assert len(drawn.captured_queries) - len(kept.captured_queries) == 2  # areas, sectors
    assert {value for value, _ in options(client, "node")} - {""} == {str(world.town_a.pk)}
