"""The demo 约谈/督办 (`seed_demo_summonses`, after seed_demo, seed_demo_hazards and the accident
seed as in bin/run): the county's 约谈 of 河口镇人民政府 about its 较大 accident with one commitment
done and one due in 5 days, the report due; a 督办 of an enterprise with an overdue hazard at
挂牌督办/督办, its report in; a second run changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accountability.models import Summons, SummonsCommitment
from safetyops.orgs.models import Node
from tests.accountability.accident_factories import accident_row
from tests.campaigns.factories import SHANGHAI, travel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
TODAY = date(2026, 12, 3)
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> str:
    out = StringIO()
    with travel(TODAY):
        call_command("seed_demo_summonses", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=MD5), transaction.atomic():
        with travel(TODAY):
            call_command("seed_demo", stdout=StringIO())
            call_command("seed_demo_hazards", stdout=StringIO())
            call_command("seed_demo_campaigns", stdout=StringIO())  # the townships' officials
            town = Node.objects.get(parent__code="330199", name="河口镇")
            village = Node.objects.filter(parent=town).first()
            accident_row(
                village or town, datetime(2026, 11, 20, 9, tzinfo=SHANGHAI), deaths=3, title="河口镇某厂坍塌事故"
            )
        yield seed()
        transaction.set_rollback(True)


def test_the_town_is_summoned_about_its_larger_accident(seeded: str) -> None:
    summons = Summons.objects.get(node__name="河口镇", kind=Summons.Kind.SUMMONS)
    assert summons.status == Summons.Status.HELD and summons.issuer.code == "330199"
    assert summons.reasons.get().kind == "accident"
    assert summons.report_due_on == TODAY - timedelta(days=6) + timedelta(days=15)
    commitments = list(summons.commitments.order_by("due_on"))
    assert [c.done_at is not None for c in commitments] == [True, False]
    assert commitments[1].due_on == TODAY + timedelta(days=5)


def test_an_enterprise_is_supervised_and_its_report_waits(seeded: str) -> None:
    summons = Summons.objects.get(enterprise__isnull=False, kind=Summons.Kind.SUPERVISION)
    assert summons.status == Summons.Status.REPORTED and summons.report_text
    reason = summons.reasons.get()
    assert reason.kind == "hazard_listed" and reason.hazard.listed_supervision


def test_a_second_run_changes_nothing(seeded: str) -> None:
    before = (Summons.objects.count(), SummonsCommitment.objects.count())
    again = seed()
    assert again.count("already exists: nothing changed") == 2
    assert (Summons.objects.count(), SummonsCommitment.objects.count()) == before == (2, 3)
