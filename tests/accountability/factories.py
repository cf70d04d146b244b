"""Letters and pledges of the world fixture (tests/conftest.py), made through the services."""

from __future__ import annotations

from typing import Any

from accountability import services
from accountability.models import Letter, LetterTemplate
from tests.conftest import World

COUNTY_ITEMS = [
    {"key": "industrial_accidents", "value": 5, "weight": 30},
    {"key": "industrial_deaths", "value": 6, "weight": 30},
    {"key": "major_accidents", "value": 0, "weight": 20},
    {"key": "rectification_rate", "value": 95, "weight": 20},
]


def county_template(world: World, *, kind: str = LetterTemplate.Kind.RESPONSIBILITY, **fields: Any) -> LetterTemplate:
    defaults: dict[str, Any] = {
        "year": 2026,
        "title": "2026年度安全生产目标责任书"
        if kind == LetterTemplate.Kind.RESPONSIBILITY
        else "2026年度企业安全生产承诺书",
        "body": "为落实安全生产责任制，签订本责任书。\n\n# 主要职责\n- 党政同责、一岗双责\n- 三管三必须",
        "items": COUNTY_ITEMS if kind == LetterTemplate.Kind.RESPONSIBILITY else [],
        "assessment_method": "年终考核，按分值计分。" if kind == LetterTemplate.Kind.RESPONSIBILITY else "",
    }
    defaults.update(fields)
    return services.template_create(actor=world.county_admin, kind=kind, **defaults)


def issued_letter(world: World, unit: Any = None) -> Letter:
    """The county's 目标责任书 issued to `unit` (town A by default), waiting for its signature."""
    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[unit or world.town_a])
    services.template_issue(actor=world.county_admin, template=template)
    return template.letters.get()


def issued_pledge(world: World, enterprise: Any = None) -> Letter:
    template = county_template(world, kind=LetterTemplate.Kind.PLEDGE)
    services.template_address(actor=world.county_admin, template=template, units=[enterprise or world.ent_a])
    services.template_issue(actor=world.county_admin, template=template)
    return template.letters.get()
