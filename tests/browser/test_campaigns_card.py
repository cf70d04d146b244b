"""The 专项行动 card in Chromium at phone and desktop width: the bars and the goal marker fit, and
nothing overflows sideways. Screenshots in var/artifacts/screenshots/campaigns-card-*.png."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from inspections.models import Inspection
from tests.browser.conftest import DESKTOP, PHONE, no_horizontal_overflow
from tests.browser.test_hazard_journey import login
from tests.campaigns.factories import county_campaign
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_card_fits_the_screen(
    browser: Any,
    live_server: Any,
    world: World,
    shot: Any,
    viewport: dict[str, int],
) -> None:
    today = timezone.localdate()
    county_campaign(world, name="2026年冬春火灾防控暨燃气安全隐患大排查大整治专项行动", goal_coverage=80)
    county_campaign(
        world,
        kind=Campaign.Kind.SAFETY_MONTH,
        name="安全生产月",
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=3),
        goal_coverage=100,
    )
    Inspection.objects.create(enterprise=world.ent_a, inspected_at=timezone.now(), created_by=world.official_a)
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    login(page, live_server.url, "county_admin")
    card = page.locator("[data-campaigns-card]")
    assert card.locator("li").count() == 2
    assert no_horizontal_overflow(page)
    for marker in card.locator("[data-goal]").all():
        box, bar = marker.bounding_box(), marker.locator("xpath=..").bounding_box()
        assert bar["x"] <= box["x"] <= bar["x"] + bar["width"] + 1
    card.scroll_into_view_if_needed()
    shot(page, f"campaigns-card-{viewport['width']}")
