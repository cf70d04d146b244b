"""Immediate notices of hazard steps (inspections/notices.py): the other side hears of a step at
once, in the inbox and its channels, exactly once, and the group robots know the reasons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Hazard
from safetyops.notify.models import Notification, Reminder, WebhookEndpoint
from safetyops.notify.rules import known_reasons
from safetyops.orgs.models import Role, User
from tests.conftest import World
from tests.inspections.conftest import jpeg, plan_input
from tests.notify.conftest import Robot
from tests.orgs.factories import make_user

pytestmark = pytest.mark.django_db

LIFECYCLE_REASONS = {
    "hazard_registered",
    "plan_returned",
    "verification_rejected",
    "extension_decided",
    "plan_submitted",
    "completion_reported",
    "extension_requested",
}


@dataclass
class People:
    world: World
    officer: User  # ent_a's second user (安全管理员)
    colleague: User  # a second township official of town A
    enterprise: set[int]
    officials: set[int]


@pytest.fixture
def people(world: World, mail_settings: Any) -> People:
    officer = make_user(Role.ENTERPRISE_USER, enterprise=world.ent_a, username="officer_a")
    colleague = make_user(Role.TOWNSHIP_OFFICIAL, node=world.town_a, username="official_a2")
    for user in (world.enterprise_a, officer, world.official_a, colleague, world.official_b, world.county_admin):
        user.email = f"{user.username}@example.gov.cn"
        user.save()
    return People(
        world=world,
        officer=officer,
        colleague=colleague,
        enterprise={world.enterprise_a.pk, officer.pk},
        officials={world.official_a.pk, colleague.pk},
    )


def _complete(w: World, hazard: Hazard) -> None:
    services.hazard_report_completion(
        actor=w.enterprise_a, hazard_id=hazard.pk, description="已整改", money_spent=Decimal(10), after_photos=[jpeg()]
    )


def _request(w: World, hazard: Hazard) -> None:
    services.hazard_request_extension(
        actor=w.enterprise_a,
        hazard_id=hazard.pk,
        reason="设备到货延迟",
        requested_deadline=hazard.deadline + timedelta(days=10),
    )


@dataclass(frozen=True)
class Step:
    name: str
    level: str
    state: str | None  # None: the step registers the hazard itself
    run: Callable[[World, Hazard | None, Any], Any]
    reason: str
    audience: str  # "enterprise" | "officials"
    says: str


STEPS = [
    Step("new hazard", "general", None, lambda w, h, make: make(), "hazard_registered", "enterprise", "请报送整改方案"),
    Step(
        "plan to approve",
        "major",
        "registered",
        lambda w, h, make: services.hazard_submit_plan(actor=w.enterprise_a, hazard_id=h.pk, plan=plan_input(h)),
        "plan_submitted",
        "officials",
        "治理方案待审批",
    ),
    Step(
        "returned plan",
        "major",
        "plan_pending",
        lambda w, h, make: services.hazard_return_plan(actor=w.official_a, hazard_id=h.pk, reason="资金来源不清"),
        "plan_returned",
        "enterprise",
        "资金来源不清",
    ),
    Step(
        "completion to verify",
        "general",
        "rectifying",
        lambda w, h, make: _complete(w, h),
        "completion_reported",
        "officials",
        "待验收",
    ),
    Step(
        "rejected completion",
        "general",
        "awaiting_verification",
        lambda w, h, make: services.hazard_reject_verification(actor=w.official_a, hazard_id=h.pk, reason="仍有缺口"),
        "verification_rejected",
        "enterprise",
        "仍有缺口",
    ),
    Step(
        "extension request",
        "general",
        "rectifying",
        lambda w, h, make: _request(w, h),
        "extension_requested",
        "officials",
        "延期申请待审批",
    ),
]


@pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])
def test_each_step_tells_the_other_side_once(
    people: People, hazard_factory: Any, django_capture_on_commit_callbacks: Any, step: Step
) -> None:
    w = people.world
    hazard = hazard_factory(level=step.level, status=step.state) if step.state else None
    with django_capture_on_commit_callbacks(execute=True):
        made = step.run(w, hazard, lambda: hazard_factory(level=step.level))
    hazard = hazard or made
    reminders = Reminder.objects.filter(reason=step.reason)
    expected = people.enterprise if step.audience == "enterprise" else people.officials
    assert set(reminders.values_list("recipient_id", flat=True)) == expected
    assert Reminder.objects.count() == len(expected)  # nobody else, nothing else
    notes = Notification.objects.filter(user_id__in=expected)
    assert notes.count() == len(expected)
    assert all(hazard.number in n.title and step.says in n.title + n.body for n in notes)
    assert all(n.url == reverse("inspections:hazard_detail", args=[hazard.pk]) for n in notes)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        User.objects.get(pk=pk).email for pk in expected
    )  # and the e-mail channel


def test_the_extension_decision_reaches_the_enterprise(
    people: People, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = people.world
    hazard = hazard_factory(status="rectifying")
    _request(w, hazard)
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_decide_extension(actor=w.official_a, hazard_id=hazard.pk, approve=False, comment="请按期完成")
    reminders = Reminder.objects.filter(reason="extension_decided")
    assert set(reminders.values_list("recipient_id", flat=True)) == people.enterprise
    assert all("未获同意" in r.title and "请按期完成" in r.body for r in reminders)


def test_a_retried_post_notifies_once(
    client: Any, people: People, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = people.world
    hazard = hazard_factory(level="major", status="plan_pending")
    client.force_login(w.official_a)
    path = reverse("inspections:hazard_plan_decide", args=[hazard.pk])
    form = {"key": "f" * 32, "decision": "return", "comment": "请补充应急预案"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path, form).status_code == 302
        client.post(path, form)  # the phone resends the same form
    assert Notification.objects.filter(user=w.enterprise_a).count() == 1
    assert Reminder.objects.filter(reason="plan_returned").count() == len(people.enterprise)
    with django_capture_on_commit_callbacks(execute=True):  # the service called again with the same key
        services.hazard_return_plan(actor=w.official_a, hazard_id=hazard.pk, reason="请补充应急预案", key="f" * 32)
    assert Notification.objects.filter(user=w.enterprise_a).count() == 1


def test_a_second_return_the_same_day_is_told_too(
    people: People, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Once per step, not once per day: each return is a new event."""
    w = people.world
    hazard = hazard_factory(level="major", status="plan_pending")
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_return_plan(actor=w.official_a, hazard_id=hazard.pk, reason="第一次退回")
        services.hazard_submit_plan(actor=w.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard))
        services.hazard_return_plan(actor=w.official_a, hazard_id=hazard.pk, reason="第二次退回")
    bodies = sorted(Notification.objects.filter(user=w.enterprise_a).values_list("body", flat=True))
    assert len(bodies) == 2 and "第一次退回" in bodies[1] + bodies[0] and "第二次退回" in bodies[0] + bodies[1]


def test_self_reported_and_general_plans_bother_nobody(
    people: People, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = people.world
    with django_capture_on_commit_callbacks(execute=True):
        own = services.hazard_register(
            actor=w.enterprise_a,
            enterprise_id=w.ent_a.pk,
            data=services.HazardInput(
                level="general",
                category="thing",
                description="自查：灭火器过期",
                deadline=timezone.localdate() + timedelta(days=10),
            ),
        )
        services.hazard_submit_plan(actor=w.enterprise_a, hazard_id=own.pk, plan=plan_input(own))  # 一般: in force
    assert not Reminder.objects.exists()


def test_the_reasons_are_named_and_a_robot_gets_one_post_per_step(
    people: People, hazard_factory: Any, robot: Robot, django_capture_on_commit_callbacks: Any
) -> None:
    labels = known_reasons()
    assert LIFECYCLE_REASONS <= set(labels) and all(labels[r] != r for r in LIFECYCLE_REASONS)
    w = people.world
    bot = WebhookEndpoint(
        name="东城镇安监群",
        node=w.town_a,
        kind="wecom",
        url=robot.url("/cgi-bin/webhook/send?key=abc"),
        reasons="plan_returned",
    )
    bot.full_clean()  # a reason the robot form accepts
    bot.save()
    hazard = hazard_factory(level="major", status="plan_pending")
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_return_plan(actor=w.official_a, hazard_id=hazard.pk, reason="资金来源不清")
        hazard_factory()  # hazard_registered: not a reason this robot takes
    assert len(robot.requests) == 1  # two enterprise users, one post in the group
    assert hazard.number in robot.requests[0]["json"]["markdown"]["content"]
