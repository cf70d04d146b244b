"""The demo assessments (`seed_demo_assessments`, after seed_demo, the letters and the accident
seed): last year's round final with 西山镇 vetoed by its two 较大 accidents, 青石镇 (a 较大 its
enterprise alone bears responsibility for) not vetoed, this year's round open; a second run
changes nothing."""

from __future__ import annotations

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accountability.models import Assessment
from safetyops.orgs.models import Enterprise, Node
from tests.accountability.accident_factories import accident_row

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=SHANGHAI), tick=False)
def test_last_year_final_with_one_veto_and_this_year_open() -> None:
    call_command("seed_demo", stdout=StringIO())
    xishan, qingshi = Node.objects.get(name="西山镇"), Node.objects.get(name="青石镇")
    plant = Enterprise.objects.filter(node__path__startswith=qingshi.path).first()
    # What the accident seed registers for last year.
    accident_row(xishan, datetime.datetime(2025, 4, 12, 9, tzinfo=SHANGHAI), deaths=3, responsible=[xishan])
    accident_row(xishan, datetime.datetime(2025, 10, 3, 15, tzinfo=SHANGHAI), direct_loss="1200", responsible=[xishan])
    accident_row(qingshi, datetime.datetime(2025, 7, 8, 11, tzinfo=SHANGHAI), deaths=4, responsible=[plant])
    out = StringIO()
    call_command("seed_demo_assessments", stdout=out)
    last = {a.unit_name: a for a in Assessment.objects.filter(year=2025)}
    townships = set(Node.objects.filter(parent__code="330199").values_list("name", flat=True))
    assert set(last) == townships
    assert all(a.status == Assessment.Status.FINAL for a in last.values())
    assert last["西山镇"].vetoed and len(last["西山镇"].veto_accidents) == 2
    assert last["西山镇"].grade != "excellent"
    assert not last["青石镇"].vetoed
    assert [a.unit_name for a in last.values() if a.vetoed] == ["西山镇"]
    drafts = Assessment.objects.filter(year=2026)
    assert drafts.count() >= len(townships) and not drafts.exclude(status=Assessment.Status.DRAFT).exists()
    assert "vetoed: 西山镇" in out.getvalue()
    before = list(Assessment.objects.order_by("pk").values_list("pk", "score", "grade", "status"))
    call_command("seed_demo_assessments", stdout=StringIO())
    assert list(Assessment.objects.order_by("pk").values_list("pk", "score", "grade", "status")) == before
