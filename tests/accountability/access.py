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
"""

from __future__ import annotations

from typing import Any

from tests.access import EVERYONE, OFFICE_ROLES, WRITERS, Case
from tests.conftest import World

ISSUER_SIDE = {"county_admin", "leader_county"}
SEES: dict[str, set[str]] = {
    "county_template": ISSUER_SIDE,
    "county_letter_town_a": ISSUER_SIDE | {"official_a", "leader_a"},
    "county_pledge_ent_a": ISSUER_SIDE | {"official_a", "leader_a", "enterprise_a"},
    "county_draft_copy": ISSUER_SIDE,
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
