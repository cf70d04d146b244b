"""seed_demo_indicators: the demo county's own limits from COUNTY_ITEMS, the warnings they call for
(4 工矿商贸 deaths of 5: 80%), and a second run that changes and sends nothing."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accountability.indicators import warnings
from accountability.models import IndicatorLimit
from safetyops.core.models import AuditEvent
from safetyops.notify.models import Reminder
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE
from safetyops.orgs.models import Node, Role
from tests.accountability.accident_factories import accident_row
from tests.accountability.indicator_helpers import at
from tests.campaigns.factories import travel
from tests.orgs.factories import NodeFactory, make_user

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    with travel(datetime.date(2026, 6, 1)):
        call_command("seed_demo_indicators", stdout=out)
    return out.getvalue()


def test_the_county_gets_its_limits_and_its_warning_once(db: Any) -> None:
    county = NodeFactory(code=COUNTY_CODE, name="演示县", level=Node.Level.COUNTY, kind=Node.Kind.COUNTY)
    admin = make_user(Role.COUNTY_ADMIN, node=county)
    town = NodeFactory(code=COUNTY_CODE + "001", name="河口镇", parent=county)
    accident_row(town, at(2026, 3, 1, 9), deaths=2)
    accident_row(town, at(2026, 4, 1, 9), deaths=2)
    output = _run()
    assert dict(IndicatorLimit.objects.filter(node=county, year=2026).values_list("key", "value")) == {
        "industrial_accidents": 6,
        "industrial_deaths": 5,
        "major_accidents": 0,
        "road_deaths": 3,
        "fire_deaths": 2,
    }
    assert "工矿商贸生产安全事故死亡人数: 4/5 80% (warning)" in output
    told = Reminder.objects.get(reason=warnings.WARNING_REASON)
    assert told.recipient == admin and told.body == "演示县工矿商贸生产安全事故死亡人数已达全年控制指标的80%（4/5人）"
    _run()
    assert Reminder.objects.count() == 1
    assert AuditEvent.objects.filter(action="accountability.indicator.set").count() == 1
