"""Access-matrix cases of the accident registry (joined into tests/accountability/access.py).

Written out by hand from DOMAIN §1/§6 and accountability/scope.py's docstring:
- ent_a's registered accident (危化, in town A's village) is seen by the officials and leaders of
  its node and above (county_admin, leader_county, official_a, leader_a) and by ent_a's own user;
  not by town A's supervisor (建筑施工 only), nor town B, nor ent_b;
- a 建筑施工 accident of ent_a2 in town A is also seen by town A's supervisor;
- a draft is the offices' only (the enterprise sees it once registered);
- registering, editing a draft and casualty revisions need ACCIDENT_REGISTER (county admin,
  township officials); every investigation step needs ACCIDENT_MANAGE (the county admin: 403 for
  town A's official, who sees the accident).
"""

from __future__ import annotations

from typing import Any

from tests.access import OFFICE_ROLES, WRITERS, Case
from tests.conftest import World

OFFICES_A = {"county_admin", "leader_county", "official_a", "leader_a"}
SEES: dict[str, set[str]] = {
    "accident_a": OFFICES_A | {"enterprise_a"},
    "accident_build_a": OFFICES_A | {"supervisor_a"},
    "accident_draft_a": set(OFFICES_A),
}
WITH_SCOPE = OFFICE_ROLES | {"enterprise_a", "enterprise_b"}
REGISTERS = {"county_admin", "official_a"}
MANAGES = {"county_admin"}


def accident_a(world: World) -> Any:
    from accountability.models import Accident
    from tests.accountability.accident_factories import registered_accident

    found = Accident.objects.filter(title="东城化工物体打击事故", status=Accident.Status.REGISTERED).first()
    return found or registered_accident(world, title="东城化工物体打击事故")


def _pk(world: World) -> dict[str, Any]:
    return {"pk": accident_a(world).pk}


def _build(world: World) -> dict[str, Any]:
    from accountability.models import Accident
    from tests.accountability.accident_factories import registered_accident

    found = Accident.objects.filter(title="东城建筑高处坠落事故").first()
    found = found or registered_accident(
        world, title="东城建筑高处坠落事故", enterprise=world.ent_a2, sector=world.sector_build
    )
    return {"pk": found.pk}


def _draft(world: World) -> dict[str, Any]:
    from accountability.accidents import services
    from accountability.models import Accident
    from tests.accountability.accident_factories import draft_fields

    found = Accident.objects.filter(title="东城化工草稿", status=Accident.Status.DRAFT).first()
    found = found or services.accident_draft_save(actor=world.official_a, **draft_fields(world, title="东城化工草稿"))
    return {"pk": found.pk}


def _responsibility(world: World) -> dict[str, Any]:
    from accountability.accidents import services

    accident = accident_a(world)
    row = accident.responsibilities.first() or services.accident_responsibility_add(
        actor=world.county_admin, accident=accident, unit=world.ent_a, finding="主体责任"
    )
    return {"pk": accident.pk, "rpk": row.pk}


def _follow_up(world: World) -> dict[str, Any]:
    accident = accident_a(world)
    return {"pk": accident.pk, "fpk": accident.follow_ups.order_by("pk").first().pk}


def _manage(kwargs: Any = _pk) -> list[Case]:
    return [Case(kwargs=kwargs, obj="accident_a", allowed=MANAGES)]


CASES: dict[str, list[Case]] = {
    "accountability:accident_list": [Case(allowed=WITH_SCOPE)],
    "accountability:accident_export": [Case(allowed=OFFICE_ROLES)],
    "accountability:accident_create": [Case(allowed=WRITERS)],
    "accountability:accident_detail": [
        Case(kwargs=_pk, obj="accident_a", allowed=SEES["accident_a"]),
        Case(kwargs=_build, obj="accident_build_a", allowed=SEES["accident_build_a"]),
        Case(kwargs=_draft, obj="accident_draft_a", allowed=SEES["accident_draft_a"]),
    ],
    "accountability:accident_edit": [Case(kwargs=_draft, obj="accident_draft_a", allowed=REGISTERS)],
    "accountability:accident_revise": [Case(kwargs=_pk, obj="accident_a", allowed=REGISTERS)],
    "accountability:accident_forward": _manage(),
    "accountability:accident_misreport": _manage(),
    "accountability:accident_investigate": _manage(),
    "accountability:accident_report": _manage(),
    "accountability:accident_reply": _manage(),
    "accountability:accident_responsibility_add": _manage(),
    "accountability:accident_responsibility_remove": _manage(_responsibility),
    "accountability:accident_follow_up_due": _manage(_follow_up),
    "accountability:accident_follow_up_done": _manage(_follow_up),
    "accountability:accident_close": _manage(),
}
