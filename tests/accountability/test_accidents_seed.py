"""The demo accidents (`seed_demo_accidents`, after seed_demo): this year's six with one 较大 by loss
alone and one 迟报, last year's three 较大 with 西山镇 responsible twice, all through the services,
and a second run that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accountability.models import Accident, AccidentCategory, AccidentLevel, AccidentResponsibility
from safetyops.core.models import AuditEvent
from safetyops.orgs.models import Node
from tests.campaigns.factories import travel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = date(2026, 12, 3)
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> str:
    out = StringIO()
    with travel(TODAY):
        call_command("seed_demo_accidents", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=MD5, CELERY_TASK_ALWAYS_EAGER=True),
        transaction.atomic(),
    ):
        with travel(TODAY):
            call_command("seed_demo", stdout=StringIO())
        yield seed()
        transaction.set_rollback(True)


def _town(name: str) -> Node:
    return Node.objects.get(parent__code="330199", name=name)


def test_this_year(seeded: str) -> None:
    this_year = Accident.objects.filter(occurred_at__year=2026)
    assert this_year.count() == 6
    larger = this_year.get(level=AccidentLevel.LARGER)
    assert larger.node.path.startswith(_town("河口镇").path) and larger.deaths == 1 and larger.direct_loss == 1200
    assert larger.status == Accident.Status.INVESTIGATING
    assert {str(r.node or r.enterprise) for r in larger.responsibilities.all()} == {"河口镇", larger.enterprise.name}
    late = this_year.get(reported_late=True)
    assert late.category == AccidentCategory.ROAD and late.forwarded_at is not None and late.node.name == "西山镇"
    closed = this_year.get(status=Accident.Status.CLOSED)
    assert closed.node.path.startswith(_town("东城镇").path)
    assert closed.replied_on and closed.follow_ups.filter(done_at__isnull=True).count() == 0
    assert this_year.filter(node__path__startswith=_town("安平经济开发区").path).count() == 2
    assert sorted(a.number for a in this_year)[0] == "SG-2026-0001"
    assert (
        "SG-2026-" in seeded
        and sorted(Accident.objects.filter(occurred_at__year=2025).values_list("number", flat=True))[0]
        == "SG-2025-0001"
    )


def test_last_year_vetoes_xishan(seeded: str) -> None:
    last = Accident.objects.filter(occurred_at__year=2025)
    assert last.count() == 3 and set(last.values_list("level", flat=True)) == {AccidentLevel.LARGER}
    assert set(last.values_list("status", flat=True)) == {Accident.Status.CLOSED}
    xishan = AccidentResponsibility.objects.filter(accident__in=last, node__name="西山镇")
    assert xishan.count() == 2
    qingshi = last.get(node__path__startswith=_town("青石镇").path)
    assert not qingshi.responsibilities.filter(node__isnull=False).exists()
    assert qingshi.responsibilities.filter(enterprise__isnull=False).exists()


def test_the_timeline_is_dated_in_the_past(seeded: str) -> None:
    closed = Accident.objects.filter(occurred_at__year=2025).first()
    events = AuditEvent.objects.filter(target_id=str(closed.pk), action__startswith="accountability.accident.")
    assert events.count() >= 8 and all(e.created_at.year == 2025 for e in events)


def test_a_second_run_changes_nothing(seeded: str) -> None:
    before = Accident.objects.count()
    assert "nothing to do" in seed()
    assert Accident.objects.count() == before
