"""A hazard's timeline: its steps and its escalations (提醒, 催办, 督办, 挂牌督办), each once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Hazard
from inspections.timeline import hazard_timeline
from safetyops.core.models import AuditEvent
from safetyops.notify.services import reminders_scan
from tests.conftest import World
from tests.notify.conftest import on

pytestmark = pytest.mark.django_db

DEADLINE = date(2026, 3, 10)


@pytest.fixture
def hazard(hazard_factory: Any) -> Hazard:
    with on(date(2026, 3, 2)):
        return hazard_factory(level="major", status="rectifying", deadline=DEADLINE)


def scan(*days: date) -> None:
    for day in days:
        with on(day):
            reminders_scan()


def labels(hazard: Hazard) -> list[str]:
    return [entry.label for entry in hazard_timeline(hazard)]


def test_an_escalation_run_puts_each_step_on_the_timeline_once(hazard: Hazard, world: World) -> None:
    scan(date(2026, 3, 7), date(2026, 3, 7))  # 3 days before, twice: one 提醒
    scan(date(2026, 3, 8), date(2026, 3, 10), date(2026, 3, 12))  # nothing new on the ladder
    scan(date(2026, 3, 13), date(2026, 3, 13), date(2026, 3, 14))  # N = 3 days overdue: 催办
    with on(date(2026, 3, 15), hour=10):
        services.hazard_list_supervision(actor=world.county_admin, hazard_id=hazard.pk, comment="县级挂牌")
    scan(date(2026, 3, 17), date(2026, 3, 17), date(2026, 3, 20))  # M = 7: 督办

    escalations = [label for label in labels(hazard) if label in {"提醒", "催办", "督办", "挂牌督办"}]
    assert escalations == ["提醒", "催办", "挂牌督办", "督办"]  # in time order, each once
    assert labels(hazard)[0] == "登记隐患"  # the lifecycle steps are there too
    reminded = AuditEvent.objects.get(action="inspections.hazard.reminded", target_id=str(hazard.pk))
    assert reminded.data["deadline"] == "2026-03-10" and reminded.data["days_before"] == 3
    assert reminded.data["recipients"] >= 1


def test_the_hazard_page_shows_urged_and_supervised_once(client: Any, hazard: Hazard, world: World) -> None:
    scan(date(2026, 3, 13), date(2026, 3, 13), date(2026, 3, 17), date(2026, 3, 17))
    with on(date(2026, 3, 18), hour=10):
        services.hazard_list_supervision(actor=world.county_admin, hazard_id=hazard.pk)
        client.force_login(world.official_a)
        page = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    assert page.count("<strong>催办</strong>") == 1
    assert page.count("<strong>督办</strong>") == 1
    assert page.count("<strong>挂牌督办</strong>") == 1  # a lifecycle step: not also from the audit trail
    assert "已逾期 3 天" in page and "已逾期 7 天" in page
    assert page.index("<strong>催办</strong>") < page.index("<strong>督办</strong>")


def test_an_enterprise_sees_its_reminder_on_the_timeline(client: Any, hazard: Hazard, world: World) -> None:
    scan(date(2026, 3, 7))
    client.force_login(world.enterprise_a)
    with on(date(2026, 3, 7), hour=10):
        page = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    assert page.count("<strong>提醒</strong>") == 1
    assert "整改期限 2026-03-10，提前 3 天提醒企业" in page


def test_audited_lifecycle_steps_are_not_shown_twice(hazard: Hazard, world: World) -> None:
    from safetyops.core.audit import log_action

    before = labels(hazard)
    log_action(hazard, "inspections.hazard.listed_supervision", actor=world.county_admin)
    log_action(hazard, "inspections.hazard.congress_reported", actor=world.enterprise_a)
    assert labels(hazard) == before


def test_an_enterprise_reads_only_the_summons_of_itself(hazard: Hazard, world: World) -> None:
    """A 约谈 of the township about the enterprise's hazard is the offices' business; one of the
    enterprise itself is shown to its users too (accountability writes both with hazard_log)."""
    from inspections.ports import hazard_log

    for unit, enterprise_id in (("东城镇", None), (hazard.enterprise.name, hazard.enterprise_id)):
        data = {"kind": "summons", "summons_id": None, "unit": unit, "issuer": "安平县", "held_on": "2026-03-20"}
        hazard_log(
            hazard.pk,
            "accountability.summons.held",
            actor=world.county_admin,
            data={**data, "enterprise_id": enterprise_id},
        )
    offices = [e.note for e in hazard_timeline(hazard) if e.action == "summons"]
    theirs = [e.note for e in hazard_timeline(hazard, enterprise_viewer=hazard.enterprise_id) if e.action == "summons"]
    assert len(offices) == 2 and any("东城镇" in note for note in offices)
    assert theirs == [note for note in offices if hazard.enterprise.name in note]
    assert hazard_timeline(hazard, enterprise_viewer=world.ent_b.pk) == [
        e for e in hazard_timeline(hazard) if e.action != "summons"
    ]
