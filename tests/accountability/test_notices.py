"""The daily reminder rules of letters and pledges: unsigned REMIND_AFTER_DAYS days after issue (the
signer, once), overdue (the signer daily; the issuer's officials once); a scan run twice sends once."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType

from accountability import notices, services
from accountability.models import Letter
from safetyops.evidence import signing
from safetyops.notify.models import Reminder
from safetyops.notify.rules import registered_rules
from safetyops.notify.services import reminders_scan
from tests.accountability.factories import issued_letter, issued_pledge
from tests.campaigns.factories import travel
from tests.conftest import World

pytestmark = pytest.mark.django_db
REASONS = ("letter_unsigned", "letter_overdue", "letter_overdue_issuer")


@pytest.fixture
def issued(world: World) -> tuple[Letter, Letter]:
    """Issued on 2 March 2026 (7 days to sign: due 9 March): a letter to town A, a pledge to ent_a."""
    with travel(date(2026, 3, 2)):
        return issued_letter(world), issued_pledge(world)


def _scan(day: date) -> dict[str, int]:
    with travel(day):
        counts = reminders_scan(today=day)
    return {reason: counts.get(reason, 0) for reason in REASONS}


def _sent(reason: str, day: date | None = None) -> set[tuple[int, int]]:
    rows = Reminder.objects.filter(reason=reason, target_type=ContentType.objects.get_for_model(Letter))
    if day is not None:
        rows = rows.filter(day=day)
    return {(int(target), user) for target, user in rows.values_list("target_id", "recipient_id")}


def test_the_rules_are_registered() -> None:
    assert set(REASONS) <= {rule.reason for rule in registered_rules()}


def test_unsigned_after_three_days_the_signer_hears_once(world: World, issued: tuple[Letter, Letter]) -> None:
    letter, pledge = issued
    assert notices.REMIND_AFTER_DAYS == 3
    assert _scan(date(2026, 3, 4))["letter_unsigned"] == 0
    assert _scan(date(2026, 3, 5))["letter_unsigned"] == 2
    assert _sent("letter_unsigned") == {(letter.pk, world.leader_a.pk), (pledge.pk, world.enterprise_a.pk)}
    assert _scan(date(2026, 3, 5))["letter_unsigned"] == 0  # the same scan again
    assert _scan(date(2026, 3, 6))["letter_unsigned"] == 0  # once, not daily
    reminder = Reminder.objects.get(reason="letter_unsigned", recipient=world.leader_a)
    assert "安平县下达的《2026年度安全生产目标责任书》已下达3天，尚未签署" in reminder.body
    assert reminder.url == f"/accountability/copies/{letter.pk}/"


def test_overdue_the_signer_hears_daily_and_the_issuer_once(world: World, issued: tuple[Letter, Letter]) -> None:
    letter, pledge = issued
    assert _scan(date(2026, 3, 9)) == {"letter_unsigned": 2, "letter_overdue": 0, "letter_overdue_issuer": 0}
    first = _scan(date(2026, 3, 10))
    assert first == {"letter_unsigned": 0, "letter_overdue": 2, "letter_overdue_issuer": 2}
    assert _sent("letter_overdue_issuer") == {(letter.pk, world.county_admin.pk), (pledge.pk, world.county_admin.pk)}
    assert _scan(date(2026, 3, 10)) == dict.fromkeys(REASONS, 0)  # run twice, sent once
    assert _scan(date(2026, 3, 11)) == {"letter_unsigned": 0, "letter_overdue": 2, "letter_overdue_issuer": 0}
    assert _sent("letter_overdue", date(2026, 3, 11)) == {
        (letter.pk, world.leader_a.pk),
        (pledge.pk, world.enterprise_a.pk),
    }
    body = Reminder.objects.get(reason="letter_overdue", recipient=world.leader_a, day=date(2026, 3, 11)).body
    assert "签署期限为2026-03-09，已逾期2天" in body


def test_a_signed_or_withdrawn_letter_is_left_alone(world: World, issued: tuple[Letter, Letter]) -> None:
    letter, pledge = issued
    with travel(date(2026, 3, 3)):
        services.letter_sign(
            actor=world.leader_a, letter=letter, typed_name=signing.name_of(world.leader_a), confirmed=True
        )
        services.letter_withdraw(actor=world.county_admin, letter=pledge, reason="对象有误")
    assert _scan(date(2026, 3, 5)) == dict.fromkeys(REASONS, 0)
    assert _scan(date(2026, 3, 12)) == dict.fromkeys(REASONS, 0)


def test_a_unit_without_a_principal_is_told_through_its_people(world: World) -> None:
    """Town B has no principal recorded: its official hears, so that someone passes it on."""
    with travel(date(2026, 3, 2)):
        letter = issued_letter(world, unit=world.town_b)
    assert _scan(date(2026, 3, 5))["letter_unsigned"] == 1
    assert _sent("letter_unsigned") == {(letter.pk, world.official_b.pk)}
