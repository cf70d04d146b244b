"""The hazard (五落实) and inspection (谁检查谁签字) lifecycles, declared once.

The services refuse with `HAZARD_STEPS.check(...)` / `INSPECTION_STEPS.check(...)`; the pages ask
`steps_for(...)` which steps to offer and why a step is not available. See safetyops/core/steps.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.errors import HazardStepError, NotPermitted
from inspections.models import Hazard, HazardEvent, HazardExtension, Inspection
from inspections.rights import InspectionRight
from safetyops.core.steps import Condition, Lifecycle, Rule, Step
from safetyops.orgs.models import Node
from safetyops.orgs.scope import has_right, scope_for

Status = Hazard.Status
# Where a pending extension can be decided: every open state (closing withdraws it).
EXTENSION_DECIDABLE = Hazard.OPEN_STATUSES
EXTENDABLE = (Status.REGISTERED, Status.PLAN_PENDING, Status.RECTIFYING)


def may_verify_major(actor: Any) -> bool:
    """A 重大 hazard is verified by an official of township level or above."""
    scope = scope_for(actor)
    return scope.everything or scope.node_level in {Node.Level.CITY, Node.Level.COUNTY, Node.Level.TOWNSHIP}


def fix_on_spot_problem(
    actor: Any, *, level: str, source: str, inspection: Inspection | None, today: date | None = None
) -> HazardStepError | None:
    """Why 当场整改 is not allowed here, or None. One rule for the services and the pages: only a
    一般 hazard that an inspection found, closed by an inspector of that inspection while it is
    still open (not yet signed and archived) or on its day; never a hazard the enterprise
    reported itself (自查 runs plan → completion → verification)."""
    if not has_right(actor, InspectionRight.INSPECT):
        return NotPermitted(_("当场整改由本次检查的检查人员确认销号。"))
    if level != Hazard.Level.GENERAL:
        return HazardStepError(_("重大隐患不能当场整改销号，须制定治理方案。"))
    if source == Hazard.Source.SELF:
        return HazardStepError(_("企业自查发现的隐患须由企业提交整改方案、报告整改完成，经验收销号，不能当场整改。"))
    if inspection is None:
        return HazardStepError(_("当场整改只适用于检查中发现的隐患，请在检查记录中登记；此隐患请按整改流程办理。"))
    if not inspection.signatures.filter(inspector=actor).exists():
        return NotPermitted(_("只有本次检查的检查人员可以确认当场整改。"))
    today = today or timezone.localdate()
    if inspection.status == Inspection.Status.LOCKED and timezone.localdate(inspection.inspected_at) != today:
        return HazardStepError(
            _("本次检查（%(day)s）已签字归档，当场整改只能在检查进行中或检查当天确认；此隐患请按整改流程办理。")
            % {"day": timezone.localdate(inspection.inspected_at).isoformat()}
        )
    return None


def has_pending_extension(hazard: Hazard) -> bool:
    """Whether an extension waits for a decision (from the prefetched rows when a page has them)."""
    cached = getattr(hazard, "_prefetched_objects_cache", {}).get("extensions")
    if cached is not None:
        return any(e.decision == HazardExtension.Decision.PENDING for e in cached)
    return hazard.extensions.filter(decision=HazardExtension.Decision.PENDING).exists()


def _own_enterprise(hazard: Hazard, actor: Any) -> bool:
    return scope_for(actor).enterprise_id == hazard.enterprise_id


def _fix_on_spot(hazard: Hazard, actor: Any) -> HazardStepError | None:
    return fix_on_spot_problem(actor, level=hazard.level, source=hazard.source, inspection=hazard.inspection)


OWN_ENTERPRISE: Condition[Hazard] = Condition(
    _own_enterprise, gettext_lazy("只有本企业账号可以办理此事项。"), forbidden=True
)
NO_PENDING_EXTENSION: Condition[Hazard] = Condition(
    lambda h, a: not has_pending_extension(h), gettext_lazy("已有一份延期申请在审批中，请等待审批结果。")
)
NOT_OVERDUE: Condition[Hazard] = Condition(
    lambda h, a: not h.is_overdue(), gettext_lazy("已超过整改期限，不能再申请延期，请尽快整改或联系属地安监办。")
)
PENDING_EXTENSION: Condition[Hazard] = Condition(
    lambda h, a: has_pending_extension(h), gettext_lazy("没有待审批的延期申请，可能已被他人处理。")
)
MAJOR_VERIFIER: Condition[Hazard] = Condition(
    lambda h, a: h.level != Hazard.Level.MAJOR or may_verify_major(a),
    gettext_lazy("重大隐患须由乡镇（街道）及以上人员验收销号。"),
    forbidden=True,
)
MAJOR: Condition[Hazard] = Condition(
    lambda h, a: h.level == Hazard.Level.MAJOR, gettext_lazy("只有重大隐患可以挂牌督办。")
)
NOT_LISTED: Condition[Hazard] = Condition(lambda h, a: not h.listed_supervision, gettext_lazy("该隐患已挂牌督办。"))

HAZARD_STEPS: Lifecycle[Hazard] = Lifecycle(
    steps=[
        Step(
            "plan",
            source=[Status.REGISTERED],
            target=None,  # 一般 → rectifying at once, 重大 → plan_pending
            right=InspectionRight.HAZARD_RESPOND,
            conditions=[OWN_ENTERPRISE],
            label=gettext_lazy("提交整改方案"),
        ),
        Step(
            "completion",
            source=[Status.RECTIFYING],
            target=Status.AWAITING_VERIFICATION,
            right=InspectionRight.HAZARD_RESPOND,
            conditions=[OWN_ENTERPRISE],
            label=gettext_lazy("报告整改完成"),
        ),
        Step(
            "extension_request",
            source=EXTENDABLE,
            right=InspectionRight.HAZARD_RESPOND,
            conditions=[OWN_ENTERPRISE, NO_PENDING_EXTENSION, NOT_OVERDUE],
            label=gettext_lazy("申请延期"),
        ),
        Step(
            "plan_decide",
            source=[Status.PLAN_PENDING],
            target=None,  # approved → rectifying, returned → registered
            right=InspectionRight.HAZARD_REVIEW,
            label=gettext_lazy("审批整改方案"),
        ),
        Step(
            "verify",
            source=[Status.AWAITING_VERIFICATION],
            target=None,  # verified → closed, rejected → rectifying
            right=InspectionRight.HAZARD_REVIEW,
            conditions=[MAJOR_VERIFIER],
            label=gettext_lazy("验收销号"),
        ),
        Step(
            "extension_decide",
            source=EXTENSION_DECIDABLE,
            right=InspectionRight.HAZARD_REVIEW,
            conditions=[PENDING_EXTENSION],
            label=gettext_lazy("审批延期申请"),
        ),
        Step(
            "fix_on_spot",
            source=[Status.REGISTERED],
            target=Status.CLOSED,
            right=InspectionRight.INSPECT,
            conditions=[Rule(_fix_on_spot)],
            label=gettext_lazy("当场整改销号"),
        ),
        Step(
            "list_supervision",
            source=Hazard.OPEN_STATUSES,
            right=InspectionRight.HAZARD_LIST_SUPERVISION,
            conditions=[MAJOR, NOT_LISTED],
            label=gettext_lazy("挂牌督办"),
        ),
    ],
    has_right=has_right,
    error=HazardStepError,
    forbidden=NotPermitted,
    not_permitted=gettext_lazy("您的角色不能执行此操作。"),
    unavailable=lambda h, a: (
        _("该隐患当前状态为“%(status)s”，现在不能办理此事项。") % {"status": h.get_status_display()}
    ),
    refused=lambda h, a: (
        _("该隐患当前状态为“%(status)s”，不能执行此操作。页面可能已过期，或他人已处理，请刷新后查看。")
        % {"status": h.get_status_display()}
    ),
)


# Inspections ----------------------------------------------------------------------------------

InspectionStatus = Inspection.Status
# Escalations, 双报告 and the statistics report are labelled in inspections/timeline.py.
INSPECTION_ACTION_LABELS = {
    "inspections.inspection.created": gettext_lazy("开始检查"),
    "inspections.inspection.result_recorded": gettext_lazy("填写检查结果"),
    "inspections.inspection.submitted": gettext_lazy("提交检查记录签字"),
    "inspections.inspection.signed": gettext_lazy("检查人员签字"),
    "inspections.inspection.addendum_added": gettext_lazy("添加补充说明"),
}


def is_inspector_of(inspection: Inspection, actor: Any) -> bool:
    return inspection.signatures.filter(inspector=actor).exists()


INSPECTOR: Condition[Inspection] = Condition(
    is_inspector_of, gettext_lazy("只有本次检查的检查人员可以填写和签字。"), forbidden=True
)
NOT_SIGNED: Condition[Inspection] = Condition(
    lambda i, a: i.signatures.filter(inspector=a, signature__isnull=True).exists(), gettext_lazy("您已签字。")
)

INSPECTION_STEPS: Lifecycle[Inspection] = Lifecycle(
    steps=[
        Step(
            "record_result",
            action="inspections.inspection.result_recorded",
            source=[InspectionStatus.DRAFT],
            right=InspectionRight.INSPECT,
            conditions=[INSPECTOR],
            wrong_state=gettext_lazy("检查记录已提交签字，不能再修改；如需更正请添加补充说明。"),
        ),
        Step(
            "submit",
            action="inspections.inspection.submitted",
            source=[InspectionStatus.DRAFT],
            target=InspectionStatus.SIGNING,
            right=InspectionRight.INSPECT,
            conditions=[INSPECTOR],
            wrong_state=gettext_lazy("检查记录已提交签字。"),
        ),
        Step(
            "sign",
            action="inspections.inspection.signed",
            source=[InspectionStatus.SIGNING],
            target=None,  # the last signature locks the record
            right=InspectionRight.INSPECT,
            conditions=[INSPECTOR, NOT_SIGNED],
            wrong_state=gettext_lazy("检查记录尚未提交签字，或已归档。"),
        ),
        Step(
            "addendum",
            action="inspections.inspection.addendum_added",
            source=[InspectionStatus.LOCKED],
            right=InspectionRight.INSPECT,
            conditions=[INSPECTOR],
            wrong_state=gettext_lazy("记录归档前可直接修改，无需补充说明。"),
        ),
    ],
    has_right=has_right,
    error=HazardStepError,
    forbidden=NotPermitted,
    not_permitted=gettext_lazy("您的角色不能执行此操作。"),
    unavailable=lambda i, a: _("检查记录当前状态为“%(status)s”，不能执行此操作。") % {"status": i.get_status_display()},
)


def action_labels() -> dict[str, Any]:
    """How inspections' audit actions read: the hazard events' labels and the inspection steps'."""
    hazard = {f"inspections.hazard.{value}": label for value, label in HazardEvent.Action.choices}
    return {**hazard, **INSPECTION_ACTION_LABELS}
