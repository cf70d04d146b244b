"""Who hears of a 约谈/督办: the summoned unit at once when summoned and when it must report, the
issuer when the report is in; daily: commitments due in 3 days and overdue (the unit, each day),
the report overdue (the unit each day, the issuer once). Each exactly once per reason, object,
person and day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from accountability.models import Summons, SummonsCommitment
from accountability.summons import services
from safetyops.notify.models import Reminder
from safetyops.notify.services import reminders_scan
from tests.accountability.summons_factories import summons_of
from tests.campaigns.factories import travel
from tests.conftest import World

pytestmark = pytest.mark.django_db
DAILY = (
    "summons_commitment_due",
    "summons_commitment_overdue",
    "summons_report_overdue",
    "summons_report_overdue_issuer",
)
DAY = date(2026, 5, 4)  # the talk: commitments due 9 May and 24 May, the report 19 May


def _told(reason: str) -> set[int]:
    return set(Reminder.objects.filter(reason=reason).values_list("recipient_id", flat=True))


def _scan(day: date) -> dict[str, int]:
    with travel(day):
        counts = reminders_scan(today=day)
    return {reason: counts.get(reason, 0) for reason in DAILY}


def test_the_summoned_unit_hears_once_and_the_issuer_hears_of_the_report(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        summons = summons_of(world)
    town_a_people = {world.official_a.pk, world.leader_a.pk}
    assert _told("summons_planned") == town_a_people
    body = Reminder.objects.get(reason="summons_planned", recipient=world.official_a).body
    assert "县应急管理局三楼会议室" in body and summons.held_on.isoformat() in body
    with django_capture_on_commit_callbacks(execute=True):
        services.summons_record(
            actor=world.county_admin, summons=summons, minutes="已约谈", held_on=summons.held_on - timedelta(days=3)
        )
    assert _told("summons_held") == town_a_people
    with django_capture_on_commit_callbacks(execute=True):
        services.summons_report(actor=world.official_a, summons=summons, text="整改报告")
    assert _told("summons_reported") == {world.county_admin.pk}
    from accountability.summons import notices

    assert notices.tell_reported(summons.pk) == 0  # told once
    assert Reminder.objects.filter(reason="summons_reported").count() == 1


def test_an_enterprise_hears_of_its_supervision(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        summons_of(world, world.ent_a, held=True, kind=Summons.Kind.SUPERVISION)
    assert _told("summons_held") == {world.enterprise_a.pk}
    assert not _told("summons_planned")


def test_the_daily_rules(world: World) -> None:
    with travel(DAY):
        summons = summons_of(world, world.ent_a, held=True)
    assert summons.report_due_on == date(2026, 5, 19)
    assert _scan(date(2026, 5, 5)) == dict.fromkeys(DAILY, 0)
    assert _scan(date(2026, 5, 6))["summons_commitment_due"] == 1  # due 9 May: 3 days ahead
    assert _scan(date(2026, 5, 6))["summons_commitment_due"] == 0  # run twice, sent once
    assert _scan(date(2026, 5, 7))["summons_commitment_due"] == 1  # every day
    assert _scan(date(2026, 5, 10))["summons_commitment_overdue"] == 1
    assert _scan(date(2026, 5, 11))["summons_commitment_overdue"] == 1
    commitment = SummonsCommitment.objects.filter(summons=summons).order_by("due_on").first()
    assert commitment is not None
    with travel(date(2026, 5, 11)):
        services.summons_commitment_done(actor=world.enterprise_a, commitment=commitment, note="已更换")
    assert _scan(date(2026, 5, 12))["summons_commitment_overdue"] == 0
    first = _scan(date(2026, 5, 20))
    assert (first["summons_report_overdue"], first["summons_report_overdue_issuer"]) == (1, 1)
    second = _scan(date(2026, 5, 21))
    assert (second["summons_report_overdue"], second["summons_report_overdue_issuer"]) == (1, 0)  # the issuer once
    assert _told("summons_report_overdue") == {world.enterprise_a.pk}
    assert _told("summons_report_overdue_issuer") == {world.county_admin.pk}
    with travel(date(2026, 5, 21)):
        services.summons_report(actor=world.enterprise_a, summons=summons, text="已整改")
    assert _scan(date(2026, 5, 22))["summons_report_overdue"] == 0
    target_type = ContentType.objects.get_for_model(SummonsCommitment)
    due_days = Reminder.objects.filter(reason="summons_commitment_due", target_type=target_type)
    assert set(due_days.filter(target_id=str(commitment.pk)).values_list("day", flat=True)) == {
        date(2026, 5, 6),
        date(2026, 5, 7),
    }
    assert due_days.exclude(target_id=str(commitment.pk)).count() == 2  # the second (due 24 May) on 21 and 22 May
