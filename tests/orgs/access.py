"""Access-matrix cases of the orgs app: the enterprise directory, imports and the jurisdiction tree."""

from __future__ import annotations

from safetyops.orgs.models import EnterpriseImport
from tests.access import OFFICE_ROLES, WRITERS, Case
from tests.conftest import World

SEES = {"import_a": {"official_a"}}


def _import_for(world: World) -> EnterpriseImport:
    return EnterpriseImport.objects.create(
        created_by=world.official_a, original_name="企业.xlsx", status=EnterpriseImport.Status.DONE
    )


CASES: dict[str, list[Case]] = {
    "orgs:enterprise_list": [Case()],
    "orgs:enterprise_create": [Case(allowed=WRITERS)],
    "orgs:enterprise_detail": [
        Case(kwargs=lambda w: {"pk": w.ent_a.pk}, obj="ent_a"),
        Case(kwargs=lambda w: {"pk": w.ent_a2.pk}, obj="ent_a2"),
        Case(kwargs=lambda w: {"pk": w.ent_b.pk}, obj="ent_b"),
    ],
    "orgs:enterprise_edit": [
        Case(kwargs=lambda w: {"pk": w.ent_a.pk}, obj="ent_a", allowed=WRITERS),
        Case(kwargs=lambda w: {"pk": w.ent_b.pk}, obj="ent_b", allowed=WRITERS),
    ],
    "orgs:enterprise_import": [Case(allowed=WRITERS)],
    "orgs:enterprise_import_template": [
        Case(kwargs=lambda w: {"fmt": "xlsx"}, allowed=WRITERS),
        Case(kwargs=lambda w: {"fmt": "csv"}, allowed=WRITERS),
    ],
    "orgs:enterprise_import_detail": [
        Case(kwargs=lambda w: {"pk": _import_for(w).pk}, obj="import_a", allowed=WRITERS),
    ],
    "orgs:node_list": [Case(allowed=OFFICE_ROLES)],
    "orgs:department_list": [Case(allowed=OFFICE_ROLES)],
    "orgs:node_detail": [
        Case(kwargs=lambda w: {"pk": w.town_a.pk}, obj="town_a", allowed=OFFICE_ROLES),
        Case(kwargs=lambda w: {"pk": w.town_b.pk}, obj="town_b", allowed=OFFICE_ROLES),
    ],
}
