"""The accident registry's writes (国务院令第493号): drafting and registering the report (第十二条),
casualty revisions (第十三条), forwarding (第十一条), the 谎报/瞒报 mark, the investigation and the
reply (第十九条, 第三十二条), responsibility findings, the 四不放过 items and 结案.

Each service is atomic, locks the accident, checks the declared step (accidents/lifecycle.py),
writes the audit entry and, on commit, sends `accident_changed` and the notices.
"""

from __future__ import annotations

import datetime
import uuid
import zlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.accidents import levels, notices
from accountability.accidents.errors import AccidentError
from accountability.accidents.lifecycle import ACCIDENT_STEPS
from accountability.accidents.signals import accident_changed
from accountability.models import Accident, AccidentCategory, AccidentFollowUp, AccidentResponsibility, AccidentRevision
from safetyops.core.audit import log_action
from safetyops.core.idempotency import claim_key, idempotent
from safetyops.evidence.models import Attachment
from safetyops.evidence.services import attachment_create
from safetyops.evidence.uploads import UploadRejected
from safetyops.orgs.models import Department, Enterprise, Node, Sector
from safetyops.orgs.scope import departments_visible_to, enterprises_visible_to, nodes_visible_to
from safetyops.orgs.units import unit_fields

Status = Accident.Status
LOSS_MAX = Decimal("9999999999.99")  # the column's 12 digits, 2 decimals: 百亿万元 is beyond any accident
CASUALTY_MAX = 100000
TEXT_MAX = 5000
REASON_MAX = 500
FIGURES = ("deaths", "serious_injuries", "minor_injuries", "missing", "direct_loss")
REPORT_ITEMS = ("unit_overview", "scene", "account", "casualties_note", "measures", "other")
FOLLOW_UP_DAYS = 60  # default due date of the 四不放过 items, editable per item


def _label(name: str) -> str:
    return str(getattr(Accident._meta.get_field(name), "verbose_name", name))


def report_item_labels() -> dict[str, str]:
    return {name: _label(name) for name in REPORT_ITEMS}


# Checks shared by the draft and the revisions --------------------------------------------------


def check_casualties(values: dict[str, Any]) -> dict[str, Any]:
    """Casualties are whole numbers ≥ 0; the loss a number of 万元 ≥ 0 with at most 2 decimals."""
    checked: dict[str, Any] = {}
    for name in ("deaths", "serious_injuries", "minor_injuries", "missing"):
        label = _label(name)
        value = values.get(name, 0)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise AccidentError(_("%(f)s必须是整数。") % {"f": label}) from None
        if number < 0:
            raise AccidentError(_("%(f)s不能为负数。") % {"f": label})
        if number > CASUALTY_MAX:
            raise AccidentError(_("%(f)s不能超过%(n)s人，请核对。") % {"f": label, "n": CASUALTY_MAX})
        checked[name] = number
    checked["direct_loss"] = check_loss(values.get("direct_loss", Decimal("0")))
    return checked


def check_loss(value: Any) -> Decimal:
    try:
        loss = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise AccidentError(_("直接经济损失必须是数字（单位：万元），例如 12.50。")) from None
    if not loss.is_finite():
        raise AccidentError(_("直接经济损失必须是数字（单位：万元），例如 12.50。"))
    if loss < 0:
        raise AccidentError(_("直接经济损失不能为负数。"))
    if loss.as_tuple().exponent < -2:  # type: ignore[operator]
        raise AccidentError(_("直接经济损失最多保留两位小数（单位：万元）。"))
    if loss > LOSS_MAX:
        raise AccidentError(_("直接经济损失数额过大，请核对单位是否为万元。"))
    return loss.quantize(Decimal("0.01"))


def check_times(occurred_at: datetime.datetime, reported_at: datetime.datetime, *, now: datetime.datetime) -> None:
    if occurred_at > now:
        raise AccidentError(_("发生时间不能晚于当前时间。"))
    if reported_at > now:
        raise AccidentError(_("报告时间不能晚于当前时间。"))
    if reported_at < occurred_at:
        raise AccidentError(_("报告时间不能早于事故发生时间。"))


def _place_in_scope(actor: Any, enterprise: Enterprise | None, node: Node | None) -> Node:
    if enterprise is not None:
        if not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
            raise AccidentError(_("所选事故单位不在您的管辖范围内。"))
        if not nodes_visible_to(actor).filter(pk=enterprise.node_id).exists():
            raise AccidentError(_("所选事故单位不在您的管辖范围内。"))
        return enterprise.node
    if node is None:
        raise AccidentError(_("请选择事故单位，或选择事故地点所在的地区。"))
    if not nodes_visible_to(actor).filter(pk=node.pk).exists():
        raise AccidentError(_("所选地区不在您的管辖范围内。"))
    return node


def _check_fields(actor: Any, fields: dict[str, Any], *, now: datetime.datetime) -> dict[str, Any]:
    title = (fields.get("title") or "").strip()
    if not title:
        raise AccidentError(_("请填写事故名称。"))
    place = (fields.get("place") or "").strip()
    enterprise: Enterprise | None = fields.get("enterprise")
    node = _place_in_scope(actor, enterprise, fields.get("node"))
    if not place:
        place = enterprise.name if enterprise is not None else ""
    if not place:
        raise AccidentError(_("请填写事故地点。"))
    category = fields.get("category")
    if category not in AccidentCategory.values:
        raise AccidentError(_("请选择事故类别。"))
    sector: Sector | None = fields.get("sector")
    occurred_at, reported_at = fields.get("occurred_at"), fields.get("reported_at")
    if occurred_at is None or reported_at is None:
        raise AccidentError(_("请填写事故发生时间和报告时间。"))
    check_times(occurred_at, reported_at, now=now)
    texts = {}
    for name in REPORT_ITEMS:
        text = (fields.get(name) or "").strip()
        if len(text) > TEXT_MAX:
            raise AccidentError(_("%(f)s不能超过%(n)s个字。") % {"f": report_item_labels()[name], "n": TEXT_MAX})
        texts[name] = text
    figures = check_casualties(fields)
    return {
        # 第三条 from the figures as drafted, so a draft's page and the list show its true level.
        "level": levels.level_of(
            deaths=figures["deaths"], serious_injuries=figures["serious_injuries"], direct_loss=figures["direct_loss"]
        ),
        "title": title[:128],
        "place": place[:200],
        "enterprise": enterprise,
        "node": node,
        "category": category,
        "sector": sector,
        "occurred_at": occurred_at,
        "reported_at": reported_at,
        **figures,
        **texts,
    }


def _changed(accident: Accident) -> None:
    accident_id = accident.pk
    transaction.on_commit(lambda: accident_changed.send(sender=Accident, accident_id=accident_id))


def _locked(accident: Accident | int) -> Accident:
    pk = accident if isinstance(accident, int) else accident.pk
    return Accident.objects.select_for_update(of=("self",)).select_related("node", "enterprise").get(pk=pk)


# Drafting and registering ------------------------------------------------------------------------


@idempotent
@transaction.atomic
def accident_draft_save(
    *, actor: Any, accident: Accident | None = None, key: str | None = None, **fields: Any
) -> Accident:
    """Create or update the draft of an accident report; the six items may still be empty.
    A new report's form carries `key`: the same post applied twice (a double click on 登记) makes
    one accident, the repeat answered with it (safetyops.core.idempotency)."""
    if accident is None:
        ACCIDENT_STEPS.check_right("edit", actor)
        claim = claim_key(actor=actor, step="accountability.accident.drafted", key=key, error=AccidentError)
        values = _check_fields(actor, fields, now=timezone.now())
        accident = Accident.objects.create(
            number=f"草稿-{uuid.uuid4().hex[:12]}", status=Status.DRAFT, created_by=actor, **values
        )
        claim.bind(accident)
        log_action(accident, "accountability.accident.drafted", actor=actor, data={"title": accident.title})
        return accident
    locked = _locked(accident)
    ACCIDENT_STEPS.check("edit", locked, actor)
    values = _check_fields(actor, fields, now=timezone.now())
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    log_action(locked, "accountability.accident.draft_saved", actor=actor)
    return locked


def _next_number(year: int) -> str:
    """ "SG-<year>-<seq>", the year's next; a transaction-scoped advisory lock per year serialises
    concurrent registrations (released at commit, after the new number is visible). SQLite (bin/run)
    has one writer at a time, and the number's unique constraint stops a second one anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [zlib.crc32(b"accident-number"), year])
    prefix = f"SG-{year}-"
    taken = [
        int(number[len(prefix) :])
        for number in Accident.objects.filter(number__startswith=prefix).values_list("number", flat=True)
        if number[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(taken, default=0) + 1:04d}"


def missing_items(accident: Accident) -> list[str]:
    labels = report_item_labels()
    return [labels[name] for name in REPORT_ITEMS if not (getattr(accident, name) or "").strip()]


@transaction.atomic
def accident_register(*, actor: Any, accident: Accident) -> Accident:
    """第十二条: register the draft once its six items are given; store the level (第三条), 迟报
    (第九条), the number, and create the four 四不放过 items."""
    locked = _locked(accident)
    ACCIDENT_STEPS.check("register", locked, actor)
    if missing := missing_items(locked):
        raise AccidentError(_("事故报告缺少第十二条规定的内容：%(items)s。") % {"items": "、".join(missing)})
    now = timezone.now()
    check_times(locked.occurred_at, locked.reported_at, now=now)
    locked.level = levels.level_of(
        deaths=locked.deaths, serious_injuries=locked.serious_injuries, direct_loss=locked.direct_loss
    )
    locked.reported_late = levels.is_late_report(locked.occurred_at, locked.reported_at)
    # Numbered in the year the accident occurred (Beijing time): the year it counts for.
    locked.number = _next_number(timezone.localtime(locked.occurred_at).year)
    locked.status, locked.registered_at, locked.registered_by = Status.REGISTERED, now, actor
    locked.save()
    due = timezone.localdate(now) + datetime.timedelta(days=FOLLOW_UP_DAYS)
    AccidentFollowUp.objects.bulk_create(
        [AccidentFollowUp(accident=locked, item=item, due_on=due) for item in AccidentFollowUp.Item.values]
    )
    log_action(
        locked,
        "accountability.accident.registered",
        actor=actor,
        data={"number": locked.number, "level": locked.level, "reported_late": locked.reported_late},
    )
    accident_id = locked.pk
    transaction.on_commit(lambda: notices.tell_accident_registered(accident_id))
    _changed(locked)
    return locked


# Casualty revisions (第十三条) ----------------------------------------------------------------------


def figures_of(accident: Accident) -> dict[str, Any]:
    return {
        "deaths": accident.deaths,
        "serious_injuries": accident.serious_injuries,
        "minor_injuries": accident.minor_injuries,
        "missing": accident.missing,
        "direct_loss": str(accident.direct_loss),
    }


@transaction.atomic
def accident_revise(
    *,
    actor: Any,
    accident: Accident,
    deaths: Any,
    serious_injuries: Any,
    minor_injuries: Any,
    missing: Any,
    direct_loss: Any,
    reason: str = "",
) -> AccidentRevision:
    """A change of casualties or loss: an AccidentRevision (before/after, levels, within the
    window of 第十三条 or not), the accident re-graded. After the window a reason is required."""
    locked = _locked(accident)
    ACCIDENT_STEPS.check("revise", locked, actor)
    after_values = check_casualties(
        {
            "deaths": deaths,
            "serious_injuries": serious_injuries,
            "minor_injuries": minor_injuries,
            "missing": missing,
            "direct_loss": direct_loss,
        }
    )
    before = figures_of(locked)
    after = {**after_values, "direct_loss": str(after_values["direct_loss"])}
    if before == after:
        raise AccidentError(_("伤亡人数和直接经济损失都没有变化，无需补报。"))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise AccidentError(_("原因不能超过%(n)s个字。") % {"n": REASON_MAX})
    now = timezone.now()
    within = levels.within_revision_window(locked.occurred_at, locked.category, now)
    if not within and not reason:
        raise AccidentError(
            _("已超过第十三条规定的补报期限（%(days)s日），请填写补报原因。")
            % {"days": levels.revision_days(locked.category)}
        )
    level_before = locked.level
    for name, value in after_values.items():
        setattr(locked, name, value)
    locked.level = levels.level_of(
        deaths=locked.deaths, serious_injuries=locked.serious_injuries, direct_loss=locked.direct_loss
    )
    changed = [*FIGURES, "level"]
    due_before = locked.reply_due_on
    if locked.report_submitted_on is not None and locked.replied_on is None:
        # 第三十二条: the reply's deadline follows the level (30 days for 特别重大, else 15).
        locked.reply_due_on = levels.reply_due(locked.report_submitted_on, locked.level)
        changed.append("reply_due_on")
    locked.save(update_fields=changed)
    number = (locked.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = AccidentRevision.objects.create(
        accident=locked,
        number=number,
        before=before,
        after=after,
        level_before=level_before,
        level_after=locked.level,
        within_window=within,
        reason=reason,
        created_by=actor,
        created_at=now,
    )
    log_action(
        locked,
        "accountability.accident.revised",
        actor=actor,
        data={
            "number": number,
            "before": before,
            "after": after,
            "level_before": level_before,
            "level_after": locked.level,
            "within_window": within,
            "reason": reason,
            **(
                {"reply_due_on": [str(due_before), str(locked.reply_due_on)]}
                if locked.reply_due_on != due_before
                else {}
            ),
        },
    )
    if levels.RANK[locked.level] > levels.RANK[level_before]:  # type: ignore[index]
        accident_id = locked.pk
        transaction.on_commit(lambda: notices.tell_accident_serious(accident_id))
    _changed(locked)
    return revision


# Forwarding and the 谎报/瞒报 mark -----------------------------------------------------------------


@transaction.atomic
def accident_forward(
    *, actor: Any, accident: Accident, forwarded_at: datetime.datetime, forwarded_to: str = ""
) -> Accident:
    """第十一条: the county records when, and to whom (第十条, by level), it passed the accident up."""
    locked = _locked(accident)
    ACCIDENT_STEPS.check("forward", locked, actor)
    if forwarded_at is None:
        raise AccidentError(_("请填写上报时间。"))
    if forwarded_at > timezone.now():
        raise AccidentError(_("上报时间不能晚于当前时间。"))
    if forwarded_at < locked.reported_at:
        raise AccidentError(_("上报时间不能早于接到事故报告的时间。"))
    locked.forwarded_at = forwarded_at
    locked.forwarded_to = ((forwarded_to or "").strip() or str(levels.COUNTY_FORWARDS_TO))[:64]
    locked.save(update_fields=["forwarded_at", "forwarded_to"])
    log_action(
        locked,
        "accountability.accident.forwarded",
        actor=actor,
        data={
            "forwarded_at": forwarded_at.isoformat(),
            "forwarded_to": locked.forwarded_to,
            "late": levels.is_late_forward(locked.reported_at, forwarded_at),
        },
    )
    return locked


@transaction.atomic
def accident_mark_misreport(*, actor: Any, accident: Accident, kind: str, reason: str) -> Accident:
    """Mark the accident 谎报 or 瞒报 (kind "" clears the mark); a reason is required either way."""
    locked = _locked(accident)
    ACCIDENT_STEPS.check("misreport", locked, actor)
    if kind not in Accident.Misreport.values:
        raise AccidentError(_("请选择谎报或瞒报。"))
    reason = (reason or "").strip()
    if not reason:
        raise AccidentError(_("请填写认定理由。") if kind else _("请填写撤销认定的理由。"))
    if len(reason) > REASON_MAX:
        raise AccidentError(_("原因不能超过%(n)s个字。") % {"n": REASON_MAX})
    if kind == locked.misreport:
        raise AccidentError(_("认定没有变化。"))
    before = locked.misreport
    locked.misreport = kind
    locked.misreport_reason = reason if kind else ""
    locked.misreport_by, locked.misreport_at = (actor, timezone.now()) if kind else (None, None)
    locked.save(update_fields=["misreport", "misreport_reason", "misreport_by", "misreport_at"])
    action = "accountability.accident.misreport_marked" if kind else "accountability.accident.misreport_cleared"
    log_action(locked, action, actor=actor, data={"before": before, "after": kind, "reason": reason})
    return locked


# Investigation and reply (第十九条, 第三十二条) -----------------------------------------------------


def _check_day(day: datetime.date | None, accident: Accident, label: str) -> datetime.date:
    if day is None:
        raise AccidentError(_("请填写%(f)s。") % {"f": label})
    if day > timezone.localdate():
        raise AccidentError(_("%(f)s不能晚于今天。") % {"f": label})
    if day < timezone.localdate(accident.occurred_at):
        raise AccidentError(_("%(f)s不能早于事故发生日期。") % {"f": label})
    return day


@transaction.atomic
def accident_investigation_start(
    *, actor: Any, accident: Accident, group: str, started_on: datetime.date | None
) -> Accident:
    """Record (or correct) the investigation group and the day it was formed."""
    locked = _locked(accident)
    ACCIDENT_STEPS.check("investigate", locked, actor)
    group = (group or "").strip()
    if not group:
        raise AccidentError(_("请填写事故调查组的组成。"))
    if len(group) > TEXT_MAX:
        raise AccidentError(_("调查组说明不能超过%(n)s个字。") % {"n": TEXT_MAX})
    started_on = _check_day(started_on, locked, _("调查组成立日期"))
    locked.investigation_group, locked.investigation_started_on = group, started_on
    locked.status = Status.INVESTIGATING
    locked.save(update_fields=["investigation_group", "investigation_started_on", "status"])
    log_action(
        locked,
        "accountability.accident.investigation_started",
        actor=actor,
        data={"started_on": started_on.isoformat()},
    )
    return locked


def _store(actor: Any, upload: Any, owner: Any, accident: Accident, role: str) -> Attachment:
    """Anchored at the accident's enterprise (its users see it too) or at its node; the owner's
    registered scope (apps.py) then limits it to those who see the accident."""
    anchor = {"enterprise": accident.enterprise} if accident.enterprise_id else {"node": accident.node}
    try:
        return attachment_create(actor=actor, upload=upload, owner=owner, role=role, **anchor)
    except UploadRejected as rejected:
        raise AccidentError(str(rejected)) from None


@transaction.atomic
def accident_report_submit(
    *, actor: Any, accident: Accident, report: Any, submitted_on: datetime.date | None
) -> Accident:
    """The investigation report (a PDF, checked by its bytes) and its submission date; the reply
    is due 15 days later (30 for 特别重大: 第三十二条)."""
    locked = _locked(accident)
    ACCIDENT_STEPS.check("report", locked, actor)
    submitted_on = _check_day(submitted_on, locked, _("调查报告提交日期"))
    if locked.investigation_started_on and submitted_on < locked.investigation_started_on:
        raise AccidentError(_("调查报告提交日期不能早于调查组成立日期。"))
    if report is None:
        raise AccidentError(_("请上传事故调查报告（PDF）。"))
    attachment = _store(actor, report, locked, locked, Attachment.Role.BEFORE)
    if attachment.kind != Attachment.Kind.PDF:
        raise AccidentError(_("事故调查报告须为 PDF 文件。"))
    locked.report_submitted_on = submitted_on
    locked.reply_due_on = levels.reply_due(submitted_on, locked.level)
    locked.save(update_fields=["report_submitted_on", "reply_due_on"])
    log_action(
        locked,
        "accountability.accident.report_submitted",
        actor=actor,
        data={"submitted_on": submitted_on.isoformat(), "attachment": attachment.pk},
    )
    return locked


@transaction.atomic
def accident_reply(*, actor: Any, accident: Accident, replied_on: datetime.date | None, reference: str) -> Accident:
    """The government's reply (批复) to the investigation report: its date and 文号."""
    locked = _locked(accident)
    ACCIDENT_STEPS.check("reply", locked, actor)
    replied_on = _check_day(replied_on, locked, _("批复日期"))
    if locked.report_submitted_on and replied_on < locked.report_submitted_on:
        raise AccidentError(_("批复日期不能早于调查报告提交日期。"))
    reference = (reference or "").strip()
    if not reference:
        raise AccidentError(_("请填写批复文号。"))
    locked.replied_on, locked.reply_reference, locked.status = replied_on, reference[:64], Status.REPLIED
    locked.save(update_fields=["replied_on", "reply_reference", "status"])
    log_action(
        locked,
        "accountability.accident.replied",
        actor=actor,
        data={"replied_on": replied_on.isoformat(), "reference": locked.reply_reference},
    )
    return locked


# Responsibility findings ---------------------------------------------------------------------------


def _unit_in_scope(actor: Any, unit: Node | Department | Enterprise) -> None:
    if isinstance(unit, Node):
        visible = nodes_visible_to(actor).filter(pk=unit.pk).exists()
    elif isinstance(unit, Department):
        visible = departments_visible_to(actor).filter(pk=unit.pk).exists()
    else:
        visible = enterprises_visible_to(actor).filter(pk=unit.pk).exists()
    if not visible:
        raise AccidentError(_("所选责任单位不在您的管辖范围内。"))


@transaction.atomic
def accident_responsibility_add(
    *, actor: Any, accident: Accident, unit: Node | Department | Enterprise | None, finding: str
) -> AccidentResponsibility:
    """A unit the investigation found responsible, with the finding."""
    locked = _locked(accident)
    ACCIDENT_STEPS.check("responsibility", locked, actor)
    if unit is None:
        raise AccidentError(_("请选择责任单位（地区、部门或企业）。"))
    _unit_in_scope(actor, unit)
    finding = (finding or "").strip()
    if not finding:
        raise AccidentError(_("请填写责任认定内容。"))
    if len(finding) > TEXT_MAX:
        raise AccidentError(_("责任认定不能超过%(n)s个字。") % {"n": TEXT_MAX})
    fields = unit_fields(unit)
    if locked.responsibilities.filter(
        node=fields["node"], department=fields["department"], enterprise=fields["enterprise"]
    ).exists():
        raise AccidentError(_("该单位已认定过责任。"))
    row = AccidentResponsibility.objects.create(accident=locked, finding=finding, created_by=actor, **fields)
    log_action(
        locked,
        "accountability.accident.responsibility_added",
        actor=actor,
        data={"responsibility": row.pk, "unit": str(unit), "finding": finding},
    )
    _changed(locked)
    return row


@transaction.atomic
def accident_responsibility_remove(*, actor: Any, responsibility: AccidentResponsibility) -> None:
    locked = _locked(responsibility.accident_id)
    ACCIDENT_STEPS.check("responsibility", locked, actor)
    row = AccidentResponsibility.objects.filter(pk=responsibility.pk, accident=locked).first()
    if row is None:
        raise AccidentError(_("该责任认定已删除。"))
    unit = str(row.node or row.department or row.enterprise)
    row.delete()
    log_action(
        locked,
        "accountability.accident.responsibility_removed",
        actor=actor,
        data={"unit": unit, "finding": row.finding},
    )
    _changed(locked)


# 四不放过 and 结案 ------------------------------------------------------------------------------------


def _locked_follow_up(follow_up: AccidentFollowUp) -> tuple[Accident, AccidentFollowUp]:
    accident = _locked(follow_up.accident_id)
    return accident, AccidentFollowUp.objects.select_for_update().get(pk=follow_up.pk)


@transaction.atomic
def accident_follow_up_due(
    *, actor: Any, follow_up: AccidentFollowUp, due_on: datetime.date | None
) -> AccidentFollowUp:
    accident, locked = _locked_follow_up(follow_up)
    ACCIDENT_STEPS.check("follow_up", accident, actor)
    if due_on is None:
        raise AccidentError(_("请填写完成期限。"))
    if due_on < timezone.localdate(accident.occurred_at):
        raise AccidentError(_("完成期限不能早于事故发生日期。"))
    if locked.done_at is not None:
        raise AccidentError(_("该事项已落实，无需调整期限。"))
    before = locked.due_on
    locked.due_on = due_on
    locked.save(update_fields=["due_on"])
    log_action(
        accident,
        "accountability.accident.follow_up_due",
        actor=actor,
        data={"item": locked.item, "before": before.isoformat() if before else None, "after": due_on.isoformat()},
    )
    return locked


@transaction.atomic
def accident_follow_up_done(
    *, actor: Any, follow_up: AccidentFollowUp, note: str, files: Iterable[Any]
) -> AccidentFollowUp:
    """Close one 四不放过 item with a note and at least one evidence file (photo or PDF)."""
    accident, locked = _locked_follow_up(follow_up)
    ACCIDENT_STEPS.check("follow_up", accident, actor)
    if locked.done_at is not None:
        raise AccidentError(_("该事项已落实。"))
    note = (note or "").strip()
    if not note:
        raise AccidentError(_("请填写落实情况。"))
    if len(note) > TEXT_MAX:
        raise AccidentError(_("落实情况不能超过%(n)s个字。") % {"n": TEXT_MAX})
    files = [upload for upload in files if upload]
    if not files:
        raise AccidentError(_("请上传至少一份佐证材料（照片或 PDF）。"))
    stored = [_store(actor, upload, locked, accident, Attachment.Role.AFTER) for upload in files]
    locked.note, locked.done_at, locked.done_by = note, timezone.now(), actor
    locked.save(update_fields=["note", "done_at", "done_by"])
    log_action(
        accident,
        "accountability.accident.follow_up_done",
        actor=actor,
        data={"item": locked.item, "note": note, "attachments": [a.pk for a in stored]},
    )
    return locked


@transaction.atomic
def accident_close(*, actor: Any, accident: Accident) -> Accident:
    """结案: only with the reply recorded and all four 四不放过 items done."""
    locked = _locked(accident)
    list(locked.follow_ups.select_for_update())
    ACCIDENT_STEPS.check("close", locked, actor)
    locked.status, locked.closed_at, locked.closed_by = Status.CLOSED, timezone.now(), actor
    locked.save(update_fields=["status", "closed_at", "closed_by"])
    log_action(locked, "accountability.accident.closed", actor=actor)
    _changed(locked)
    return locked
