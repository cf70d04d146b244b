"""The dashboard card 专项行动: the active campaigns the user sees, with the coverage of the user's
part against the goal and the days left; none for enterprise users; two queries however many
campaigns there are."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from inspections.models import Inspection
from tests.campaigns.factories import county_campaign, travel
from tests.conftest import World

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def _inspect(world: World, enterprise: Any, day: date) -> Inspection:
    at = timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
    return Inspection.objects.create(enterprise=enterprise, inspected_at=at, created_by=world.official_a)


def _card(client: Any, user: Any) -> str:
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    found = re.search(r"<div class=\"card mb-3\" data-campaigns-card>.*?</ul>\s*</div>", html, re.S)
    return found.group(0) if found else ""


def _bars(card: str) -> list[tuple[str, str]]:
    """(bar width, goal marker) of each campaign in the card."""
    widths = re.findall(r'class="progress-bar[^"]*" style="width: ([\d.]+)%"', card)
    goals = re.findall(r'data-goal="(\d+)"', card)
    return list(zip(widths, goals, strict=True))


@pytest.fixture
def campaign(world: World) -> Campaign:
    """冬春大排查 (1 Nov – 30 Nov 2026, goal 80 %): targets ent_a, ent_a2 (town A), ent_b (town B);
    ent_a inspected in the period, ent_b before it."""
    with travel(date(2026, 11, 1)):
        made = county_campaign(
            world, name="冬春大排查", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30), goal_coverage=80
        )
    _inspect(world, world.ent_a, date(2026, 11, 3))
    _inspect(world, world.ent_b, date(2026, 10, 20))
    return made


@travel(TODAY)
def test_officials_see_the_coverage_of_their_part(client: Any, world: World, campaign: Campaign) -> None:
    county = _card(client, world.county_admin)
    assert "冬春大排查" in county and _bars(county) == [("33.3", "80")]  # 1 of 3 targets
    assert "已检查 1/3 家" in county and "剩 10 天" in county
    town_a = _card(client, world.official_a)
    assert _bars(town_a) == [("50.0", "80")] and "已检查 1/2 家" in town_a  # its own targets only
    town_b = _card(client, world.official_b)
    assert _bars(town_b) == [("0.0", "80")] and "已检查 0/1 家" in town_b
    assert _bars(_card(client, world.leader_county)) == [("33.3", "80")]  # leaders read it too


@travel(TODAY)
def test_enterprise_users_get_no_card(client: Any, world: World, campaign: Campaign) -> None:
    client.force_login(world.enterprise_a)
    html = client.get(reverse("home")).content.decode()
    assert "data-campaigns-card" not in html and "冬春大排查" not in html


@travel(TODAY)
def test_only_active_campaigns_each_linked_to_its_progress(client: Any, world: World, campaign: Campaign) -> None:
    county_campaign(world, launch=False, name="草稿行动")
    card = _card(client, world.county_admin)
    assert "草稿行动" not in card
    assert f'href="{reverse("campaigns:campaign_progress", args=[campaign.pk])}"' in card
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.ENDED)
    assert _card(client, world.county_admin) == ""


@travel(TODAY)
def test_the_card_takes_the_same_queries_for_more_campaigns(client: Any, world: World, campaign: Campaign) -> None:
    client.force_login(world.county_admin)
    client.get(reverse("home"))  # warm the session
    cache.clear()  # the county's card is counted at most once a minute: count it each time here
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    for name in ("夏季消防安全专项行动", "打非治违专项行动"):
        county_campaign(world, name=name, starts_on=date(2026, 11, 10), ends_on=date(2026, 12, 31))
    cache.clear()
    with CaptureQueriesContext(connection) as three:
        html = client.get(reverse("home")).content.decode()
    assert html.count("data-goal=") == 3
    assert len(three.captured_queries) == len(one.captured_queries)
