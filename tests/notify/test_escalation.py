"""The ladder 提醒 → 催办 → 督办: marked on the hazard by the scan, audited, shown on the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Hazard, HazardEvent
from inspections.reminders import hazard_escalate
from safetyops.core.models import AuditEvent
from safetyops.notify.services import reminders_scan
from tests.conftest import World
from tests.inspections.conftest import jpeg
from tests.notify.conftest import on

pytestmark = pytest.mark.django_db

DEADLINE = date(2026, 3, 10)


def escalation_on(hazard: Hazard, day: date) -> str:
    with on(day):
        reminders_scan()
    hazard.refresh_from_db()
    return hazard.escalation


def audits(hazard: Hazard) -> list[str]:
    """The escalation ladder's audit entries (the lifecycle steps are audited too: left out here)."""
    steps = [f"inspections.hazard.{action}" for action in HazardEvent.Action.values]
    entries = AuditEvent.objects.filter(target_id=str(hazard.pk)).exclude(action__in=steps)
    return list(entries.order_by("pk").values_list("action", flat=True))


@pytest.fixture
def hazard(hazard_factory: Any) -> Hazard:
    with on(date(2026, 3, 2)):
        return hazard_factory(status="rectifying", deadline=DEADLINE)


def test_the_ladder_step_by_step(hazard: Hazard) -> None:
    assert escalation_on(hazard, date(2026, 3, 10)) == ""
    assert escalation_on(hazard, date(2026, 3, 12)) == ""  # 2 days overdue: reminded, not yet 催办
    assert escalation_on(hazard, date(2026, 3, 13)) == "urged"  # N = 3
    assert hazard.escalated_at is not None and hazard.escalated_at.date() == date(2026, 3, 13)
    assert escalation_on(hazard, date(2026, 3, 16)) == "urged"
    assert escalation_on(hazard, date(2026, 3, 17)) == "supervised"  # M = 7
    assert escalation_on(hazard, date(2026, 3, 17)) == "supervised"  # a second scan the same day changes nothing
    assert escalation_on(hazard, date(2026, 3, 30)) == "supervised"
    assert audits(hazard) == ["inspections.hazard.urged", "inspections.hazard.supervised"]
    event = AuditEvent.objects.get(action="inspections.hazard.supervised")
    assert event.actor is None and event.data["days_overdue"] == 7 and event.data["from"] == "urged"


def test_a_first_scan_long_after_the_deadline_goes_straight_to_supervised(hazard: Hazard) -> None:
    assert escalation_on(hazard, date(2026, 3, 25)) == "supervised"
    assert audits(hazard) == ["inspections.hazard.supervised"]


def test_closed_hazards_are_not_escalated(hazard_factory: Any) -> None:
    with on(date(2026, 3, 2)):
        closed = hazard_factory(status="closed", deadline=DEADLINE)
    assert escalation_on(closed, date(2026, 3, 25)) == ""
    assert audits(closed) == []


def test_a_new_deadline_takes_the_mark_back(hazard: Hazard, world: World) -> None:
    assert escalation_on(hazard, date(2026, 3, 17)) == "supervised"
    with on(date(2026, 3, 17), hour=10):
        services.hazard_report_completion(
            actor=world.enterprise_a,
            hazard_id=hazard.pk,
            description="已整改",
            money_spent=Decimal("10"),
            after_photos=[jpeg()],
        )
        # still supervised while it waits for verification: that is the office's turn now
        assert hazard_escalate()["cleared"] == 0
        services.hazard_reject_verification(
            actor=world.official_a, hazard_id=hazard.pk, reason="不彻底", new_deadline=date(2026, 3, 31)
        )
    assert escalation_on(hazard, date(2026, 3, 18)) == ""
    assert hazard.escalated_at is None
    assert audits(hazard)[-1] == "inspections.hazard.escalation_cleared"


def test_the_hazard_page_and_the_ledger_show_the_mark(client: Any, hazard: Hazard, world: World) -> None:
    escalation_on(hazard, date(2026, 3, 13))
    client.force_login(world.official_a)
    with on(date(2026, 3, 13), hour=9):
        page = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
        ledger = client.get(reverse("inspections:hazard_ledger")).content.decode()
    assert "bi-megaphone-fill" in page and "催办" in page
    assert ">催办</span>" in ledger
    escalation_on(hazard, date(2026, 3, 17))
    with on(date(2026, 3, 17), hour=9):
        ledger = client.get(reverse("inspections:hazard_ledger")).content.decode()
    assert ">督办</span>" in ledger


def test_the_step_sets_each_hazard_once_in_batches(hazard_factory: Any, monkeypatch: Any) -> None:
    from inspections import reminders

    monkeypatch.setattr(reminders, "BATCH", 2)
    with on(date(2026, 3, 2)):
        hazards = [hazard_factory(status="rectifying", deadline=DEADLINE) for _ in range(5)]
    with on(date(2026, 3, 13)):
        assert hazard_escalate() == {"supervised": 0, "urged": 5, "cleared": 0}
        assert hazard_escalate() == {"supervised": 0, "urged": 0, "cleared": 0}
    assert Hazard.objects.filter(escalation="urged").count() == 5
    assert AuditEvent.objects.filter(action="inspections.hazard.urged").count() == len(hazards)
