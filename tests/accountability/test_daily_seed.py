"""The demo daily 承诺公告 (bin/run's order: seed_demo_daily_pledges, seed_demo_daily_hot_work,
seed_demo_daily_pledges --flags): every 危化 enterprise of the demo publishes with a login, 30 days
with late and missing ones, exactly one 承诺不实 (the planted 动火, confirmed), and a second run that
changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accountability.daily.board import State, board
from accountability.models import DailyJudgment, DailyPledge, PledgeFlag
from safetyops.evidence.models import Signature
from safetyops.orgs.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def seed() -> None:
    out = StringIO()
    call_command("seed_demo_daily_pledges", stdout=out)
    call_command("seed_demo_daily_hot_work", stdout=out)
    call_command("seed_demo_daily_pledges", "--flags", stdout=out)


def counts() -> dict[str, int]:
    return {
        "pledges": DailyPledge.objects.count(),
        "late": DailyPledge.objects.filter(late=True).count(),
        "judgments": DailyJudgment.objects.count(),
        "signatures": Signature.objects.count(),
        "flags": PledgeFlag.objects.count(),
        "users": User.objects.count(),
    }


@time_machine.travel(NOW, tick=False)
def test_the_demo_pledges(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_hazards", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    first = counts()
    admin = User.objects.get(username="admin")
    today = board(admin, date(2026, 12, 3))
    assert today.total >= 10
    enterprises = today.total
    assert first["pledges"] > enterprises * 25 and first["late"] > 0
    assert first["pledges"] < enterprises * 30  # missing days
    past = board(admin, date(2026, 11, 20))
    assert past.counts[State.MISSING] + past.counts[State.LATE] + past.counts[State.ON_TIME] == enterprises
    flag = PledgeFlag.objects.get()
    assert flag.rule == PledgeFlag.Rule.HOT_WORK and flag.status == PledgeFlag.Status.CONFIRMED
    assert flag.pledge.date == date(2026, 11, 29) and flag.pledge.hot_work == 0
    assert DailyPledge.objects.filter(signature__isnull=True).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    assert counts() == first
