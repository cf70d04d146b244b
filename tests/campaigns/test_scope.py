"""Who sees which campaign, target and unit's work (DOMAIN §1, §5), written out by hand."""

from __future__ import annotations

import pytest
from django.http import Http404

from campaigns import reports, services
from campaigns.errors import NotPermitted
from campaigns.models import Campaign, UnitReport
from campaigns.scope import campaigns_visible_to, get_campaign_for_user, targets_visible_to
from safetyops.orgs.units import units_for_q, units_q
from tests.campaigns.factories import county_campaign
from tests.conftest import World


def _seers(world: World, campaign: Campaign) -> set[str]:
    return {name for name, user in world.users().items() if campaigns_visible_to(user).filter(pk=campaign.pk).exists()}


def test_a_draft_is_seen_by_its_organiser_side_and_a_running_one_from_below(world: World) -> None:
    campaign = county_campaign(world, launch=False)
    assert _seers(world, campaign) == {"county_admin", "leader_county"}
    services.campaign_launch(actor=world.county_admin, campaign_id=campaign.pk)
    assert _seers(world, campaign) == {
        "county_admin", "leader_county", "official_a", "official_b", "leader_a", "supervisor_a",
    }  # fmt: skip
    with pytest.raises(Http404):
        get_campaign_for_user(world.enterprise_a, campaign.pk)


def test_a_township_campaign_and_a_sector_campaign(world: World) -> None:
    town_b = services.campaign_create(
        actor=world.official_b,
        node=world.town_b,
        kind=Campaign.Kind.SUMMER_FIRE,
        name="西山镇夏季消防",
        year=2026,
        starts_on=county_campaign(world).starts_on,
        ends_on=county_campaign(world).ends_on,
    )
    services.campaign_launch(actor=world.official_b, campaign_id=town_b.pk)
    assert _seers(world, town_b) == {"county_admin", "leader_county", "official_b"}
    with pytest.raises(NotPermitted):  # the county sees it but does not run it
        services.campaign_end(actor=world.county_admin, campaign_id=town_b.pk)
    chem = county_campaign(world, name="危化品专项整治", scope_sectors=[world.sector_chem])
    build = county_campaign(world, name="建筑施工专项整治", scope_sectors=[world.sector_build])
    assert "supervisor_a" not in _seers(world, chem) and "supervisor_a" in _seers(world, build)


def test_targets_and_units_by_part(world: World) -> None:
    campaign = county_campaign(world)
    by = {
        name: set(targets_visible_to(u, campaign).values_list("enterprise__name", flat=True))
        for name, u in world.users().items()
    }
    assert by["county_admin"] == {world.ent_a.name, world.ent_a2.name, world.ent_b.name}
    assert by["official_a"] == {world.ent_a.name, world.ent_a2.name}
    assert by["supervisor_a"] == {world.ent_a2.name}
    assert by["enterprise_a"] == {world.ent_a.name} and by["nobody"] == set()

    task = reports.task_create(
        actor=world.county_admin,
        campaign_id=campaign.pk,
        title="自查自纠情况",
        deadline=campaign.ends_on,
        units=[world.town_a, world.town_b, world.ent_a],
    )
    rows = UnitReport.objects.filter(task=task)

    def names(q: object) -> set[str]:
        return {r.unit_name for r in rows.filter(q)}  # type: ignore[arg-type]

    assert names(units_q(world.official_a)) == {"东城镇", world.ent_a.name}
    assert names(units_q(world.official_b)) == {"西山镇"}
    assert names(units_q(world.enterprise_a)) == {world.ent_a.name}
    assert names(units_q(world.supervisor_a)) == set()  # neither its department's nor its sectors'
    assert names(units_for_q(world.official_a)) == {"东城镇"}
    assert names(units_for_q(world.enterprise_a)) == {world.ent_a.name}
    assert names(units_for_q(world.leader_a)) == set()  # leaders read, they do not report
