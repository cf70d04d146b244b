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
