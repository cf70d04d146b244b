"""Accidents as rows, for tests of what reads them (indicators, the veto, briefings). The
registry's own tests go through accountability/accidents/services.py."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from accountability.accidents.levels import is_late_report, level_of
from accountability.models import Accident, AccidentCategory, AccidentResponsibility
from safetyops.orgs.models import Node
from safetyops.orgs.units import unit_fields

_numbers = itertools.count(1)


def accident_row(
    node: Node,
    occurred_at: datetime.datetime,
    *,
    category: str = AccidentCategory.INDUSTRIAL,
    deaths: int = 0,
    serious_injuries: int = 0,
    direct_loss: str | Decimal = "0",
    status: str = Accident.Status.REGISTERED,
    reported_after: datetime.timedelta = datetime.timedelta(minutes=30),
    responsible: list[Any] | None = None,
    **fields: Any,
) -> Accident:
    loss = Decimal(direct_loss)
    reported_at = occurred_at + reported_after
    accident = Accident.objects.create(
        number=f"SG-T-{next(_numbers):05d}",
        title=fields.pop("title", "测试事故"),
        status=status,
        occurred_at=occurred_at,
        reported_at=reported_at,
        place=fields.pop("place", "厂区"),
        node=node,
        category=category,
        deaths=deaths,
        serious_injuries=serious_injuries,
        direct_loss=loss,
        level=level_of(deaths=deaths, serious_injuries=serious_injuries, direct_loss=loss),
        reported_late=is_late_report(occurred_at, reported_at),
        **fields,
    )
    for unit in responsible or []:
        AccidentResponsibility.objects.create(accident=accident, finding="负有属地管理责任", **unit_fields(unit))
    return accident


# Through the services (the registry's own tests) -------------------------------------------------

SIX_ITEMS = {
    "unit_overview": "东城化工有限公司，危险化学品生产企业，从业人员120人。",
    "scene": "2号车间反应釜区域，现场已封锁。",
    "account": "操作工在检修时发生物体打击。",
    "casualties_note": "死亡1人，直接经济损失初步估计50万元。",
    "measures": "已停产整顿，启动应急预案。",
    "other": "无。",
}


def draft_fields(world: Any, **overrides: Any) -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.now()
    fields: dict[str, Any] = {
        "title": "东城化工“3·1”物体打击事故",
        "occurred_at": now - datetime.timedelta(hours=3),
        "reported_at": now - datetime.timedelta(hours=3) + datetime.timedelta(minutes=30),
        "enterprise": world.ent_a,
        "node": None,
        "place": "东城化工2号车间",
        "category": AccidentCategory.INDUSTRIAL,
        "sector": world.sector_chem,
        "deaths": 1,
        "serious_injuries": 0,
        "minor_injuries": 0,
        "missing": 0,
        "direct_loss": Decimal("50.00"),
        **SIX_ITEMS,
    }
    fields.update(overrides)
    return fields


def registered_accident(world: Any, actor: Any = None, **overrides: Any) -> Accident:
    from accountability.accidents import services

    actor = actor or world.official_a
    draft = services.accident_draft_save(actor=actor, **draft_fields(world, **overrides))
    return services.accident_register(actor=actor, accident=draft)
