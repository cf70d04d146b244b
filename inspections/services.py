"""Services: the only code that changes inspections and hazards.

Each step runs in `hazard_step` / `inspection_step`: one transaction that locks the row (SELECT ...
FOR UPDATE) in the actor's scope, claims the form's idempotency key, checks the step declared in
inspections/lifecycle.py, and records the HazardEvent and the audit entry. A step not allowed raises
HazardStepError (NotPermitted: 403) with a Chinese message, and nothing is applied. A step posted
twice with the same idempotency key is applied once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import notices
from inspections.dates import inspection_date_problem, needs_backdate_reason
from inspections.errors import HazardStepError as HazardStepError  # the services' errors, re-exported
from inspections.errors import NotPermitted as NotPermitted
from inspections.lifecycle import HAZARD_STEPS, INSPECTION_STEPS, fix_on_spot_problem
from inspections.models import (
    ChecklistItem,
    ChecklistResult,
    CompletionReport,
    Hazard,
    HazardEvent,
    HazardExtension,
    HazardPlan,
    HazardSequence,
    Inspection,
    InspectionAddendum,
    InspectionSignature,
)
from inspections.records import inspection_record_text
from inspections.rights import InspectionRight
from inspections.scope import hazards_visible_to, inspections_visible_to
from inspections.selectors import checklist_item_for
from safetyops.core.audit import log_action
from safetyops.core.idempotency import claim_key, idempotency, idempotent
from safetyops.core.signals import hazard_registered
from safetyops.evidence import signing
from safetyops.evidence.models import Attachment
from safetyops.evidence.services import attachment_create, attachments_share
from safetyops.evidence.uploads import UploadRejected, check_uploads, inspect_upload
from safetyops.orgs.models import Node, Role
from safetyops.orgs.scope import enterprises_visible_to, has_right, scope_for

Status = Hazard.Status
Action = HazardEvent.Action


def hazard_action(action: str) -> str:
    """The audit action of a hazard event: inspections.hazard.verified and so on."""
    return f"inspections.hazard.{action}"


def _require(actor: Any, right: str) -> None:
    if not has_right(actor, right):
        raise NotPermitted(_("您的角色不能执行此操作。"))


def _uploads_ok(uploads: Sequence[Any]) -> None:
    try:
        check_uploads(list(uploads))
    except UploadRejected as exc:
        raise HazardStepError(str(exc)) from exc


def _lock(actor: Any, hazard_id: int) -> Hazard:
    try:
        return hazards_visible_to(actor).select_for_update(of=("self",)).get(pk=hazard_id)
    except Hazard.DoesNotExist:
        raise HazardStepError(_("隐患不存在或不在您的管辖范围内。")) from None


def _event(
    hazard: Hazard,
    *,
    actor: Any,
    action: str,
    from_status: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
    uploads: Sequence[Any] = (),
    role: str = "document",
) -> HazardEvent:
    """Record one step of the hazard: its event (with the files), the audit entry, the notices."""
    event = HazardEvent.objects.create(
        hazard=hazard,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=hazard.status,
        comment=comment,
        data=data or {},
    )
    for upload in uploads:
        attachment_create(actor=actor, enterprise=hazard.enterprise, upload=upload, role=role, owner=hazard, step=event)
    log_action(hazard, hazard_action(action), actor=actor, data={"event": event.pk, **event.data})
    notices.after_commit(event)  # the other side hears of the step once it is committed
    return event


@dataclass
class HazardStepRun:
    """The hazard a step is applied to (locked), and the event the step records."""

    hazard: Hazard
    actor: Any
    from_status: str
    events: list[HazardEvent] = field(default_factory=list)

    def record(
        self,
        action: str,
        *,
        comment: str = "",
        data: dict[str, Any] | None = None,
        uploads: Sequence[Any] = (),
        role: str = "document",
    ) -> HazardEvent:
        """Record what the step did (after the hazard is saved): event, audit entry, notices."""
        event = _event(
            self.hazard,
            actor=self.actor,
            action=action,
            from_status=self.from_status,
            comment=comment,
            data=data,
            uploads=uploads,
            role=role,
        )
        self.events.append(event)
        return event


@contextmanager
def hazard_step(actor: Any, hazard_id: int, step: str, *, key: str | None = None) -> Iterator[HazardStepRun]:
    """`with hazard_step(actor, hazard_id, "verify", key=key) as run:` locks the hazard in the actor's
    scope, claims the key (a replay raises AlreadyApplied: decorate the service with @idempotent),
    checks the declared step, and expects the body to change the hazard and `run.record(...)` it."""
    HAZARD_STEPS.check_right(step, actor)
    with transaction.atomic():
        hazard = _lock(actor, hazard_id)
        claim_key(actor=actor, step=step, key=key, obj=hazard, error=HazardStepError)
        HAZARD_STEPS.check(step, hazard, actor)
        run = HazardStepRun(hazard=hazard, actor=actor, from_status=hazard.status)
        yield run
        if not run.events:
            raise RuntimeError(f"hazard step {step!r} recorded no event")


def _carry_photos(hazard: Hazard, event: HazardEvent, photos: Sequence[Attachment]) -> None:
    """The checklist item's photos become the hazard's 整改前 photos: new rows of the registration
    event that point at the same stored files (nothing copied; the item keeps its own rows)."""
    attachments_share(photos, owner=hazard, step=event, role=Attachment.Role.BEFORE, enterprise=hazard.enterprise)


def _withdraw_pending_extension(hazard: Hazard, *, actor: Any, why: str) -> None:
    """Resolve a pending extension the hazard no longer needs (it moved on), with a record."""
    extension = hazard.extensions.select_for_update().filter(decision=HazardExtension.Decision.PENDING).first()
    if extension is None:
        return
    extension.decision, extension.decided_at, extension.decision_comment = (
        HazardExtension.Decision.WITHDRAWN,
        timezone.now(),
        why,
    )
    extension.save(update_fields=["decision", "decided_at", "decision_comment"])
    _event(
        hazard,
        actor=actor,
        action=Action.EXTENSION_WITHDRAWN,
        from_status=hazard.status,
        comment=why,
        data={"extension": extension.pk, "requested_deadline": extension.requested_deadline.isoformat()},
    )


def _is_image(upload: Any) -> bool:
    return inspect_upload(upload).kind == "image"


# Numbering ------------------------------------------------------------------------------------


def _township_code(node: Node) -> str:
    """The number uses the township (or the county for enterprises registered at county level)."""
    if node.level == Node.Level.VILLAGE and node.parent_id:
        return Node.objects.only("code").get(pk=node.parent_id).code
    return node.code


def next_hazard_number(*, node: Node, year: int) -> str:
    """YH-<year>-<area code>-<sequence>: unique, never reused (a rolled-back number may leave a gap)."""
    code = _township_code(node)
    HazardSequence.objects.get_or_create(year=year, node_code=code)
    sequence = HazardSequence.objects.select_for_update().get(year=year, node_code=code)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"YH-{year}-{code}-{sequence.last:05d}"


# Registration ---------------------------------------------------------------------------------


@dataclass
class HazardInput:
    level: str
    category: str
    description: str
    deadline: date
    location: str = ""
    sector_id: int | None = None


@idempotent
def hazard_register(
    *,
    actor: Any,
    enterprise_id: int,
    data: HazardInput,
    photos: Sequence[Any] = (),
    inspection: Inspection | None = None,
    checklist_item: ChecklistItem | None = None,
    campaign_id: int | None = None,
    fixed_on_spot: bool = False,
    after_photos: Sequence[Any] = (),
    checklist_photos: Sequence[Attachment] = (),
    key: str | None = None,
) -> Hazard:
    """Register a hazard found by an official (or by the enterprise itself: 企业自查).

    `checklist_photos` (the failed item's photos) become its 整改前 photos without copying files."""
    with idempotency(actor=actor, step="register", key=key, error=HazardStepError) as claim:
        hazard = _register(
            actor=actor,
            enterprise_id=enterprise_id,
            data=data,
            photos=photos,
            inspection=inspection,
            checklist_item=checklist_item,
            campaign_id=campaign_id,
            fixed_on_spot=fixed_on_spot,
            after_photos=after_photos,
            checklist_photos=checklist_photos,
        )
        claim.bind(hazard)
    return hazard


def _register(
    *,
    actor: Any,
    enterprise_id: int,
    data: HazardInput,
    photos: Sequence[Any],
    inspection: Inspection | None,
    checklist_item: ChecklistItem | None,
    campaign_id: int | None,
    fixed_on_spot: bool,
    after_photos: Sequence[Any],
    checklist_photos: Sequence[Attachment],
) -> Hazard:
    is_enterprise = scope_for(actor).role == Role.ENTERPRISE_USER
    _require(actor, InspectionRight.HAZARD_SELF_REPORT if is_enterprise else InspectionRight.INSPECT)
    if data.level not in Hazard.Level.values or data.category not in Hazard.Category.values:
        raise HazardStepError(_("请选择隐患等级和类别。"))
    if not data.description.strip():
        raise HazardStepError(_("请填写隐患描述。"))
    today = timezone.localdate()
    if data.deadline < today:
        raise HazardStepError(_("整改期限不能早于今天（%(today)s）。") % {"today": today.isoformat()})
    _uploads_ok([*photos, *after_photos])  # first: _is_image below expects accepted files
    source = Hazard.Source.SELF if is_enterprise else Hazard.Source.INSPECTION
    if fixed_on_spot:
        current = Inspection.objects.filter(pk=inspection.pk).first() if inspection is not None else None  # as stored
        if problem := fix_on_spot_problem(actor, level=data.level, source=source, inspection=current):
            raise problem
        if not any(_is_image(p) for p in after_photos):
            raise HazardStepError(_("当场整改须上传至少一张整改后照片。"))
    with transaction.atomic():
        enterprise = enterprises_visible_to(actor).select_related("node").filter(pk=enterprise_id).first()
        if enterprise is None:
            raise HazardStepError(_("企业不存在或不在您的管辖范围内。"))
        if inspection is not None and inspection.enterprise_id != enterprise.pk:
            raise HazardStepError(_("检查记录与企业不符，请从该企业的检查记录中登记。"))
        now = timezone.now()
        hazard = Hazard.objects.create(
            number=next_hazard_number(node=enterprise.node, year=timezone.localdate(now).year),
            enterprise=enterprise,
            node=enterprise.node,
            sector_id=data.sector_id,
            level=data.level,
            category=data.category,
            source=source,
            description=data.description.strip(),
            location=data.location.strip(),
            inspection=inspection,
            checklist_item=checklist_item,
            campaign_id=campaign_id or (inspection.campaign_id if inspection else None),
            deadline=data.deadline,
            registered_by=actor,
            registered_at=now,
        )
        registered = _event(
            hazard, actor=actor, action=Action.REGISTERED, from_status="", uploads=photos, role="before"
        )
        _carry_photos(hazard, registered, checklist_photos)
        if fixed_on_spot:
            hazard.status = Status.CLOSED
            hazard.fixed_on_spot = True
            hazard.closed_at, hazard.closed_by = now, actor
            hazard.save(update_fields=["status", "fixed_on_spot", "closed_at", "closed_by"])
            _event(
                hazard,
                actor=actor,
                action=Action.FIXED_ON_SPOT,
                from_status=Status.REGISTERED,
                comment=_("当场整改完毕"),
                uploads=after_photos,
                role="after",
            )
        hazard_id, hazard_enterprise_id = hazard.pk, enterprise.pk
        transaction.on_commit(
            lambda: hazard_registered.send(sender=Hazard, hazard_id=hazard_id, enterprise_id=hazard_enterprise_id)
        )
    return hazard


@idempotent
def hazard_fix_on_spot(
    *, actor: Any, hazard_id: int, after_photos: Sequence[Any], comment: str = "", key: str | None = None
) -> Hazard:
    """An inspector of the inspection that found a 一般 hazard closes it, fixed during the
    inspection (see fix_on_spot_problem), with an after-photo."""
    HAZARD_STEPS.check_right("fix_on_spot", actor)
    _uploads_ok(after_photos)
    if not any(_is_image(p) for p in after_photos):
        raise HazardStepError(_("当场整改须上传至少一张整改后照片。"))
    with hazard_step(actor, hazard_id, "fix_on_spot", key=key) as run:
        hazard = run.hazard
        _withdraw_pending_extension(hazard, actor=actor, why=_("隐患已当场整改销号，延期申请自动撤回。"))
        hazard.status, hazard.fixed_on_spot = Status.CLOSED, True
        hazard.closed_at, hazard.closed_by = timezone.now(), actor
        hazard.save(update_fields=["status", "fixed_on_spot", "closed_at", "closed_by"])
        run.record(Action.FIXED_ON_SPOT, comment=comment, uploads=after_photos, role="after")
    return hazard


# 五落实 plan ---------------------------------------------------------------------------------


@dataclass
class PlanInput:
    measures: str
    responsible_name: str
    responsible_post: str
    responsible_phone: str
    funds: Decimal
    deadline: date
    contingency: str
    funds_reason: str = ""
    situation: str = ""
    analysis: str = ""
    goal: str = ""
    materials: str = ""
    organisation: str = ""
    requirements: str = ""


def _plan_problems(plan: PlanInput, hazard: Hazard) -> list[str]:
    problems = []
    five = {
        _("整改措施"): plan.measures,
        _("责任人"): plan.responsible_name,
        _("责任人职务"): plan.responsible_post,
        _("责任人电话"): plan.responsible_phone,
        _("应急预案及整改期间安全措施"): plan.contingency,
    }
    missing = [label for label, value in five.items() if not (value or "").strip()]
    if missing:
        problems.append(_("五落实缺少：%(parts)s。") % {"parts": "、".join(missing)})
    if plan.funds is None or plan.funds < 0:
        problems.append(_("整改资金不能为负数。"))
    elif plan.funds == 0 and not plan.funds_reason.strip():
        problems.append(_("整改资金为0时，须说明无需资金的理由。"))
    if plan.deadline > hazard.deadline:
        problems.append(
            _("方案完成时限（%(plan)s）不能晚于整改期限（%(limit)s）；确需更长时间请先申请延期。")
            % {"plan": plan.deadline.isoformat(), "limit": hazard.deadline.isoformat()}
        )
    # An overdue hazard (no extension possible any more) may still file its plan, with the official's
    # passed deadline as 时限; it stays 逾期 until closed. Otherwise no date would satisfy both rules.
    if plan.deadline < timezone.localdate() and plan.deadline != hazard.deadline:
        problems.append(_("方案完成时限不能早于今天。"))
    if hazard.level == Hazard.Level.MAJOR:
        six = {
            _("隐患的现状及其产生原因"): plan.situation,
            _("隐患的危害程度和整改难易程度分析"): plan.analysis,
            _("治理的目标和任务"): plan.goal,
            _("经费和物资的落实"): plan.materials,
            _("负责治理的机构和人员"): plan.organisation,
            _("治理的时限和要求"): plan.requirements,
        }
        missing = [label for label, value in six.items() if not (value or "").strip()]
        if missing:
            problems.append(_("重大隐患治理方案缺少：%(parts)s。") % {"parts": "、".join(missing)})
    return problems


@idempotent
def hazard_submit_plan(*, actor: Any, hazard_id: int, plan: PlanInput, key: str | None = None) -> Hazard:
    """The enterprise files its 五落实 plan: 一般 takes effect at once, 重大 waits for approval."""
    with hazard_step(actor, hazard_id, "plan", key=key) as run:
        hazard = run.hazard
        problems = _plan_problems(plan, hazard)
        if problems:
            raise HazardStepError(" ".join(problems))
        major = hazard.level == Hazard.Level.MAJOR
        now = timezone.now()
        HazardPlan.objects.create(
            hazard=hazard,
            **{k: (v.strip() if isinstance(v, str) else v) for k, v in plan.__dict__.items()},
            submitted_by=actor,
            submitted_at=now,
            decision=HazardPlan.Decision.PENDING if major else HazardPlan.Decision.APPROVED,
            decided_at=None if major else now,
        )
        hazard.status = Status.PLAN_PENDING if major else Status.RECTIFYING
        hazard.save(update_fields=["status"])
        run.record(Action.PLAN_SUBMITTED, data={"deadline": plan.deadline.isoformat(), "funds": str(plan.funds)})
    return hazard


def _pending_plan(hazard: Hazard) -> HazardPlan:
    plan = hazard.plans.filter(decision=HazardPlan.Decision.PENDING).order_by("-submitted_at", "-pk").first()
    if plan is None:
        raise HazardStepError(_("没有待审批的整改方案。"))
    return plan


def _decide_plan(actor: Any, hazard_id: int, *, approve: bool, comment: str, key: str | None) -> Hazard:
    """An official approves the pending 重大 plan (→ rectifying) or returns it (→ waiting for a plan)."""
    with hazard_step(actor, hazard_id, "plan_decide", key=key) as run:
        hazard = run.hazard
        plan = _pending_plan(hazard)
        plan.decision = HazardPlan.Decision.APPROVED if approve else HazardPlan.Decision.RETURNED
        plan.decided_by, plan.decided_at, plan.decision_comment = actor, timezone.now(), comment.strip()
        plan.save(update_fields=["decision", "decided_by", "decided_at", "decision_comment"])
        hazard.status = Status.RECTIFYING if approve else Status.REGISTERED
        hazard.save(update_fields=["status"])
        run.record(Action.PLAN_APPROVED if approve else Action.PLAN_RETURNED, comment=comment.strip())
    return hazard


@idempotent
def hazard_approve_plan(*, actor: Any, hazard_id: int, comment: str = "", key: str | None = None) -> Hazard:
    return _decide_plan(actor, hazard_id, approve=True, comment=comment, key=key)


@idempotent
def hazard_return_plan(*, actor: Any, hazard_id: int, reason: str, key: str | None = None) -> Hazard:
    HAZARD_STEPS.check_right("plan_decide", actor)
    if not reason.strip():
        raise HazardStepError(_("退回方案须说明理由，便于企业修改。"))
    return _decide_plan(actor, hazard_id, approve=False, comment=reason, key=key)


# Completion and verification ------------------------------------------------------------------


@idempotent
def hazard_report_completion(
    *,
    actor: Any,
    hazard_id: int,
    description: str,
    money_spent: Decimal,
    after_photos: Sequence[Any],
    documents: Sequence[Any] = (),
    key: str | None = None,
) -> Hazard:
    """The enterprise reports the rectification done, with at least one after-photo."""
    HAZARD_STEPS.check_right("completion", actor)
    if not description.strip():
        raise HazardStepError(_("请填写整改情况。"))
    if money_spent is None or money_spent < 0:
        raise HazardStepError(_("实际投入资金不能为负数。"))
    if not after_photos:
        raise HazardStepError(_("请至少上传一张整改后照片。"))
    _uploads_ok([*after_photos, *documents])
    if not all(_is_image(p) for p in after_photos):
        raise HazardStepError(_("整改后照片须为图片（JPG、PNG、WebP），PDF 等材料请在“证明材料”中上传。"))
    with hazard_step(actor, hazard_id, "completion", key=key) as run:
        hazard = run.hazard
        # Done within the deadline asked for: the pending request is resolved first, on the record.
        _withdraw_pending_extension(hazard, actor=actor, why=_("企业已报告整改完成，延期申请自动撤回。"))
        CompletionReport.objects.create(
            hazard=hazard, description=description.strip(), money_spent=money_spent, submitted_by=actor
        )
        hazard.status = Status.AWAITING_VERIFICATION
        hazard.save(update_fields=["status"])
        event = run.record(
            Action.COMPLETION_REPORTED,
            comment=description.strip(),
            uploads=after_photos,
            role="after",
            data={"money_spent": str(money_spent)},
        )
        for document in documents:
            attachment_create(
                actor=actor, enterprise=hazard.enterprise, upload=document, role="document", owner=hazard, step=event
            )
    return hazard


@idempotent
def hazard_verify(
    *, actor: Any, hazard_id: int, opinion: str, expert_opinion: str = "", key: str | None = None
) -> Hazard:
    """An official verifies the rectification and closes the hazard (销号)."""
    HAZARD_STEPS.check_right("verify", actor)
    if not opinion.strip():
        raise HazardStepError(_("请填写验收意见。"))
    with hazard_step(actor, hazard_id, "verify", key=key) as run:
        hazard = run.hazard
        _withdraw_pending_extension(hazard, actor=actor, why=_("隐患已验收销号，延期申请自动撤回。"))
        hazard.status = Status.CLOSED
        hazard.closed_at, hazard.closed_by = timezone.now(), actor
        hazard.save(update_fields=["status", "closed_at", "closed_by"])
        run.record(Action.VERIFIED, comment=opinion.strip(), data={"expert_opinion": expert_opinion.strip()})
    return hazard


@idempotent
def hazard_reject_verification(
    *, actor: Any, hazard_id: int, reason: str, new_deadline: date | None = None, key: str | None = None
) -> Hazard:
    """Verification failed: back to rectifying, optionally with a new deadline."""
    HAZARD_STEPS.check_right("verify", actor)
    if not reason.strip():
        raise HazardStepError(_("验收不通过须说明理由。"))
    if new_deadline is not None and new_deadline < timezone.localdate():
        raise HazardStepError(_("新的整改期限不能早于今天。"))
    with hazard_step(actor, hazard_id, "verify", key=key) as run:
        hazard = run.hazard
        old = hazard.deadline
        hazard.status = Status.RECTIFYING
        fields = ["status"]
        if new_deadline is not None:
            hazard.deadline = new_deadline
            fields.append("deadline")
        hazard.save(update_fields=fields)
        run.record(
            Action.VERIFICATION_REJECTED,
            comment=reason.strip(),
            data={"old_deadline": old.isoformat(), "new_deadline": new_deadline.isoformat() if new_deadline else ""},
        )
    return hazard


# Extensions -----------------------------------------------------------------------------------


@idempotent
def hazard_request_extension(
    *, actor: Any, hazard_id: int, reason: str, requested_deadline: date, key: str | None = None
) -> Hazard:
    """The enterprise asks, before the deadline, for more time."""
    HAZARD_STEPS.check_right("extension_request", actor)
    if not reason.strip():
        raise HazardStepError(_("请填写延期理由。"))
    with hazard_step(actor, hazard_id, "extension_request", key=key) as run:
        hazard = run.hazard
        if requested_deadline <= hazard.deadline:
            raise HazardStepError(_("申请的新期限须晚于现期限（%(d)s）。") % {"d": hazard.deadline.isoformat()})
        HazardExtension.objects.create(
            hazard=hazard,
            reason=reason.strip(),
            old_deadline=hazard.deadline,
            requested_deadline=requested_deadline,
            requested_by=actor,
        )
        run.record(
            Action.EXTENSION_REQUESTED,
            comment=reason.strip(),
            data={"requested_deadline": requested_deadline.isoformat()},
        )
    return hazard


@idempotent
def hazard_decide_extension(
    *,
    actor: Any,
    hazard_id: int,
    approve: bool,
    comment: str = "",
    approved_deadline: date | None = None,
    key: str | None = None,
) -> Hazard:
    """An official approves (with the new deadline) or refuses the pending extension."""
    HAZARD_STEPS.check_right("extension_decide", actor)
    if not approve and not comment.strip():
        raise HazardStepError(_("不同意延期须说明理由。"))
    with hazard_step(actor, hazard_id, "extension_decide", key=key) as run:
        hazard = run.hazard
        extension = hazard.extensions.select_for_update().get(decision=HazardExtension.Decision.PENDING)
        extension.decided_by, extension.decided_at = actor, timezone.now()
        extension.decision_comment = comment.strip()
        data: dict[str, Any] = {}
        if approve:
            new_deadline = approved_deadline or extension.requested_deadline
            if new_deadline <= extension.old_deadline:
                raise HazardStepError(_("批准的新期限须晚于原期限。"))
            if new_deadline <= hazard.deadline:
                raise HazardStepError(
                    _("批准的新期限（%(new)s）须晚于现整改期限（%(current)s）：审批延期不能把期限提前。")
                    % {"new": new_deadline.isoformat(), "current": hazard.deadline.isoformat()}
                )
            extension.decision, extension.approved_deadline = HazardExtension.Decision.APPROVED, new_deadline
            data = {"old_deadline": hazard.deadline.isoformat(), "new_deadline": new_deadline.isoformat()}
            hazard.deadline = new_deadline
            hazard.save(update_fields=["deadline"])
        else:
            extension.decision = HazardExtension.Decision.REFUSED
        extension.save()
        run.record(
            Action.EXTENSION_APPROVED if approve else Action.EXTENSION_REFUSED, comment=comment.strip(), data=data
        )
    return hazard


@idempotent
def hazard_list_supervision(*, actor: Any, hazard_id: int, comment: str = "", key: str | None = None) -> Hazard:
    """挂牌督办: the county lists an open 重大 hazard for tracked supervision."""
    with hazard_step(actor, hazard_id, "list_supervision", key=key) as run:
        hazard = run.hazard
        hazard.listed_supervision, hazard.listed_at = True, timezone.now()
        hazard.save(update_fields=["listed_supervision", "listed_at"])
        run.record(Action.LISTED_SUPERVISION, comment=comment.strip())
    return hazard


# Inspections ----------------------------------------------------------------------------------


def inspection_create(
    *,
    actor: Any,
    enterprise_id: int,
    kind: str,
    inspectors: Sequence[Any],
    campaign_id: int | None = None,
    inspected_at: Any = None,
    backdate_reason: str = "",
) -> Inspection:
    """Start an inspection record; the actor is always one of the inspectors. Its date lies in the
    window of inspections/dates.py (a late entry carries its reason)."""
    _require(actor, InspectionRight.INSPECT)
    with transaction.atomic():
        enterprise = enterprises_visible_to(actor).filter(pk=enterprise_id).first()
        if enterprise is None:
            raise HazardStepError(_("企业不存在或不在您的管辖范围内。"))
        if kind not in Inspection.Kind.values:
            raise HazardStepError(_("请选择检查类型。"))
        inspected_at = inspected_at or timezone.now()
        if problem := inspection_date_problem(inspected_at, enterprise=enterprise, backdate_reason=backdate_reason):
            raise HazardStepError(problem)
        inspection = Inspection.objects.create(
            enterprise=enterprise,
            kind=kind,
            campaign_id=campaign_id,
            created_by=actor,
            inspected_at=inspected_at,
            backdate_reason=backdate_reason.strip() if needs_backdate_reason(inspected_at) else "",
        )
        people = {actor.pk: actor}
        for person in inspectors:
            if not has_right(person, InspectionRight.INSPECT):
                raise HazardStepError(_("“%(name)s”不是检查人员，不能列为检查人。") % {"name": person})
            # An inspector who cannot see the enterprise could never sign, and the record would never lock.
            if not enterprises_visible_to(person).filter(pk=enterprise.pk).exists():
                raise HazardStepError(_("“%(name)s”不负责该企业，不能列为检查人。") % {"name": person})
            people[person.pk] = person
        InspectionSignature.objects.bulk_create(
            [InspectionSignature(inspection=inspection, inspector=p) for p in people.values()]
        )
        log_action(
            inspection,
            "inspections.inspection.created",
            actor=actor,
            data={"enterprise": enterprise.pk, "kind": kind, "inspectors": sorted(people)},
        )
    return inspection


def _lock_inspection(actor: Any, inspection_id: int) -> Inspection:
    inspection = inspections_visible_to(actor).select_for_update(of=("self",)).filter(pk=inspection_id).first()
    if inspection is None:
        raise HazardStepError(_("检查记录不存在或不在您的管辖范围内。"))
    return inspection


@dataclass
class InspectionStepRun:
    """The inspection a step is applied to (locked), and what its audit entry says."""

    inspection: Inspection
    action: str
    data: dict[str, Any] = field(default_factory=dict)


@contextmanager
def inspection_step(actor: Any, inspection_id: int, step: str) -> Iterator[InspectionStepRun]:
    """`with inspection_step(actor, pk, "sign") as run:` locks the record in the actor's scope, checks
    the declared step (one of its inspectors, the right state), and on exit writes the audit entry."""
    INSPECTION_STEPS.check_right(step, actor)
    with transaction.atomic():
        inspection = _lock_inspection(actor, inspection_id)
        INSPECTION_STEPS.check(step, inspection, actor)
        run = InspectionStepRun(inspection=inspection, action=INSPECTION_STEPS[step].action)
        yield run
        log_action(inspection, run.action, actor=actor, data=run.data)


def inspection_record_result(
    *, actor: Any, inspection_id: int, item_id: int, result: str, note: str = "", photos: Sequence[Any] = ()
) -> ChecklistResult:
    """Answer one checklist item (pass / fail / not applicable); allowed until the record is signed."""
    INSPECTION_STEPS.check_right("record_result", actor)
    if result not in ChecklistResult.Result.values:
        raise HazardStepError(_("请选择检查结果。"))
    _uploads_ok(photos)
    with inspection_step(actor, inspection_id, "record_result") as run:
        inspection = run.inspection
        if checklist_item_for(inspection=inspection, item_id=item_id) is None:
            raise HazardStepError(_("该检查项不属于本次检查的检查表。"))
        answer, _created = ChecklistResult.objects.update_or_create(
            inspection=inspection,
            item_id=item_id,
            defaults={"result": result, "note": note.strip()[:500], "answered_by": actor},
        )
        for photo in photos:
            attachment_create(
                actor=actor,
                enterprise=inspection.enterprise,
                upload=photo,
                role="before",
                owner=answer,
            )
        run.data = {"item": item_id, "result": result, "photos": len(photos)}
    return answer


def inspection_submit_for_signing(*, actor: Any, inspection_id: int, findings: str, conclusion: str) -> Inspection:
    """The findings and conclusion are final: the record goes to every inspector for signing."""
    INSPECTION_STEPS.check_right("submit", actor)
    if not conclusion.strip():
        raise HazardStepError(_("请填写检查结论。"))
    with inspection_step(actor, inspection_id, "submit") as run:
        inspection = run.inspection
        inspection.findings, inspection.conclusion = findings.strip(), conclusion.strip()
        inspection.status = Inspection.Status.SIGNING
        inspection.save(update_fields=["findings", "conclusion", "status"])
    return inspection


def inspection_sign(
    *,
    actor: Any,
    inspection_id: int,
    typed_name: str,
    confirmed: bool,
    ip: str | None = None,
    user_agent: str = "",
) -> Inspection:
    """谁检查谁签字: each inspector signs the record's text (inspections/records.py) with their name
    and an explicit confirmation (safetyops.evidence.signing); the last signature locks the record."""
    with inspection_step(actor, inspection_id, "sign") as run:
        inspection = run.inspection
        row = inspection.signatures.select_for_update().get(inspector=actor)
        try:
            row.signature = signing.sign(
                owner=inspection,
                signer=actor,
                typed_name=typed_name,
                confirmed=confirmed,
                text=inspection_record_text(inspection),
                ip=ip,
                user_agent=user_agent,
                unconfirmed=_("请勾选确认已核对检查记录后再签字。"),
            )
        except signing.SigningError as exc:
            raise HazardStepError(exc.message) from exc
        row.save(update_fields=["signature"])
        if not inspection.signatures.filter(signature__isnull=True).exists():
            inspection.status, inspection.locked_at = Inspection.Status.LOCKED, timezone.now()
            inspection.save(update_fields=["status", "locked_at"])
        run.data = {"signed_name": row.signature.signed_name, "locked": inspection.locked}
    return inspection


def inspection_add_addendum(*, actor: Any, inspection_id: int, text: str) -> InspectionAddendum:
    """A correction after the record is locked is an addendum, never an edit."""
    INSPECTION_STEPS.check_right("addendum", actor)
    if not text.strip():
        raise HazardStepError(_("请填写补充说明。"))
    with inspection_step(actor, inspection_id, "addendum") as run:
        addendum = InspectionAddendum.objects.create(inspection=run.inspection, author=actor, text=text.strip())
        run.data = {"addendum": addendum.pk}
    return addendum


@idempotent
def hazard_from_failed_item(
    *,
    actor: Any,
    inspection_id: int,
    item_id: int,
    data: HazardInput,
    photos: Sequence[Any] = (),
    fixed_on_spot: bool = False,
    after_photos: Sequence[Any] = (),
    key: str | None = None,
) -> Hazard:
    """A failed checklist item becomes a hazard in one step, linked to the inspection and item.

    Only the inspection's inspectors may do it, and an item becomes at most one hazard.
    """
    with idempotency(actor=actor, step="register", key=key, error=HazardStepError) as claim:
        inspection = _lock_inspection(actor, inspection_id)  # serialises registrations of one inspection
        INSPECTION_STEPS.check("register_hazard", inspection, actor)
        result = ChecklistResult.objects.filter(inspection=inspection, item_id=item_id).select_related("item").first()
        if result is None or result.result != ChecklistResult.Result.FAIL:
            raise HazardStepError(_("只有判定为“不符合”的检查项可以登记为隐患。"))
        existing = Hazard.objects.filter(inspection=inspection, checklist_item_id=item_id).first()
        if existing is not None:
            raise HazardStepError(_("该检查项已登记为隐患 %(number)s。") % {"number": existing.number})
        hazard = _register(
            actor=actor,
            enterprise_id=inspection.enterprise_id,
            data=data,
            photos=photos,
            inspection=inspection,
            checklist_item=result.item,
            campaign_id=None,
            fixed_on_spot=fixed_on_spot,
            after_photos=after_photos,
            checklist_photos=list(result.attachments.filter(kind=Attachment.Kind.IMAGE).order_by("uploaded_at", "pk")),
        )
        claim.bind(hazard)
    return hazard
