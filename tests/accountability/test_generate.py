"""The benchmark's accountability data: consistent with the city it is added to, and usable."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accountability.models import DailyPledge, Letter, LetterTemplate
from inspections.management.commands import generate_city
from safetyops.evidence import signing
from safetyops.orgs.models import Enterprise, Node, User


@pytest.fixture
def tiny(monkeypatch: Any) -> None:
    from safetyops.orgs.models import Sector
    from safetyops.orgs.sectors import load_sectors

    if not Sector.objects.exists():
        load_sectors(Sector)
    sizes = {"counties": 2, "townships": 4, "villages": 8, "enterprises": 80, "inspections": 20, "hazards": 40}
    monkeypatch.setitem(generate_city.PRESETS, "tiny", sizes)
    call_command("generate_city", "--preset", "tiny", "--seed", "7")


@pytest.mark.django_db
def test_letters_pledges_and_daily_pledges_for_the_whole_city(tiny: None) -> None:
    call_command("generate_accountability", "--seed", "3")
    counties = Node.objects.filter(level="county").count()
    open_enterprises = Enterprise.objects.exclude(status="closed").count()
    # The city's letter to each county, each county's to its townships and its pledge to its enterprises.
    assert LetterTemplate.objects.count() == 1 + 2 * counties
    assert Letter.objects.filter(template__kind="pledge").count() == open_enterprises
    assert (
        Letter.objects.filter(template__kind="responsibility").count()
        == counties + Node.objects.filter(level="township").count()
    )
    assert Letter.objects.filter(current_version__isnull=True).count() == 0
    signed = list(Letter.objects.filter(status="signed").select_related("signature", "current_version"))
    assert 0 < len(signed) < Letter.objects.count()
    assert all(signing.verify(letter.signature, letter.current_version.text) for letter in signed)
    assert DailyPledge.objects.filter(late=True).exists() and DailyPledge.objects.filter(late=False).exists()
    with pytest.raises(CommandError):
        call_command("generate_accountability")
    client = Client()
    client.force_login(User.objects.get(username="bench_city_admin"))
    for path in ("/accountability/", "/accountability/coverage/", "/accountability/daily/", "/"):
        assert client.get(path).status_code == 200, path
