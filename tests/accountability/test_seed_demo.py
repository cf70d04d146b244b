"""The demo letters (`seed_demo_letters`, after seed_demo and seed_demo_campaigns as in bin/run): the
county's 目标责任书 partly signed down to the enterprises, a revised one signed again, one overdue,
the campaign 承诺书 at partial coverage, the 危化 承诺书 mostly signed, every signature verifying,
and a second run that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accountability import coverage
from accountability.models import Letter, LetterTemplate, LetterVersion
from safetyops.core.models import AuditEvent
from safetyops.evidence import signing
from safetyops.evidence.models import Attachment, Signature
from safetyops.orgs.models import Membership, Node, Role, User
from tests.campaigns.factories import travel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = date(2026, 12, 3)


MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Seeded:
    output: str
    media: Path


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (LetterTemplate, Letter, LetterVersion, Signature, Attachment, AuditEvent, User, Membership)
    }


def seed() -> str:
    out = StringIO()
    with travel(TODAY):
        call_command("seed_demo_letters", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """The demo county, its campaigns and its letters, seeded once for the module (about 10 s) in a
    transaction rolled back at its end; each test runs in a savepoint inside it."""
    from safetyops.celery import app

    media = tmp_path_factory.mktemp("media")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=MD5, CELERY_TASK_ALWAYS_EAGER=True),
            transaction.atomic(),
        ):
            with travel(TODAY):
                call_command("seed_demo", stdout=StringIO())
                call_command("seed_demo_campaigns", stdout=StringIO())
            yield Seeded(seed(), media)
            transaction.set_rollback(True)
    finally:
        app.conf.task_always_eager = eager


def county_letters() -> LetterTemplate:
    return LetterTemplate.objects.get(node__code="330199", kind=LetterTemplate.Kind.RESPONSIBILITY, year=2026)


def test_a_second_run_changes_nothing(seeded: Seeded) -> None:
    first = counts()
    again = seed()
    assert counts() == first
    assert again.count("already exists: nothing changed") == 5
    assert first["LetterTemplate"] == 5 and first["Signature"] > 50
    assert "zhenzhang8" in seeded.output and "已逾期" in seeded.output  # 桃源乡's leader: a letter to try


def test_the_township_heads_are_principals_and_one_name_has_a_rare_character(seeded: Seeded) -> None:
    towns = Node.objects.filter(parent__code="330199")
    heads = Membership.objects.filter(role=Role.LEADER, is_principal=True, node__in=towns)
    assert set(heads.values_list("node", flat=True)) == set(towns.values_list("pk", flat=True))
    assert {"王堃", "李赟", "陈璟"} <= set(heads.values_list("user__full_name", flat=True))
    assert Membership.objects.filter(role=Role.DEPARTMENT_SUPERVISOR, is_principal=True).count() >= 3
    ent1 = Membership.objects.get(user__username="ent1")
    assert ent1.is_principal and ent1.user.full_name == ent1.enterprise.principal_name
    assert not Membership.objects.get(user__username="ent1_aq").is_principal


def test_the_county_letter_is_mostly_signed_with_one_overdue_and_one_revised(seeded: Seeded, settings: Any) -> None:
    settings.MEDIA_ROOT = seeded.media
    template = county_letters()
    letters = template.letters.select_related("node", "department", "signature", "current_version")
    by_name = {letter.unit_name: letter for letter in letters}
    assert len([n for n in by_name if n.endswith(("镇", "街道", "乡", "开发区"))]) == 8
    rate = coverage.rate_of(template.letters.all(), today=TODAY)
    assert rate.addressed == 12 and 8 <= rate.signed < rate.addressed and rate.overdue == 1
    overdue = by_name["桃源乡"]
    assert overdue.status == Letter.Status.ISSUED and overdue.due_on < TODAY
    waiting = by_name["安平县交通运输局"]
    assert waiting.status == Letter.Status.ISSUED and waiting.due_on >= TODAY
    assert by_name["青石镇"].signature.method == Signature.Method.SCAN
    assert by_name["青石镇"].signature.scan.file.read(3) == b"\xff\xd8\xff"
    revised = by_name["东城镇"]
    assert revised.status == Letter.Status.SIGNED and revised.current_version.number == 2
    assert revised.signature.owner_id == revised.current_version.pk
    assert "工矿商贸生产安全事故起数不超过2起" in revised.current_version.text
    # The townships' limits differ; none is looser than the county's.
    assert len({tuple(item["value"] for item in letter.items) for letter in letters if letter.node_id}) > 2
    typed = [letter.signature for letter in letters if letter.signature and letter.signature.method == "typed"]
    assert all(s.ip and s.signer.membership.is_principal for s in typed)
    assert all(template.issued_at.date() < s.signed_at.date() <= TODAY for s in typed)


def test_two_townships_pass_it_down_partly_signed(seeded: Seeded) -> None:
    received = county_letters().letters.filter(node__isnull=False)
    derived = LetterTemplate.objects.filter(source_letter__in=received)
    assert set(derived.values_list("node__name", flat=True)) == {"东城镇", "安平经济开发区"}
    for template in derived:
        letters = template.letters.all()
        assert letters.filter(enterprise__isnull=False).exists() and letters.filter(node__isnull=False).exists()
        rate = coverage.rate_of(letters, today=TODAY)
        assert 0 < rate.signed < rate.addressed
        assert letters.filter(enterprise__isnull=False, signature__method="typed").exists()


def test_the_campaign_pledge_is_at_partial_coverage(seeded: Seeded) -> None:
    pledge = LetterTemplate.objects.get(kind=LetterTemplate.Kind.PLEDGE, campaign__isnull=False)
    assert pledge.campaign.status == "active"
    targets = pledge.campaign.targets.values_list("enterprise", flat=True)
    assert set(pledge.letters.values_list("enterprise", flat=True)) <= set(targets)
    rate = coverage.rate_of(pledge.letters.all(), today=TODAY)
    assert rate.addressed > 20 and 50 <= rate.rate <= 70


def test_the_hazchem_pledge_is_mostly_signed(seeded: Seeded) -> None:
    pledge = LetterTemplate.objects.get(kind=LetterTemplate.Kind.PLEDGE, campaign__isnull=True)
    letters = pledge.letters.all()
    assert not letters.exclude(enterprise__sectors__code="hazchem").exists()
    rate = coverage.rate_of(letters, today=TODAY)
    assert rate.addressed >= 15 and 75 <= rate.rate < 100


def test_every_signed_letter_verifies(seeded: Seeded) -> None:
    signed = Letter.objects.filter(status=Letter.Status.SIGNED).select_related("signature", "current_version")
    assert signed.count() > 50
    for letter in signed:
        assert signing.verify(letter.signature, letter.current_version.text), letter
        assert letter.signature.owner_id == letter.current_version.pk
