"""The services check what a form may have let through: a passed-down letter's year is its
source's, and a pledge names only a campaign its issuer may issue pledges for."""

from __future__ import annotations

import pytest

from accountability import services
from accountability.errors import LetterError
from accountability.models import LetterTemplate
from campaigns.models import Campaign
from tests.accountability.factories import COUNTY_ITEMS, county_template, issued_letter
from tests.campaigns.factories import county_campaign
from tests.conftest import World


def _pass_down(world: World, year: int) -> LetterTemplate:
    return services.template_create(
        actor=world.official_a,
        kind="responsibility",
        year=year,
        title="东城镇责任书",
        body="正文",
        items=COUNTY_ITEMS,
        source_letter=issued_letter(world),
    )


def test_a_letter_passed_down_is_of_its_sources_year(world: World) -> None:
    with pytest.raises(LetterError, match=r"同一年度.*2026"):
        _pass_down(world, 2031)
    assert not LetterTemplate.objects.filter(node=world.town_a).exists()


def test_a_letter_passed_down_in_the_same_year(world: World) -> None:
    assert _pass_down(world, 2026).year == 2026


def _campaign_of_town_b(world: World) -> Campaign:
    campaign = county_campaign(world, name="西山镇消防检查")
    Campaign.objects.filter(pk=campaign.pk).update(node=world.town_b)
    return Campaign.objects.get(pk=campaign.pk)


def test_a_pledge_names_only_a_campaign_its_issuer_may_use(world: World) -> None:
    other = _campaign_of_town_b(world)

    def create(campaign: Campaign) -> LetterTemplate:
        return services.template_create(
            actor=world.official_a, kind="pledge", year=2026, title="承诺书", body="正文", campaign=campaign
        )

    with pytest.raises(LetterError, match="专项行动"):
        create(other)
    assert not LetterTemplate.objects.filter(node=world.town_a).exists()
    draft = county_template(world, kind=LetterTemplate.Kind.PLEDGE)
    with pytest.raises(LetterError, match="专项行动"):
        services.template_update(actor=world.county_admin, template=draft, campaign=_closed(world))
    draft.refresh_from_db()
    assert draft.campaign is None
    running = county_campaign(world, name="消防安全大排查")
    services.template_update(actor=world.county_admin, template=draft, campaign=running)
    draft.refresh_from_db()
    assert draft.campaign == running


def _closed(world: World) -> Campaign:
    campaign = county_campaign(world, name="已结束的专项行动")
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.ENDED)
    return Campaign.objects.get(pk=campaign.pk)


def test_a_letter_names_no_campaign(world: World) -> None:
    with pytest.raises(LetterError, match="只有承诺书"):
        county_template(world, campaign=county_campaign(world))
