"""Helpers of the daily 承诺公告 tests: a valid pledge input, publishing it, a hazard with a text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accountability.daily import services
from accountability.daily.services import JudgmentInput, PledgeInput
from tests.conftest import World

JUDGMENTS = (
    JudgmentInput("team", "甲班", "王班长", "无异常"),
    JudgmentInput("workshop", "合成车间", "李主任"),
    JudgmentInput("plant", "厂级", "赵厂长", "同意"),
)


def pledge_input(**overrides: Any) -> PledgeInput:
    fields: dict[str, Any] = {
        "units_total": 4,
        "units_running": 3,
        "units_stopped": 1,
        "units_maintenance": 0,
        "operations": {},
        "judgments": JUDGMENTS,
    }
    fields.update(overrides)
    return PledgeInput(**fields)


def name_of(user: Any) -> str:
    return str(user.full_name or user.username)


def publish(world: World, user: Any = None, *, key: str | None = None, **overrides: Any) -> Any:
    user = user or world.enterprise_a
    return services.daily_pledge_publish(
        actor=user, data=pledge_input(**overrides), typed_name=name_of(user), confirmed=True, key=key
    )


def hazard(
    world: World, *, description: str, level: str = "general", enterprise: Any = None, location: str = ""
) -> Any:
    from inspections import services as inspections

    enterprise = enterprise or world.ent_a
    return inspections.hazard_register(
        actor=world.official_a if enterprise.node.is_within(world.town_a) else world.official_b,
        enterprise_id=enterprise.pk,
        data=inspections.HazardInput(
            level=level,
            category="behaviour",
            description=description,
            deadline=timezone.localdate() + timedelta(days=10),
            location=location,
        ),
    )
