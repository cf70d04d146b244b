"""Access-matrix cases of the inspections app: the ledger, hazards and their lifecycle
(their evidence files: tests/evidence/access.py), inspections, and the enterprise's duties
(第十四条, 安全生产法 第四十一条)."""

from __future__ import annotations

from typing import Any

from tests.access import ENTERPRISES, EVERYONE, INSPECTORS, OFFICE_ROLES, Case
from tests.access import SEES as WORLD
from tests.conftest import World

SEES = {
    "hazard_a": WORLD["ent_a"],
    "inspection_a": WORLD["ent_a"],
    "hazard_b": WORLD["ent_b"],
}


def _hazard(world: World, enterprise: Any) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from inspections import services
    from tests.inspections.conftest import jpeg

    official = world.official_a if enterprise != world.ent_b else world.official_b
    return services.hazard_register(
        actor=official,
        enterprise_id=enterprise.pk,
        data=services.HazardInput(
            level="general",
            category="thing",
            description="配电箱未上锁",
            deadline=timezone.localdate() + timedelta(days=10),
        ),
        photos=[jpeg()],
    )


def _inspection_with_failed_item(world: World) -> dict[str, int]:
    from inspections import services
    from inspections.models import ChecklistItem

    inspection = services.inspection_create(
        actor=world.official_a, enterprise_id=world.ent_a.pk, kind="routine", inspectors=[]
    )
    item = ChecklistItem.objects.filter(template__sector__isnull=True).order_by("pk").first()
    assert item is not None
    services.inspection_record_result(
        actor=world.official_a, inspection_id=inspection.pk, item_id=item.pk, result="fail"
    )
    return {"pk": inspection.pk, "item_id": item.pk}


def _hazard_case(allowed: set[str]) -> list[Case]:
    return [
        Case(kwargs=lambda w: {"pk": _hazard(w, w.ent_a).pk}, obj="hazard_a", allowed=allowed),
        Case(kwargs=lambda w: {"pk": _hazard(w, w.ent_b).pk}, obj="hazard_b", allowed=allowed),
    ]


def _inspection_step_case() -> list[Case]:
    return [Case(kwargs=_inspection_with_failed_item, obj="inspection_a", allowed={"official_a"})]


def _inspection_case(allowed: set[str]) -> list[Case]:
    return [Case(kwargs=lambda w: {"pk": _inspection_with_failed_item(w)["pk"]}, obj="inspection_a", allowed=allowed)]


# A 隐患统计报告 is read by whoever sees the enterprise and signed only by its own users; the
# 未报送 list is scoped like the directory (an enterprise user sees only its own enterprise).
def _statistics_case(allowed: set[str], period: str = "2025-Q4") -> list[Case]:
    return [
        Case(kwargs=lambda w: {"enterprise_pk": w.ent_a.pk, "period": period}, obj="ent_a", allowed=allowed),
        Case(kwargs=lambda w: {"enterprise_pk": w.ent_a2.pk, "period": period}, obj="ent_a2", allowed=allowed),
        Case(kwargs=lambda w: {"enterprise_pk": w.ent_b.pk, "period": period}, obj="ent_b", allowed=allowed),
    ]


CASES: dict[str, list[Case]] = {
    "inspections:hazard_ledger": [Case(allowed=EVERYONE - {"nobody"})],
    "inspections:hazard_export": [Case(allowed=OFFICE_ROLES)],
    "inspections:my_hazards": [Case(allowed=ENTERPRISES)],
    "inspections:hazard_create": [Case(allowed=INSPECTORS | ENTERPRISES)],
    "inspections:hazard_detail": _hazard_case(EVERYONE),
    "inspections:hazard_plan": _hazard_case(ENTERPRISES),
    "inspections:hazard_plan_decide": _hazard_case(INSPECTORS),
    "inspections:hazard_completion": _hazard_case(ENTERPRISES),
    "inspections:hazard_verify": _hazard_case(INSPECTORS),
    "inspections:hazard_extension_request": _hazard_case(ENTERPRISES),
    "inspections:hazard_extension_decide": _hazard_case(INSPECTORS),
    "inspections:hazard_fix_on_spot": _hazard_case(INSPECTORS),
    "inspections:hazard_list_supervision": _hazard_case({"county_admin"}),
    # 双报告 on a hazard is the enterprise's step.
    "inspections:hazard_congress_report": _hazard_case(ENTERPRISES),
    "inspections:inspection_list": [Case()],
    "inspections:inspection_create": [Case(allowed=INSPECTORS)],
    "inspections:enterprise_picker": [Case(allowed=INSPECTORS)],
    "inspections:inspection_detail": _inspection_case(EVERYONE),
    "inspections:inspection_answer": _inspection_step_case(),
    "inspections:inspection_item_hazard": _inspection_step_case(),
    "inspections:inspection_submit": _inspection_case({"official_a"}),
    "inspections:inspection_sign": _inspection_case({"official_a"}),
    "inspections:inspection_addendum": _inspection_case({"official_a"}),
    "inspections:statistics_list": [Case(allowed=ENTERPRISES)],
    "inspections:statistics_unfiled": [Case(allowed=EVERYONE - {"nobody"})],
    "inspections:statistics_detail": _statistics_case(EVERYONE) + _statistics_case(EVERYONE, "2025"),
    "inspections:statistics_sign": _statistics_case(ENTERPRISES) + _statistics_case(ENTERPRISES, "2025"),
}
