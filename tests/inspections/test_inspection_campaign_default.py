"""While a campaign runs, a new inspection offers it as the default campaign (issue 11, item 6):
the campaign that lists the enterprise among its current targets, or the only active one; and
the hazards registered in that inspection inherit it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Campaign, Target
from campaigns.selectors import campaign_default_for
from tests.conftest import World


def _campaign(world: World, name: str, **scope: Any) -> Campaign:
    today = timezone.localdate()
    campaign = campaign_services.campaign_create(
        actor=world.county_admin,
        node=world.county,
        kind=Campaign.Kind.GREAT_INSPECTION,
        name=name,
        year=today.year,
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=30),
        **scope,
    )
    return campaign_services.campaign_launch(actor=world.county_admin, campaign_id=campaign.pk)


def _selected(page: str, campaign: Campaign) -> bool:
    return f'value="{campaign.pk}" selected' in page


def test_the_campaign_listing_the_enterprise_is_the_default(client: Any, world: World) -> None:
    chem = _campaign(world, "危化品专项整治", scope_sectors=[world.sector_chem])
    build = _campaign(world, "建筑施工专项整治", scope_sectors=[world.sector_build])
    assert set(Target.objects.filter(campaign=chem).values_list("enterprise", flat=True)) == {world.ent_a.pk}
    assert campaign_default_for(user=world.official_a, enterprise_id=world.ent_a.pk) == chem
    assert campaign_default_for(user=world.official_a, enterprise_id=world.ent_a2.pk) == build
    # Two campaigns run and no enterprise is chosen yet: nothing is guessed.
    assert campaign_default_for(user=world.official_a) is None

    client.force_login(world.official_a)
    page = client.get(reverse("inspections:inspection_create"), {"enterprise": world.ent_a2.pk}).content.decode()
    assert _selected(page, build) and not _selected(page, chem)
    # 安排检查 from the list of targets names the campaign itself.
    page = client.get(
        reverse("inspections:inspection_create"), {"enterprise": world.ent_a2.pk, "campaign": chem.pk}
    ).content.decode()
    assert _selected(page, chem) and not _selected(page, build)


def test_the_only_active_campaign_is_offered_and_a_removed_target_is_not(world: World) -> None:
    campaign = _campaign(world, "冬春大排查")
    assert campaign_default_for(user=world.official_a) == campaign
    Target.objects.filter(campaign=campaign, enterprise=world.ent_a).update(removed_at=timezone.now())
    assert campaign_default_for(user=world.official_a, enterprise_id=world.ent_a.pk) is None
    # Enterprise users file no inspections and see no campaign.
    assert campaign_default_for(user=world.enterprise_a) is None
