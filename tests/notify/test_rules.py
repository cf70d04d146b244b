"""Which reminders fire on which day, for each rule (frozen time, defaults N=3, M=7, 10 days).

The world: enterprise_a works for 东城化工 (a village of 东城镇 = town A); official_a and leader_a
sit on town A; county_admin and leader_county on the county; supervisor_a supervises
construction only, so never gets the chemical plant's reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from inspections import services
from inspections.models import Hazard
from safetyops.notify.models import Reminder
from safetyops.notify.rules import Due, Rule, register, registered_rules
from safetyops.notify.services import reminders_scan
from tests.conftest import World
from tests.inspections.conftest import jpeg
from tests.notify.conftest import fired, on

pytestmark = pytest.mark.django_db

REGISTERED = date(2026, 3, 2)
DEADLINE = date(2026, 3, 10)
ENTERPRISE = {"enterprise_a"}
URGED = ENTERPRISE | {"official_a"}  # N = 3 days overdue
SUPERVISED = URGED | {"leader_a"}  # M = 7 days overdue
COUNTY = {"county_admin", "leader_county"}


def scan(day: date) -> dict[str, set[str]]:
    with on(day):
        reminders_scan()
    return fired(day)


def make(hazard_factory: Callable[..., Hazard], **kwargs: Any) -> Hazard:
    with on(REGISTERED):
        return hazard_factory(deadline=DEADLINE, **kwargs)


DEADLINE_DAYS = [
    (date(2026, 3, 6), set()),  # 4 days before
    (date(2026, 3, 7), ENTERPRISE),  # 3 days before
    (date(2026, 3, 8), set()),
    (date(2026, 3, 9), set()),
    (date(2026, 3, 10), ENTERPRISE),  # the day
    (date(2026, 3, 11), ENTERPRISE),  # 1 day overdue
    (date(2026, 3, 12), ENTERPRISE),
    (date(2026, 3, 13), URGED),  # 3 days overdue: 催办, the township official too
    (date(2026, 3, 16), URGED),
    (date(2026, 3, 17), SUPERVISED),  # 7 days overdue: 督办, the township leader too
    (date(2026, 4, 30), SUPERVISED),  # and every day after
]


@pytest.mark.parametrize(("day", "expected"), DEADLINE_DAYS)
def test_deadline_of_a_general_hazard(hazard_factory: Any, day: date, expected: set[str]) -> None:
    make(hazard_factory, status="rectifying")
    found = scan(day)
    assert found.get("hazard_deadline", set()) == expected
    assert set(found) <= {"hazard_deadline"}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 7), ENTERPRISE),
        (date(2026, 3, 10), ENTERPRISE),
        (date(2026, 3, 11), ENTERPRISE | COUNTY),  # 重大: the county from the first day overdue
        (date(2026, 3, 13), URGED | COUNTY),
        (date(2026, 3, 17), SUPERVISED | COUNTY),
    ],
)
def test_deadline_of_a_major_hazard_reaches_the_county(hazard_factory: Any, day: date, expected: set[str]) -> None:
    make(hazard_factory, level="major", status="rectifying")
    assert scan(day).get("hazard_deadline", set()) == expected


def test_the_texts_say_where_the_hazard_stands(hazard_factory: Any) -> None:
    hazard = make(hazard_factory, status="rectifying")
    scan(date(2026, 3, 7))
    scan(date(2026, 3, 13))
    scan(date(2026, 3, 17))
    titles = list(
        Reminder.objects.filter(recipient__username="enterprise_a").order_by("day").values_list("title", "body")
    )
    assert titles[0][0] == f"隐患整改期限还有 3 天：{hazard.number}" and "2026-03-10" in titles[0][1]
    assert titles[1][0] == f"【催办】隐患已逾期 3 天：{hazard.number}"
    assert titles[2][0] == f"【督办】隐患已逾期 7 天：{hazard.number}" and "东城化工有限公司" in titles[2][1]
    reminder = Reminder.objects.filter(recipient__username="enterprise_a").first()
    assert reminder is not None and reminder.url == f"/hazards/{hazard.pk}/" and reminder.node_id == hazard.node_id


@pytest.mark.parametrize("status", ["closed", "awaiting_verification"])
def test_nothing_about_the_deadline_once_the_enterprise_has_done_its_part(hazard_factory: Any, status: str) -> None:
    make(hazard_factory, status=status)
    for offset in range(-4, 20):
        found = scan(DEADLINE + timedelta(days=offset))
        assert "hazard_deadline" not in found, offset
    if status == "closed":
        assert not Reminder.objects.exists()


def test_registered_and_plan_pending_hazards_are_reminded_too(hazard_factory: Any, world: World) -> None:
    make(hazard_factory, status="registered")
    make(hazard_factory, level="major", status="plan_pending")
    scan(DEADLINE)
    assert Reminder.objects.filter(reason="hazard_deadline", day=DEADLINE).count() == 2


def test_inactive_users_get_nothing(hazard_factory: Any, world: World) -> None:
    make(hazard_factory, status="rectifying")
    world.official_a.is_active = False
    world.official_a.save()
    assert scan(date(2026, 3, 13))["hazard_deadline"] == ENTERPRISE


def test_a_plan_waiting_for_approval_reminds_the_township_daily(hazard_factory: Any, world: World) -> None:
    hazard = make(hazard_factory, level="major", status="plan_pending")
    assert "plan_awaiting_approval" not in scan(REGISTERED)  # filed today
    assert scan(REGISTERED + timedelta(days=1))["plan_awaiting_approval"] == {"official_a"}
    assert scan(REGISTERED + timedelta(days=2))["plan_awaiting_approval"] == {"official_a"}
    reminder = Reminder.objects.filter(reason="plan_awaiting_approval").order_by("day").last()
    assert reminder is not None and "已等待 2 天" in reminder.body
    with on(REGISTERED + timedelta(days=2), hour=10):
        services.hazard_approve_plan(actor=world.official_a, hazard_id=hazard.pk, comment="同意")
    assert "plan_awaiting_approval" not in scan(REGISTERED + timedelta(days=3))


def test_verification_waiting_more_than_ten_days(hazard_factory: Any, world: World) -> None:
    hazard = make(hazard_factory, status="awaiting_verification")  # reported on REGISTERED
    assert "verification_waiting" not in scan(REGISTERED + timedelta(days=10))
    assert scan(REGISTERED + timedelta(days=11))["verification_waiting"] == {"official_a"}
    assert scan(REGISTERED + timedelta(days=12))["verification_waiting"] == {"official_a"}
    with on(REGISTERED + timedelta(days=12), hour=10):
        services.hazard_verify(actor=world.official_a, hazard_id=hazard.pk, opinion="整改到位")
    assert scan(REGISTERED + timedelta(days=13)) == {}


def test_the_wait_counts_from_the_latest_completion_report(hazard_factory: Any, world: World) -> None:
    hazard = make(hazard_factory, status="awaiting_verification")
    with on(REGISTERED + timedelta(days=5), hour=10):
        services.hazard_reject_verification(actor=world.official_a, hazard_id=hazard.pk, reason="不彻底")
        services.hazard_report_completion(
            actor=world.enterprise_a,
            hazard_id=hazard.pk,
            description="已补充整改",
            money_spent=Decimal("100"),
            after_photos=[jpeg()],
        )
    assert "verification_waiting" not in scan(REGISTERED + timedelta(days=11))
    assert "verification_waiting" in scan(REGISTERED + timedelta(days=16))


def test_thresholds_come_from_settings(hazard_factory: Any, settings: Any) -> None:
    settings.REMINDER_DAYS_BEFORE = 5
    settings.REMINDER_OFFICIAL_AFTER_DAYS = 1
    make(hazard_factory, status="rectifying")
    assert scan(DEADLINE - timedelta(days=5))["hazard_deadline"] == ENTERPRISE
    assert "hazard_deadline" not in scan(DEADLINE - timedelta(days=3))
    assert scan(DEADLINE + timedelta(days=1))["hazard_deadline"] == URGED


def test_a_new_rule_is_one_more_unit_not_a_change_to_the_scanner(world: World) -> None:
    class Birthday(Rule):
        reason = "test_birthday"
        label = "生日"

        def due(self, today: date) -> list[Due]:
            return [Due.of(world.ent_a, recipients=[world.enterprise_a.pk], title="生日快乐", body="…")]

    register(Birthday())
    try:
        assert scan(date(2026, 5, 1)) == {"test_birthday": {"enterprise_a"}}
        assert reminders_scan(today=date(2026, 5, 1)) == {r.reason: 0 for r in registered_rules()}
    finally:
        from safetyops.notify import rules

        rules._RULES.pop("test_birthday")
