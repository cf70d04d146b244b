"""The ledger filter's area, sector and campaign lists: kept per scope and language, never stale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from inspections.forms.ledger import ledger_options_changed
from inspections.models import Hazard
from safetyops.orgs.models import Node
from tests.conftest import World
from tests.orgs.factories import NodeFactory, SectorFactory
from tests.selects import drawn_and_live


def options(client: Any, name: str) -> list[tuple[str, str]]:
    return drawn_and_live(client, reverse("inspections:hazard_ledger"), name)[0]


def live(client: Any, name: str) -> list[tuple[str, str]]:
    return drawn_and_live(client, reverse("inspections:hazard_ledger"), name)[1]


def campaign(world: World, name: str) -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        kind=Campaign.Kind.GREAT_INSPECTION,
        name=name,
        year=today.year,
        node=world.county,
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=30),
    )


@pytest.fixture
def county(client: Any, world: World) -> Any:
    client.force_login(world.county_admin)
    return client


def test_lists_equal_the_live_querysets(county: Any) -> None:
    for name in ("node", "sector", "campaign"):
        assert options(county, name) == live(county, name)
        assert options(county, name) == live(county, name)  # kept the second time: still equal


def test_kept_lists_ask_no_queries(county: Any) -> None:
    county.get(reverse("inspections:hazard_ledger"))  # per-process caches (content types)
    ledger_options_changed()  # as a change would: the lists are drawn once more
    with CaptureQueriesContext(connection) as drawn:
        county.get(reverse("inspections:hazard_ledger"))
    with CaptureQueriesContext(connection) as kept:
        county.get(reverse("inspections:hazard_ledger"))
    assert len(drawn.captured_queries) - len(kept.captured_queries) == 3  # areas, sectors, campaigns
    assert not any("campaigns_campaign" in query["sql"] for query in kept.captured_queries)


def test_a_new_or_renamed_area_shows_at_once(county: Any, world: World) -> None:
    before = options(county, "node")
    town = NodeFactory(code="330001003", name="南湖镇", parent=world.county)
    assert (str(town.pk), "　南湖镇") in options(county, "node")
    world.town_a.name = "东城街道"
    world.town_a.save()
    assert (str(world.town_a.pk), "　东城街道") in options(county, "node")
    town.delete()
    assert options(county, "node") == [(v, "　东城街道" if v == str(world.town_a.pk) else label) for v, label in before]


def test_a_new_sector_shows_at_once(county: Any) -> None:
    options(county, "sector")
    sector = SectorFactory(code="fireworks", name="烟花爆竹")
    assert (str(sector.pk), "烟花爆竹") in options(county, "sector")
    assert options(county, "sector") == live(county, "sector")


def test_a_campaign_shows_when_a_hazard_in_scope_is_filed_under_it(
    county: Any, world: World, hazard_factory: Callable[..., Hazard]
) -> None:
    hazard = hazard_factory(enterprise=world.ent_b)
    new = campaign(world, "2026年冬季消防专项")
    assert [label for _, label in options(county, "campaign")] == ["全部专项行动"]  # no hazards under it yet
    Hazard.objects.filter(pk=hazard.pk).update(campaign=new)  # a bulk write sends no signal
    assert (str(new.pk), "2026年冬季消防专项") in options(county, "campaign")
    new.name = "2026年冬春火灾防控"
    new.save()
    assert (str(new.pk), "2026年冬春火灾防控") in options(county, "campaign")
    hazard.refresh_from_db()
    hazard.campaign = None
    hazard.save()
    assert options(county, "campaign") == [("", "全部专项行动")]


def test_a_registered_hazard_brings_its_campaign_and_a_deleted_one_takes_it(
    county: Any, world: World, hazard_factory: Callable[..., Hazard]
) -> None:
    template = hazard_factory(enterprise=world.ent_a)
    options(county, "campaign")
    new = campaign(world, "危化品专项整治")
    fields = {f.attname: getattr(template, f.attname) for f in Hazard._meta.concrete_fields if not f.primary_key}
    Hazard.objects.tally_bulk_create([Hazard(**{**fields, "number": "YH-C-1", "campaign_id": new.pk})])
    assert (str(new.pk), "危化品专项整治") in options(county, "campaign")
    Hazard.objects.get(number="YH-C-1").delete()
    assert options(county, "campaign") == [("", "全部专项行动")]


def test_each_scope_has_its_own_lists(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    county_nodes = options(client, "node")
    client.force_login(world.official_a)
    town_nodes = options(client, "node")
    assert town_nodes != county_nodes
    assert {value for value, _ in town_nodes} - {""} == {
        str(pk) for pk in Node.objects.filter(path__startswith=world.town_a.path).values_list("pk", flat=True)
    }


def test_an_enterprise_with_one_sector_gets_no_sector_list(client: Any, world: World) -> None:
    client.force_login(world.enterprise_a)
    assert 'name="sector"' not in client.get(reverse("inspections:hazard_ledger")).content.decode()
    world.ent_a.sectors.add(world.sector_build)
    assert options(client, "sector") == live(client, "sector")
    assert {label for _, label in options(client, "sector")} == {
        "全部行业",
        world.sector_chem.name,
        world.sector_build.name,
    }
