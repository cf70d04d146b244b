"""Access-matrix cases of the accountability app: letters and pledges (issuer side, addressees,
leaders reading) and the daily 承诺公告 (the enterprise scope).

Written out by hand from DOMAIN §1/§6 and accountability/scope.py's docstring:
- a county template is read by the county's officials and leaders (county_admin, leader_county);
  only its node's officials take its steps (county_admin);
- the county's letter to town A (an issued copy) is seen by the issuer's side and by those whose
  part of the tree holds town A: its official and its leader. Town A's supervisor does not see it
  (a node's letter is neither its department's nor one of its sectors' enterprises'), nor town B,
  nor any enterprise. Only town A's principal (its 镇长, leader_a) signs it; only the county admin
  countersigns a scan, revises or withdraws it;
- the county's pledge to ent_a (a 危化 enterprise in town A's village) is seen by the issuer's side,
  town A's official and leader, and ent_a's own user, who alone signs it (town A's supervisor
  oversees 建筑施工, not 危化);
- a draft copy is the issuer's side's only.

The daily 承诺公告: the board and its workbook are the offices' (enterprise users publish instead);
publishing is an enterprise user's (town B's builder is not covered and is told so); an enterprise's
history, a 公告 and its PDF follow the enterprise's scope; a 承诺不实 flag is reviewed by those
holding DAILY_REVIEW who see the enterprise (leaders and the enterprise itself: 403); the county's
setting is the county admin's."""

from __future__ import annotations

from typing import Any

from tests.access import ENTERPRISES, EVERYONE, OFFICE_ROLES, WRITERS, Case
from tests.access import SEES as WORLD_SEES
from tests.conftest import World

ISSUER_SIDE = {"county_admin", "leader_county"}
SEES: dict[str, set[str]] = {
    "county_template": ISSUER_SIDE,
    "county_letter_town_a": ISSUER_SIDE | {"official_a", "leader_a"},
    "county_pledge_ent_a": ISSUER_SIDE | {"official_a", "leader_a", "enterprise_a"},
    "county_draft_copy": ISSUER_SIDE,
    "daily_pledge_a": set(WORLD_SEES["ent_a"]),
    "daily_flag_a": set(WORLD_SEES["ent_a"]),
}
WITH_SCOPE = OFFICE_ROLES | {"enterprise_a", "enterprise_b"}
COUNTY_ISSUER = {"county_admin"}


def _template(world: World) -> dict[str, Any]:
    from tests.accountability.factories import county_template

    return {"pk": county_template(world).pk}


def _addressed_draft(world: World) -> Any:
    from accountability import services
    from tests.accountability.factories import county_template

    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a])
    return template


def _letter(world: World) -> dict[str, Any]:
    from tests.accountability.factories import issued_letter

    return {"pk": issued_letter(world).pk}


def _pledge(world: World) -> dict[str, Any]:
    from tests.accountability.factories import issued_pledge

    return {"pk": issued_pledge(world).pk}


CASES: dict[str, list[Case]] = {
    "accountability:overview": [Case(allowed=WITH_SCOPE)],
    "accountability:coverage": [Case(allowed=OFFICE_ROLES)],
    "accountability:template_create": [Case(allowed=WRITERS)],
    "accountability:template_detail": [Case(kwargs=_template, obj="county_template", allowed=ISSUER_SIDE)],
    "accountability:template_edit": [Case(kwargs=_template, obj="county_template", allowed=COUNTY_ISSUER)],
    "accountability:template_address": [Case(kwargs=_template, obj="county_template", allowed=COUNTY_ISSUER)],
    "accountability:template_issue": [
        Case(kwargs=lambda w: {"pk": _addressed_draft(w).pk}, obj="county_template", allowed=COUNTY_ISSUER)
    ],
    "accountability:template_discard": [Case(kwargs=_template, obj="county_template", allowed=COUNTY_ISSUER)],
    "accountability:letter_detail": [
        Case(kwargs=_letter, obj="county_letter_town_a", allowed=SEES["county_letter_town_a"]),
        Case(kwargs=_pledge, obj="county_pledge_ent_a", allowed=SEES["county_pledge_ent_a"]),
    ],
    "accountability:letter_edit": [
        Case(
            kwargs=lambda w: {"pk": _addressed_draft(w).letters.get().pk},
            obj="county_draft_copy",
            allowed=COUNTY_ISSUER,
        )
    ],
    "accountability:letter_sign": [
        Case(kwargs=_letter, obj="county_letter_town_a", allowed={"leader_a"}),
        Case(kwargs=_pledge, obj="county_pledge_ent_a", allowed={"enterprise_a"}),
    ],
    "accountability:letter_countersign": [Case(kwargs=_letter, obj="county_letter_town_a", allowed=COUNTY_ISSUER)],
    "accountability:letter_revise": [
        Case(kwargs=_letter, obj="county_letter_town_a", allowed=COUNTY_ISSUER),
        Case(kwargs=_pledge, obj="county_pledge_ent_a", allowed=COUNTY_ISSUER),
    ],
    "accountability:letter_withdraw": [Case(kwargs=_letter, obj="county_letter_town_a", allowed=COUNTY_ISSUER)],
}

# Files and exports: a letter's PDF as the letter itself; 签署核验 for any role with a scope; the
# signing-rate workbook with AccountabilityRight.EXPORT.
CASES.update(
    {
        "accountability:letter_pdf": [
            Case(kwargs=_letter, obj="county_letter_town_a"),
            Case(kwargs=_pledge, obj="county_pledge_ent_a"),
        ],
        "accountability:letter_verify": [Case(allowed=EVERYONE - {"nobody"})],
        "accountability:coverage_export": [Case(allowed=OFFICE_ROLES)],
    }
)


def _daily_pledge(world: World) -> Any:
    """ent_a's 公告 of today (published on first use: a case's kwargs are asked more than once)."""
    from django.utils import timezone

    from accountability.models import DailyPledge
    from tests.accountability.daily_factories import publish

    found = DailyPledge.objects.filter(enterprise=world.ent_a, date=timezone.localdate()).first()
    return found or publish(world)


def _flag(world: World) -> Any:
    from accountability.models import PledgeFlag
    from tests.accountability.daily_factories import hazard

    pledge = _daily_pledge(world)
    flag = PledgeFlag.objects.filter(pledge=pledge).first()
    if flag is None:
        found = hazard(world, description="储罐区动火作业未办理作业票")
        flag = PledgeFlag.objects.create(pledge=pledge, rule=PledgeFlag.Rule.HOT_WORK, hazard=found)
    return flag


# The daily 承诺公告
CASES.update(
    {
        "accountability:daily_board": [Case(allowed=OFFICE_ROLES)],
        "accountability:daily_board_export": [Case(allowed=OFFICE_ROLES)],
        "accountability:daily_publish": [Case(allowed=ENTERPRISES)],
        "accountability:daily_settings": [Case(allowed={"county_admin"})],
        "accountability:daily_history": [Case(kwargs=lambda w: {"pk": w.ent_a.pk}, obj="ent_a", allowed=EVERYONE)],
        "accountability:daily_pledge": [
            Case(kwargs=lambda w: {"pk": _daily_pledge(w).pk}, obj="daily_pledge_a", allowed=EVERYONE)
        ],
        "accountability:daily_pledge_pdf": [
            Case(kwargs=lambda w: {"pk": _daily_pledge(w).pk}, obj="daily_pledge_a", allowed=EVERYONE)
        ],
        "accountability:daily_flag": [
            Case(kwargs=lambda w: {"pk": _flag(w).pk}, obj="daily_flag_a", allowed={"county_admin", "official_a"})
        ],
    }
)

# Accidents, indicators, 约谈/督办 and the yearly assessment keep their cases in their own modules.
from tests.accountability import access_accidents, access_assessments, access_indicators, access_summonses  # noqa: E402

for _part in (access_accidents, access_indicators, access_summonses, access_assessments):
    assert not set(_part.CASES) & set(CASES), _part.__name__
    CASES.update(_part.CASES)
    assert not set(_part.SEES) & set(SEES), _part.__name__
    SEES.update(_part.SEES)
