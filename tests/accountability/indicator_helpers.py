"""Shared helpers of the control-indicator tests."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from accountability import services
from accountability.models import IndicatorLimit, Letter
from tests.accountability.factories import county_template

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR = 2026


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BEIJING)


def limit(node: Any, key: str, value: int, year: int = YEAR) -> IndicatorLimit:
    return IndicatorLimit.objects.create(year=year, node=node, key=key, value=value)


def letter_to(world: Any, node: Any, items: list[dict[str, Any]]) -> Letter:
    """An issued 目标责任书 of the county to `node` with these control items."""
    template = county_template(world, items=items)
    services.template_address(actor=world.county_admin, template=template, units=[node])
    services.template_issue(actor=world.county_admin, template=template)
    return template.letters.get()
