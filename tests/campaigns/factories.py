"""Campaigns for the tests: a county campaign created by the county admin (and launched), and a
clock frozen at a Shanghai day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def travel(day: date, hour: int = 10) -> Any:
    """Freeze the clock at `hour` o'clock of `day`, Asia/Shanghai (a decorator or a context manager)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI), tick=False)


def county_campaign(world: World, *, launch: bool = True, **fields: Any) -> Campaign:
    """A campaign of the county (a 大排查大整治 around today unless told otherwise), launched by default."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "kind": Campaign.Kind.GREAT_INSPECTION,
        "name": "大排查大整治",
        "year": today.year,
        "starts_on": today - timedelta(days=5),
        "ends_on": today + timedelta(days=30),
        **fields,
    }
    campaign = services.campaign_create(actor=world.county_admin, node=world.county, **values)
    if launch:
        campaign = services.campaign_launch(actor=world.county_admin, campaign_id=campaign.pk)
    return campaign


def ended_campaign(world: World, **fields: Any) -> Campaign:
    """A county campaign launched and ended by the county admin."""
    campaign = county_campaign(world, **fields)
    return services.campaign_end(actor=world.county_admin, campaign_id=campaign.pk)


def published_summary(world: World, **fields: Any) -> Any:
    """An ended county campaign whose drafted summary is published and its PDF rendered (the
    worker's service, called here: the test's transaction never commits)."""
    from campaigns import summary

    campaign = ended_campaign(world, **fields)
    summary.summary_draft(actor=world.county_admin, campaign_id=campaign.pk)
    published = summary.summary_publish(actor=world.county_admin, campaign_id=campaign.pk)
    summary.summary_render(summary_id=published.pk)
    published.refresh_from_db()
    return published
