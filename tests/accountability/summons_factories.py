"""约谈/督办 for tests, made through the services (accountability/summons/services.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accountability.models import Summons
from accountability.summons import services
from tests.accountability.daily_factories import hazard
from tests.conftest import World


def supervised_hazard(
    world: World, *, enterprise: Any = None, listed: bool = False, overdue_days: int = 0, description: str = ""
) -> Any:
    """A hazard of `enterprise` (ent_a) at 督办 (or 挂牌督办, a 重大 one), `overdue_days` past its deadline."""
    from inspections.models import Hazard

    found = hazard(
        world,
        description=description or "储罐区可燃气体报警器失效",
        level="major" if listed else "general",
        enterprise=enterprise,
    )
    fields: dict[str, Any] = {"escalation": Hazard.Escalation.SUPERVISED, "escalated_at": timezone.now()}
    if listed:
        fields.update(listed_supervision=True, listed_at=timezone.now())
    if overdue_days:
        fields["deadline"] = timezone.localdate() - timedelta(days=overdue_days)
    Hazard.objects.filter(pk=found.pk).tally_update(**fields)
    found.refresh_from_db()
    return found


def summons_of(
    world: World,
    unit: Any = None,
    *,
    held: bool = False,
    kind: str = Summons.Kind.SUMMONS,
    reasons: list[tuple[str, int]] | None = None,
    commitments: list[tuple[Any, str]] | None = None,
    actor: Any = None,
) -> Summons:
    """The county's 约谈 of `unit` (town A by default) about a hazard at 督办 of ent_a; held today
    (with two commitments, due in 5 and 20 days) when `held`."""
    unit = unit or world.town_a
    if reasons is None:
        reasons = [("hazard", supervised_hazard(world).pk)]
    today = timezone.localdate()
    extra: dict[str, Any] = {}
    if held:
        extra = {
            "minutes": "被约谈单位说明了隐患未按期整改的原因，表示立即整改。",
            "commitments": commitments
            if commitments is not None
            else [(today + timedelta(days=5), "完成报警器更换"), (today + timedelta(days=20), "开展全员培训")],
        }
    return services.summons_create(
        actor=actor or world.county_admin,
        unit=unit,
        kind=kind,
        held_on=today if held else today + timedelta(days=3),
        place="县应急管理局三楼会议室",
        summoned_by="县安委办主任 王军",
        attendees="镇长 李明；企业主要负责人 张强",
        reasons=reasons,
        **extra,
    )
