"""Launch fixes the target list (底数) from the scope; targets_sync keeps it in step while the
campaign runs; refusals change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from campaigns import services
from campaigns.errors import CampaignError, NotPermitted
from campaigns.models import Campaign, Target
from safetyops.orgs.models import Enterprise
from tests.campaigns.factories import county_campaign, travel
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory

DAY = date(2026, 11, 2)


def _targets(campaign: Campaign) -> set[int]:
    return set(Target.objects.filter(campaign=campaign, removed_at__isnull=True).values_list("enterprise", flat=True))


@travel(DAY)
def test_the_whole_county(world: World) -> None:
    campaign = county_campaign(world)
    assert campaign.status == Campaign.Status.ACTIVE and campaign.launched_at is not None
    assert _targets(campaign) == {world.ent_a.pk, world.ent_a2.pk, world.ent_b.pk}
    rows = Target.objects.filter(campaign=campaign)
    assert not rows.filter(added_later=True).exists()
    assert rows.get(enterprise=world.ent_a).node == world.village_a


@travel(DAY)
@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (lambda w: {"scope_nodes": [w.town_a]}, lambda w: {w.ent_a, w.ent_a2}),  # the village below counts
        (lambda w: {"scope_nodes": [w.village_a]}, lambda w: {w.ent_a}),
        (lambda w: {"scope_sectors": [w.sector_build]}, lambda w: {w.ent_a2, w.ent_b}),
        (lambda w: {"scope_nodes": [w.town_a], "scope_sectors": [w.sector_build]}, lambda w: {w.ent_a2}),
        (lambda w: {"scope_risk_levels": ["major"]}, lambda w: {w.ent_b}),
        (lambda w: {"scope_risk_levels": ["major", "significant"]}, lambda w: {w.ent_a, w.ent_b}),
        # a hand-picked list replaces the filters (ent_b is neither in town A nor 危化品)
        (
            lambda w: {"scope_nodes": [w.town_a], "scope_sectors": [w.sector_chem], "scope_enterprises": [w.ent_b]},
            lambda w: {w.ent_b},
        ),
    ],
    ids=["town", "village", "sector", "town-and-sector", "risk", "risks", "hand-picked"],
)
def test_the_scope_gives_the_targets(world: World, scope: Any, expected: Any) -> None:
    Enterprise.objects.filter(pk=world.ent_b.pk).update(risk_level=Enterprise.RiskLevel.MAJOR)
    Enterprise.objects.filter(pk=world.ent_a.pk).update(risk_level=Enterprise.RiskLevel.SIGNIFICANT)
    Enterprise.objects.filter(pk=world.ent_a2.pk).update(risk_level=Enterprise.RiskLevel.LOW)
    campaign = county_campaign(world, **scope(world))
    assert _targets(campaign) == {e.pk for e in expected(world)}


@travel(DAY)
def test_closed_enterprises_are_never_targets(world: World) -> None:
    Enterprise.objects.filter(pk=world.ent_a2.pk).update(status=Enterprise.Status.CLOSED)
    Enterprise.objects.filter(pk=world.ent_b.pk).update(status=Enterprise.Status.SUSPENDED)  # 停产 still counts
    assert _targets(county_campaign(world)) == {world.ent_a.pk, world.ent_b.pk}
    picked = county_campaign(world, name="指定", scope_enterprises=[world.ent_a2, world.ent_a])
    assert _targets(picked) == {world.ent_a.pk}


@travel(DAY)
def test_an_empty_scope_is_refused_and_changes_nothing(world: World) -> None:
    campaign = county_campaign(world, launch=False, scope_nodes=[world.town_b], scope_sectors=[world.sector_chem])
    with pytest.raises(CampaignError):
        services.campaign_launch(actor=world.county_admin, campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and campaign.launched_at is None
    assert not Target.objects.filter(campaign=campaign).exists()


@travel(DAY)
def test_a_period_ending_before_it_starts_is_refused(world: World) -> None:
    with pytest.raises(CampaignError):
        county_campaign(world, launch=False, starts_on=DAY, ends_on=DAY - timedelta(days=1))
    assert not Campaign.objects.exists()
    same_day = county_campaign(world, launch=False, starts_on=DAY, ends_on=DAY)  # one day is a period
    assert same_day.starts_on == same_day.ends_on


@travel(DAY)
def test_sync_adds_a_newcomer_removes_a_closed_one_and_is_idempotent(world: World) -> None:
    campaign = county_campaign(world)
    newcomer = EnterpriseFactory(name="东城新建建材有限公司", node=world.village_a, sectors=[world.sector_build])
    outside = EnterpriseFactory(name="外县企业有限公司")  # a node outside the county
    world.ent_b.status = Enterprise.Status.CLOSED
    world.ent_b.save()

    assert services.targets_sync(campaign_id=campaign.pk) == (1, 1)
    joined = Target.objects.get(campaign=campaign, enterprise=newcomer)
    assert joined.added_later and joined.node == world.village_a and joined.removed_at is None
    gone = Target.objects.get(campaign=campaign, enterprise=world.ent_b)
    assert gone.removed_at is not None and gone.removed_reason == "企业已关闭"
    assert not Target.objects.filter(campaign=campaign, enterprise=outside).exists()
    assert _targets(campaign) == {world.ent_a.pk, world.ent_a2.pk, newcomer.pk}

    before = list(Target.objects.filter(campaign=campaign).values_list("pk", "removed_at", "added_later", "node"))
    assert services.targets_sync(campaign_id=campaign.pk) == (0, 0)
    assert list(Target.objects.filter(campaign=campaign).values_list("pk", "removed_at", "added_later", "node")) == (
        before
    )


@travel(DAY)
def test_sync_leaves_a_draft_alone(world: World) -> None:
    campaign = county_campaign(world, launch=False)
    assert services.targets_sync(campaign_id=campaign.pk) == (0, 0)
    assert not Target.objects.filter(campaign=campaign).exists()


@travel(DAY)
def test_only_the_organiser_launches_and_only_once(world: World) -> None:
    campaign = county_campaign(world, launch=False)
    with pytest.raises(NotPermitted):
        services.campaign_launch(actor=world.official_a, campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and not Target.objects.filter(campaign=campaign).exists()

    services.campaign_launch(actor=world.county_admin, campaign_id=campaign.pk)
    with pytest.raises(CampaignError):
        services.campaign_launch(actor=world.county_admin, campaign_id=campaign.pk)
    assert Target.objects.filter(campaign=campaign).count() == 3


@travel(DAY)
def test_a_township_official_organises_at_the_township(world: World) -> None:
    town = services.campaign_create(
        actor=world.official_a,
        node=world.town_a,
        kind=Campaign.Kind.SUMMER_FIRE,
        name="东城镇夏季消防",
        year=2026,
        starts_on=DAY,
        ends_on=DAY + timedelta(days=30),
    )
    services.campaign_launch(actor=world.official_a, campaign_id=town.pk)
    town.refresh_from_db()
    assert town.status == Campaign.Status.ACTIVE and town.created_by == world.official_a
    assert _targets(town) == {world.ent_a.pk, world.ent_a2.pk}


@travel(DAY)
def test_a_scope_outside_the_organisers_area_is_refused(world: World) -> None:
    fields: dict[str, Any] = {
        "kind": Campaign.Kind.SPECIAL,
        "name": "东城镇专项整治",
        "year": 2026,
        "starts_on": DAY,
        "ends_on": DAY + timedelta(days=30),
    }
    with pytest.raises(CampaignError):
        services.campaign_create(actor=world.official_a, node=world.town_a, scope_nodes=[world.town_b], **fields)
    with pytest.raises(CampaignError):
        services.campaign_create(actor=world.official_a, node=world.town_a, scope_enterprises=[world.ent_b], **fields)
    with pytest.raises(CampaignError):
        services.campaign_create(actor=world.official_a, node=world.town_a, scope_risk_levels=["red"], **fields)
    assert not Campaign.objects.exists()
