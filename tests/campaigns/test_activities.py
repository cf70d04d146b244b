"""A unit reports its part of an activity with photos; only that unit, only while the campaign is
open; a bad photo or a date in the future changes nothing; a correction keeps the first text."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import activities, services
from campaigns.errors import CampaignError, NotPermitted
from campaigns.models import Activity, ActivityAssignment, Campaign
from safetyops.core.models import AuditEvent
from safetyops.evidence.models import Attachment
from tests.conftest import World
from tests.inspections.conftest import jpeg

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def assignment(world: World) -> ActivityAssignment:
    campaign = services.campaign_create(
        actor=world.county_admin,
        node=world.county,
        kind=Campaign.Kind.SAFETY_MONTH,
        name="2026年安全生产月",
        year=2026,
        theme="人人讲安全、个个会应急——查找身边安全隐患",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 30),
    )
    activity = activities.activity_create(
        actor=world.county_admin,
        campaign_id=campaign.pk,
        kind=Activity.Kind.CONSULTATION_DAY,
        title="安全宣传咨询日",
        planned_on=date(2026, 6, 16),
        units=[world.town_a, world.town_b],
    )
    services.campaign_launch(actor=world.county_admin, campaign_id=campaign.pk)
    return ActivityAssignment.objects.get(activity=activity, node=world.town_a)


@time_machine.travel(datetime(2026, 6, 17, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_the_unit_reports_with_photos_and_a_correction_keeps_the_first(world: World, assignment: Any) -> None:
    with pytest.raises(NotPermitted):
        activities.activity_report(
            actor=world.official_b, assignment_id=assignment.pk, held_on=date(2026, 6, 16), summary="x"
        )
    with pytest.raises(CampaignError, match="不能晚于今天"):
        activities.activity_report(
            actor=world.official_a, assignment_id=assignment.pk, held_on=date(2026, 6, 18), summary="x"
        )
    bad = SimpleUploadedFile("现场.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(CampaignError):
        activities.activity_report(
            actor=world.official_a, assignment_id=assignment.pk, held_on=date(2026, 6, 16), summary="x", photos=[bad]
        )
    assert not ActivityAssignment.objects.get(pk=assignment.pk).reported and not Attachment.objects.exists()

    activities.activity_report(
        actor=world.official_a,
        assignment_id=assignment.pk,
        held_on=date(2026, 6, 16),
        place="东城镇文化广场",
        summary="设咨询台3个，发放宣传资料500份。",
        participants=320,
        photos=[jpeg("咨询台.jpg")],
    )
    activities.activity_report(
        actor=world.official_a,
        assignment_id=assignment.pk,
        held_on=date(2026, 6, 16),
        summary="设咨询台3个，发放宣传资料800份。",
        participants=320,
        photos=[jpeg("现场.jpg", colour="green")],
    )
    done = ActivityAssignment.objects.get(pk=assignment.pk)
    assert done.reported and done.summary.endswith("800份。") and done.reported_by == world.official_a
    photos = Attachment.objects.filter(owner_id=done.pk, node=world.town_a)
    assert sorted(photos.values_list("original_name", flat=True)) == ["咨询台.jpg", "现场.jpg"]
    entries = AuditEvent.objects.filter(action="campaigns.activity.reported").order_by("pk")
    assert entries.count() == 2 and entries.last().data["before"]["summary"].endswith("500份。")


@time_machine.travel(datetime(2026, 7, 2, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_no_report_after_the_summary(world: World, assignment: Any) -> None:
    Campaign.objects.filter(pk=assignment.activity.campaign_id).update(status=Campaign.Status.SUMMARISED)
    with pytest.raises(CampaignError, match="已总结"):
        activities.activity_report(
            actor=world.official_a, assignment_id=assignment.pk, held_on=date(2026, 6, 16), summary="x"
        )
