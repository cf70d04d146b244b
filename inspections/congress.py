"""双报告 (安全生产法 第四十一条): the enterprise records that a 重大 hazard was also reported to its
职工大会 or 职工代表大会 (date, note, optional evidence). Append-only, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.errors import HazardStepError, NotPermitted
from inspections.models import Hazard, HazardCongressReport
from inspections.rights import InspectionRight
from inspections.scope import hazards_visible_to
from safetyops.core.audit import log_action
from safetyops.evidence.services import attachment_create
from safetyops.evidence.uploads import UploadRejected, check_uploads
from safetyops.orgs.scope import has_right, scope_for


def congress_refusal(user: Any, hazard: Hazard) -> str:
    """Why this user cannot record a report to the workers' congress for the hazard ("" if they can)."""
    if hazard.level != Hazard.Level.MAJOR:
        return _("只有重大事故隐患须向职工大会或职工代表大会报告。")
    return ""


def hazard_report_to_congress(
    *, actor: Any, hazard_id: int, body: str, reported_on: date, note: str, evidence: Any = None
) -> HazardCongressReport:
    """The enterprise records that the 重大 hazard was reported to its workers' congress."""
    if not has_right(actor, InspectionRight.HAZARD_RESPOND):
        raise NotPermitted(_("您的角色不能执行此操作。"))
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
        if scope_for(actor).enterprise_id != hazard.enterprise_id:
            raise NotPermitted(_("只有本企业账号可以办理此事项。"))
        if refusal := congress_refusal(actor, hazard):
            raise HazardStepError(refusal)
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
            "inspections.hazard.congress_reported",
            actor=actor,
            data={"body": body, "reported_on": reported_on.isoformat(), "report": report.pk},
        )
    return report
