"""双报告 (安全生产法 第四十一条): the enterprise records that a 重大 hazard was also reported to its
职工大会 or 职工代表大会 (date, note, optional evidence). Append-only, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.errors import HazardStepError, NotPermitted
from inspections.lifecycle import OWN_ENTERPRISE
from inspections.models import Hazard, HazardCongressReport
from inspections.rights import InspectionRight
from inspections.scope import hazards_visible_to
from safetyops.core.audit import log_action
from safetyops.core.steps import Condition, Lifecycle, Step
from safetyops.evidence.services import attachment_create
from safetyops.evidence.uploads import UploadRejected, check_uploads
from safetyops.orgs.scope import has_right

CONGRESS_STEPS: Lifecycle[Hazard] = Lifecycle(
    steps=[
        Step(
            "congress_report",
            source=Hazard.Status.values,  # in any state: the report is a fact about the past
            right=InspectionRight.HAZARD_RESPOND,
            conditions=[
                OWN_ENTERPRISE,
                Condition(
                    lambda h, a: h.level == Hazard.Level.MAJOR,
                    gettext_lazy("只有重大事故隐患须向职工大会或职工代表大会报告。"),
                ),
            ],
            action="inspections.hazard.congress_reported",
        )
    ],
    has_right=has_right,
    error=HazardStepError,
    forbidden=NotPermitted,
    not_permitted=gettext_lazy("您的角色不能执行此操作。"),
    unavailable="",
)


def hazard_report_to_congress(
    *, actor: Any, hazard_id: int, body: str, reported_on: date, note: str, evidence: Any = None
) -> HazardCongressReport:
    """The enterprise records that the 重大 hazard was reported to its workers' congress."""
    CONGRESS_STEPS.check_right("congress_report", actor)
    if body not in HazardCongressReport.Body.values:
        raise HazardStepError(_("请选择报告对象（职工大会或职工代表大会）。"))
    if not note.strip():
        raise HazardStepError(_("请填写向职工大会报告的情况。"))
    if evidence is not None:
        try:
            check_uploads([evidence])
        except UploadRejected as exc:
            raise HazardStepError(str(exc)) from exc
    with transaction.atomic():
        hazard = hazards_visible_to(actor).select_for_update(of=("self",)).filter(pk=hazard_id).first()
        if hazard is None:
            raise HazardStepError(_("隐患不存在或不在您的管辖范围内。"))
        CONGRESS_STEPS.check("congress_report", hazard, actor)
        registered = timezone.localdate(hazard.registered_at)
        if reported_on > timezone.localdate():
            raise HazardStepError(_("报告日期不能晚于今天。"))
        if reported_on < registered:
            raise HazardStepError(_("报告日期不能早于隐患登记日期（%(d)s）。") % {"d": registered.isoformat()})
        stored = None
        if evidence is not None:
            stored = attachment_create(
                actor=actor, enterprise=hazard.enterprise, upload=evidence, role="document", owner=hazard
            )
        report = HazardCongressReport.objects.create(
            hazard=hazard, body=body, reported_on=reported_on, note=note.strip(), evidence=stored, recorded_by=actor
        )
        log_action(
            hazard,
            CONGRESS_STEPS["congress_report"].action,
            actor=actor,
            data={"body": body, "reported_on": reported_on.isoformat(), "report": report.pk},
        )
    return report
