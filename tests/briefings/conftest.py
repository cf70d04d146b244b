"""A month of factory data for the briefing tests, and helpers to render and read the PDFs.

March 2026 in the world fixture's county (东城镇 = town A, 西山镇 = town B):
- February: H0 (ent_a, deadline 5 March, never closed) and H0b (ent_a2, closed 10 March).
- March: 3 inspections (2 of ent_a, 1 of ent_b); H1 (ent_a, closed 3 March), H2 (重大, ent_a2,
  挂牌督办), H3 (ent_b, deadline 20 March, open), H4 (ent_b, closed on 8 April, after the period).
- April: H5 (ent_b), which no March figure may count.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import TestCase

from inspections import services as hz
from inspections.models import Hazard
from safetyops.briefings import services
from safetyops.briefings.models import Briefing
from safetyops.orgs.models import Node, Role
from tests.conftest import World
from tests.inspections.conftest import hazard_factory  # noqa: F401 - a fixture, used by `march`
from tests.orgs.factories import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(day: date, hour: int = 10) -> Any:
    """Travel to `day` at `hour` o'clock in Shanghai (time stands still)."""
    return time_machine.travel(datetime.combine(day, time(hour, 0), SHANGHAI), tick=False)


@dataclass
class March:
    world: World
    hazards: dict[str, Hazard]


@pytest.fixture
def march(world: World, hazard_factory: Callable[..., Hazard]) -> March:  # noqa: F811
    owner_a2 = make_user(Role.ENTERPRISE_USER, enterprise=world.ent_a2, username="enterprise_a2")
    made: dict[str, Hazard] = {}
    with at(date(2026, 2, 20)):
        made["H0"] = hazard_factory(deadline=date(2026, 3, 5))
        made["H0b"] = hazard_factory(
            enterprise=world.ent_a2,
            status="awaiting_verification",
            enterprise_user=owner_a2,
            deadline=date(2026, 3, 15),
        )
    with at(date(2026, 3, 3)):
        for enterprise, official, kind in (
            (world.ent_a, world.official_a, "routine"),
            (world.ent_a, world.official_a, "unannounced"),
            (world.ent_b, world.official_b, "routine"),
        ):
            hz.inspection_create(actor=official, enterprise_id=enterprise.pk, kind=kind, inspectors=[])
        made["H1"] = hazard_factory(status="closed", deadline=date(2026, 3, 20))
        made["H2"] = hazard_factory(level="major", enterprise=world.ent_a2, deadline=date(2026, 4, 30))
        hz.hazard_list_supervision(actor=world.county_admin, hazard_id=made["H2"].pk, comment="挂牌督办")
    with at(date(2026, 3, 5)):
        made["H3"] = hazard_factory(enterprise=world.ent_b, deadline=date(2026, 3, 20))
        made["H4"] = hazard_factory(enterprise=world.ent_b, status="awaiting_verification", deadline=date(2026, 4, 20))
    with at(date(2026, 3, 10)):
        hz.hazard_verify(actor=world.official_a, hazard_id=made["H0b"].pk, opinion="同意销号")
    with at(date(2026, 4, 8)):
        hz.hazard_verify(actor=world.official_b, hazard_id=made["H4"].pk, opinion="同意销号")
    with at(date(2026, 4, 2)):
        made["H5"] = hazard_factory(enterprise=world.ent_b, deadline=date(2026, 4, 10))
    return March(world=world, hazards={k: Hazard.objects.get(pk=v.pk) for k, v in made.items()})


def on_commit_runs() -> Any:
    """Run the on_commit callbacks (the eager render task) as a real commit would."""
    return TestCase.captureOnCommitCallbacks(using=connection.alias, execute=True)


def request_briefing(actor: Any, node: Node, start: date, end: date, today: date = date(2026, 4, 10)) -> Briefing:
    """Request and render (eagerly, on commit) a briefing as `actor` on `today`."""
    with at(today), on_commit_runs():
        briefing = services.briefing_request(actor=actor, node=node, start=start, end=end)
    briefing.refresh_from_db()
    return briefing


def pdf_text(path: str | Path, *, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    """The text without any whitespace, so that sentences wrapped over lines can be matched."""
    return re.sub(r"\s+", "", text)
