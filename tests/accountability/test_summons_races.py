"""约谈/督办 races on PostgreSQL: two of the summoned unit's people submit the report at the same
moment (one report, the other told it is in); two commitments reported done at once by two devices
(done once)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accountability.models import Summons
from accountability.summons import services
from accountability.summons.errors import SummonsError
from safetyops.core.models import AuditEvent
from safetyops.orgs.models import User
from tests.accountability.summons_factories import summons_of
from tests.conftest import World

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(action: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(action(n))
        except SummonsError as exc:
            outcomes.append(str(exc.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_reports_at_once_make_one(world: World) -> None:
    summons = summons_of(world, world.ent_a, held=True)
    user = User.objects.get(pk=world.enterprise_a.pk)

    outcomes = _race(lambda n: services.summons_report(actor=user, summons=summons, text=f"第{n}份报告"))
    assert len(outcomes) == 2, outcomes
    assert len([o for o in outcomes if isinstance(o, Summons)]) == 1, outcomes
    assert any(isinstance(o, str) and "已报送" in o for o in outcomes), outcomes
    assert AuditEvent.objects.filter(action="accountability.summons.reported").count() == 1


def test_one_commitment_done_twice_at_once_is_done_once(world: World) -> None:
    summons = summons_of(world, world.ent_a, held=True)
    user = User.objects.get(pk=world.enterprise_a.pk)
    commitment = summons.commitments.order_by("due_on").first()
    assert commitment is not None

    outcomes = _race(lambda n: services.summons_commitment_done(actor=user, commitment=commitment, note=f"设备{n}"))
    assert sorted(type(o).__name__ for o in outcomes) == ["SummonsCommitment", "str"], outcomes
    assert AuditEvent.objects.filter(action="accountability.summons.commitment_done").count() == 1
