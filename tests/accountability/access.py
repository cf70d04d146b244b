"""Access-matrix cases of the accountability app: letters and pledges (issuer side, addressees,
leaders reading) and the daily 承诺公告 (the enterprise scope).

The daily 承诺公告: the board and its workbook are the offices' (enterprise users publish instead);
publishing is an enterprise user's (town B's builder is not covered and is told so); an enterprise's
history, a 公告 and its PDF follow the enterprise's scope; a 承诺不实 flag is reviewed by those
holding DAILY_REVIEW who see the enterprise (leaders and the enterprise itself: 403); the county's
setting is the county admin's."""

from __future__ import annotations

from typing import Any

from tests.access import ENTERPRISES, EVERYONE, OFFICE_ROLES, Case
from tests.access import SEES as WORLD_SEES
from tests.conftest import World

SEES: dict[str, set[str]] = {
    "daily_pledge_a": set(WORLD_SEES["ent_a"]),
    "daily_flag_a": set(WORLD_SEES["ent_a"]),
}


def _pledge(world: World) -> Any:
    """ent_a's 公告 of today (published on first use: a case's kwargs are asked more than once)."""
    from django.utils import timezone

    from accountability.models import DailyPledge
    from tests.accountability.daily_factories import publish

    found = DailyPledge.objects.filter(enterprise=world.ent_a, date=timezone.localdate()).first()
    return found or publish(world)


def _flag(world: World) -> Any:
    from accountability.models import PledgeFlag
    from tests.accountability.daily_factories import hazard

    pledge = _pledge(world)
    flag = PledgeFlag.objects.filter(pledge=pledge).first()
    if flag is None:
        found = hazard(world, description="储罐区动火作业未办理作业票")
        flag = PledgeFlag.objects.create(pledge=pledge, rule=PledgeFlag.Rule.HOT_WORK, hazard=found)
    return flag


CASES: dict[str, list[Case]] = {
    "accountability:daily_board": [Case(allowed=OFFICE_ROLES)],
    "accountability:daily_board_export": [Case(allowed=OFFICE_ROLES)],
    "accountability:daily_publish": [Case(allowed=ENTERPRISES)],
    "accountability:daily_settings": [Case(allowed={"county_admin"})],
    "accountability:daily_history": [Case(kwargs=lambda w: {"pk": w.ent_a.pk}, obj="ent_a", allowed=EVERYONE)],
    "accountability:daily_pledge": [
        Case(kwargs=lambda w: {"pk": _pledge(w).pk}, obj="daily_pledge_a", allowed=EVERYONE)
    ],
    "accountability:daily_pledge_pdf": [
        Case(kwargs=lambda w: {"pk": _pledge(w).pk}, obj="daily_pledge_a", allowed=EVERYONE)
    ],
    "accountability:daily_flag": [
        Case(kwargs=lambda w: {"pk": _flag(w).pk}, obj="daily_flag_a", allowed={"county_admin", "official_a"})
    ],
}
