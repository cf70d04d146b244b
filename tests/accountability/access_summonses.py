"""Access-matrix cases of the accountability app's summonses (joined into tests/accountability/access.py).

Written out by hand from DOMAIN §1/§6 and accountability/scope.py's docstring:
- the county's 约谈 of town A (a node's government) is seen by the issuer's side (county_admin,
  leader_county) and by town A's official and leader (their part holds it); not by town A's
  supervisor (a node's summons is neither its department's nor its sectors' enterprises'), town B or
  any enterprise. Only the county's official records, follows up, closes or cancels it; only town
  A's official (who acts for the town) submits its report; the leader reads only;
- the county's 督办 of ent_a is seen by the issuer's side, town A's official and leader and ent_a's
  user, who alone reports on it and on its commitments;
- the list is for everyone with a scope (each sees their own); a new one for those holding
  SUMMONS_ISSUE (county admin, township officials).
"""

from __future__ import annotations

from typing import Any

from tests.access import ENTERPRISES, OFFICE_ROLES, WRITERS, Case
from tests.conftest import World

ISSUER_SIDE = {"county_admin", "leader_county"}
SEES: dict[str, set[str]] = {
    "summons_town_a": ISSUER_SIDE | {"official_a", "leader_a"},
    "summons_ent_a": ISSUER_SIDE | {"official_a", "leader_a", "enterprise_a"},
}


def _planned(world: World) -> dict[str, Any]:
    from tests.accountability.summons_factories import summons_of

    return {"pk": summons_of(world).pk}


def _held_town(world: World) -> dict[str, Any]:
    from tests.accountability.summons_factories import summons_of

    return {"pk": summons_of(world, held=True).pk}


def _held_ent(world: World) -> Any:
    from accountability.models import Summons
    from tests.accountability.summons_factories import summons_of

    return summons_of(world, world.ent_a, held=True, kind=Summons.Kind.SUPERVISION)


def _commitment(world: World) -> dict[str, Any]:
    summons = _held_ent(world)
    return {"pk": summons.pk, "commitment_pk": summons.commitments.first().pk}


CASES: dict[str, list[Case]] = {
    "accountability:summons_list": [Case(allowed=OFFICE_ROLES | ENTERPRISES)],
    "accountability:summons_create": [Case(allowed=WRITERS)],
    "accountability:summons_detail": [
        Case(kwargs=_planned, obj="summons_town_a", allowed=SEES["summons_town_a"]),
        Case(kwargs=lambda w: {"pk": _held_ent(w).pk}, obj="summons_ent_a", allowed=SEES["summons_ent_a"]),
    ],
    "accountability:summons_pdf": [
        Case(kwargs=lambda w: {"pk": _held_ent(w).pk}, obj="summons_ent_a", allowed=SEES["summons_ent_a"])
    ],
    "accountability:summons_record": [Case(kwargs=_planned, obj="summons_town_a", allowed={"county_admin"})],
    "accountability:summons_cancel": [Case(kwargs=_planned, obj="summons_town_a", allowed={"county_admin"})],
    "accountability:summons_report": [
        Case(kwargs=_held_town, obj="summons_town_a", allowed={"official_a"}),
        Case(kwargs=lambda w: {"pk": _held_ent(w).pk}, obj="summons_ent_a", allowed={"enterprise_a"}),
    ],
    "accountability:summons_commitment_done": [Case(kwargs=_commitment, obj="summons_ent_a", allowed={"enterprise_a"})],
    "accountability:summons_follow_up": [Case(kwargs=_held_town, obj="summons_town_a", allowed={"county_admin"})],
    "accountability:summons_close": [Case(kwargs=_held_town, obj="summons_town_a", allowed={"county_admin"})],
}
