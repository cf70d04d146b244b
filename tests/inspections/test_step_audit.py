"""Every step of inspections writes the one audit trail (safetyops/core/audit.py), labelled in Chinese."""

from __future__ import annotations

from typing import Any

from inspections import services
from inspections.models import ChecklistItem, Inspection
from safetyops.core.audit import audit_events_for
from safetyops.core.models import AuditEvent
from tests.conftest import World
from tests.inspections.conftest import open_inspection


def actions(obj: Any) -> list[str]:
    return list(audit_events_for(obj).order_by("pk").values_list("action", flat=True))


def test_each_hazard_step_is_audited_with_its_actor(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(level="major", status="closed")
    assert actions(hazard) == [
        "inspections.hazard.registered",
        "inspections.hazard.plan_submitted",
        "inspections.hazard.plan_approved",
        "inspections.hazard.completion_reported",
        "inspections.hazard.verified",
    ]
    verified = audit_events_for(hazard).get(action="inspections.hazard.verified")
    assert verified.actor == world.official_a and verified.data["event"]
    assert verified.get_action_label() == "验收销号"


def test_each_inspection_step_is_audited(world: World) -> None:
    inspection = open_inspection(world)
    item = ChecklistItem.objects.filter(template__sector__isnull=True).first()
    assert item is not None
    services.inspection_record_result(
        actor=world.official_a, inspection_id=inspection.pk, item_id=item.pk, result="pass"
    )
    services.inspection_submit_for_signing(
        actor=world.official_a, inspection_id=inspection.pk, findings="", conclusion="未发现问题"
    )
    name = world.official_a.full_name or world.official_a.username
    services.inspection_sign(actor=world.official_a, inspection_id=inspection.pk, typed_name=name, confirmed=True)
    services.inspection_add_addendum(actor=world.official_a, inspection_id=inspection.pk, text="补充：复查日期另定")
    assert Inspection.objects.get(pk=inspection.pk).locked
    assert actions(inspection) == [
        "inspections.inspection.created",
        "inspections.inspection.result_recorded",
        "inspections.inspection.submitted",
        "inspections.inspection.signed",
        "inspections.inspection.addendum_added",
    ]
    signed = audit_events_for(inspection).get(action="inspections.inspection.signed")
    assert signed.data == {"signed_name": name, "locked": True}


def test_inspections_labels_every_action_it_writes(world: World, hazard_factory: Any) -> None:
    hazard_factory(status="closed")
    open_inspection(world)
    written = set(AuditEvent.objects.filter(action__startswith="inspections.").values_list("action", flat=True))
    unlabelled = {a for a in written if AuditEvent(action=a).get_action_label() == a}
    assert written and not unlabelled
