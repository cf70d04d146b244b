"""Every change to a 约谈/督办 record (DOMAIN §6; 《安全生产约谈实施办法(试行)》, 安委〔2018〕2号: the
summoned party states the situation, causes and its rectification, then reports the rectification
in writing by a deadline). Each service is atomic, locks the row, refuses through the declared steps
(accountability/summons/lifecycle.py), writes the audit trail (on the summons, and on each hazard it
is about, so that the hazard's timeline shows it), and tells the people concerned on commit
(accountability/summons/notices.py).

- summons_create: planned; or held at once when the date is today or earlier and minutes are given;
- summons_record: the talk held: minutes (text and/or a PDF), attendees, commitments with deadlines,
  the report's deadline (REPORT_DAYS after the talk unless the issuer sets another);
- summons_report: the summoned unit's written rectification report (text and files);
- summons_commitment_done: the summoned unit reports one commitment done, with a note;
- summons_follow_up: the issuer's follow-up notes (appended, dated);
- summons_close: the issuer closes it (every commitment done, or with a written reason);
- summons_cancel: a planned one, with a reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.errors import NotPermitted
from accountability.models import Summons, SummonsCommitment, SummonsReason
from accountability.rights import AccountabilityRight
from accountability.summons import notices
from accountability.summons.errors import SummonsError
from accountability.summons.lifecycle import SUMMONS_STEPS
from accountability.summons.selectors import RecordRef, issuing_node, reason_options, resolve_target, unit_kind
from inspections.ports import hazard_log
from safetyops.core.audit import log_action
from safetyops.core.idempotency import idempotency, idempotent
from safetyops.evidence.models import Attachment
from safetyops.evidence.services import attachment_create
from safetyops.evidence.uploads import UploadRejected
from safetyops.orgs.models import Department, Enterprise, Node
from safetyops.orgs.scope import has_right
from safetyops.orgs.units import unit_fields

Unit = Node | Department | Enterprise
Commitment = tuple[datetime.date | None, str]
# The written report's default deadline, counted in calendar days from the talk. The 办法 asks for
# the report "by a deadline" the summoning side sets; this is only the form's default.
REPORT_DAYS = 15
TEXT_MAX = 20_000
SHORT_MAX = 200
COMMITMENT_MAX = 300
COMMITMENTS_MAX = 30


def _short(value: str, missing: str, *, limit: int = SHORT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise SummonsError(missing)
    if len(value) > limit:
        raise SummonsError(_("“%(text)s…”超过%(n)s个字。") % {"text": value[:10], "n": limit})
    return value


def _long(value: str, *, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise SummonsError(_("内容不能超过%(n)s个字。") % {"n": limit})
    return value


def _commitments(items: Iterable[Commitment], held_on: datetime.date) -> list[tuple[datetime.date, str]]:
    checked = []
    for number, (due_on, text) in enumerate(items, start=1):
        text = (text or "").strip()
        if not text and due_on is None:
            continue
        if not text:
            raise SummonsError(_("第%(n)s项整改承诺缺少内容。") % {"n": number})
        if len(text) > COMMITMENT_MAX:
            raise SummonsError(_("第%(n)s项整改承诺超过%(max)s个字。") % {"n": number, "max": COMMITMENT_MAX})
        if due_on is None:
            raise SummonsError(_("整改承诺“%(text)s”缺少完成期限。") % {"text": text[:20]})
        if due_on < held_on:
            raise SummonsError(
                _("整改承诺“%(text)s”的完成期限 %(due)s 早于约谈日期 %(held)s。")
                % {"text": text[:20], "due": due_on.isoformat(), "held": held_on.isoformat()}
            )
        checked.append((due_on, text))
    if len(checked) > COMMITMENTS_MAX:
        raise SummonsError(_("整改承诺不能超过%(n)s项。") % {"n": COMMITMENTS_MAX})
    return checked


def _report_due(report_due_on: datetime.date | None, held_on: datetime.date) -> datetime.date:
    if report_due_on is None:
        return held_on + datetime.timedelta(days=REPORT_DAYS)
    if report_due_on < held_on:
        raise SummonsError(_("整改报告报送期限不能早于约谈日期。"))
    return report_due_on


def _attach(actor: Any, summons: Summons, upload: Any, role: str) -> Attachment:
    try:
        return attachment_create(
            actor=actor,
            upload=upload,
            owner=summons,
            role=role,
            enterprise=summons.enterprise if summons.enterprise_id else None,
            node=None if summons.enterprise_id else summons.area,
        )
    except UploadRejected as rejected:
        raise SummonsError(str(rejected)) from None


def _hazard_entries(summons: Summons, action: str, actor: Any) -> None:
    """The summons on the timeline of each hazard it is about (inspections/timeline.py)."""
    data = {
        "kind": summons.kind,
        "summons_id": summons.pk,
        "unit": summons.unit_name,
        "issuer": summons.issuer.name,
        "held_on": summons.held_on.isoformat(),
        "enterprise_id": summons.enterprise_id,  # an enterprise's users see only their own summons there
    }
    for hazard_id in summons.reasons.filter(hazard__isnull=False).values_list("hazard_id", flat=True):
        hazard_log(hazard_id, action, actor=actor, data=data)


def _save_commitments(summons: Summons, commitments: list[tuple[datetime.date, str]]) -> None:
    SummonsCommitment.objects.bulk_create(
        [SummonsCommitment(summons=summons, text=text, due_on=due_on) for due_on, text in commitments]
    )


def _held(
    summons: Summons,
    *,
    actor: Any,
    minutes: str,
    minutes_file: Any,
    commitments: list[tuple[datetime.date, str]],
    report_due_on: datetime.date,
) -> None:
    summons.minutes = minutes
    summons.report_due_on = report_due_on
    summons.status = Summons.Status.HELD
    summons.save(update_fields=["minutes", "report_due_on", "status", "attendees", "held_on"])
    if minutes_file is not None:
        _attach(actor, summons, minutes_file, Attachment.Role.DOCUMENT)
    _save_commitments(summons, commitments)
    log_action(
        summons,
        "accountability.summons.held",
        actor=actor,
        data={
            "held_on": summons.held_on.isoformat(),
            "commitments": len(commitments),
            "report_due_on": report_due_on.isoformat(),
            "minutes_file": minutes_file is not None,
        },
    )
    _hazard_entries(summons, "accountability.summons.held", actor)
    pk = summons.pk
    transaction.on_commit(lambda: notices.tell_held(pk))


@idempotent
def summons_create(
    *,
    actor: Any,
    unit: Unit,
    kind: str,
    held_on: datetime.date,
    place: str,
    summoned_by: str,
    attendees: str,
    reasons: Sequence[RecordRef],
    summary: str = "",
    minutes: str = "",
    minutes_file: Any = None,
    commitments: Iterable[Commitment] = (),
    report_due_on: datetime.date | None = None,
    key: str | None = None,
) -> Summons:
    """A new 约谈/督办 of `unit` by the actor's node, about `reasons` (records chosen from those
    reason_options offers: anything else, e.g. a hazard outside the issuer's part, is refused).
    Held at once when `held_on` is today or earlier and minutes (text or a file) are given."""
    if not has_right(actor, AccountabilityRight.SUMMONS_ISSUE):
        raise NotPermitted(_("您没有发起约谈或督办的权限。"))
    with idempotency(actor=actor, step="accountability.summons.create", key=key, error=SummonsError) as claim:
        issuer = issuing_node(actor)
        unit = resolve_target(issuer, unit_kind(unit), unit.pk)
        if kind not in Summons.Kind.values:
            raise SummonsError(_("请选择约谈或督办。"))
        if held_on is None:
            raise SummonsError(_("请填写约谈日期。"))
        place = _short(place, _("请填写约谈地点。"))
        summoned_by = _short(summoned_by, _("请填写约谈人。"))
        attendees = _short(attendees, _("请填写被约谈人及参加人员。"), limit=2000)
        summary, minutes = _long(summary), _long(minutes)
        refs = list(dict.fromkeys((record, int(pk)) for record, pk in reasons))
        if not refs:
            raise SummonsError(_("请至少选择一项约谈事由（逾期或督办的隐患、事故、迟报的专项行动报表）。"))
        offered = {(option.record, option.pk): option for option in reason_options(actor, unit, only=refs)}
        missing = [ref for ref in refs if ref not in offered]
        if missing:
            raise SummonsError(
                _("所选事由不属于该被约谈单位、不在本单位管辖范围内，或已不再符合约谈条件，请重新选择。")
            )
        today = timezone.localdate()
        hold_now = bool(minutes or minutes_file is not None)
        if hold_now and held_on > today:
            raise SummonsError(_("约谈日期晚于今天，约谈尚未举行，不能记录约谈纪要。"))
        checked = _commitments(commitments, held_on) if hold_now else []
        if not hold_now and list(_commitments(commitments, held_on)):
            raise SummonsError(_("整改承诺在约谈举行后记录：请同时填写约谈纪要，或先保存为待约谈。"))
        due = _report_due(report_due_on, held_on) if hold_now else None
        summons = Summons.objects.create(
            **unit_fields(unit),
            kind=kind,
            issuer=issuer,
            held_on=held_on,
            place=place,
            summoned_by=summoned_by,
            attendees=attendees,
            summary=summary,
            created_by=actor,
        )
        SummonsReason.objects.bulk_create(
            [
                SummonsReason(
                    summons=summons,
                    kind=offered[ref].kind,
                    label=offered[ref].label,
                    **{f"{ref[0]}_id": ref[1]},
                )
                for ref in refs
            ]
        )
        claim.bind(summons)
        log_action(
            summons,
            "accountability.summons.planned",
            actor=actor,
            data={"kind": kind, "held_on": held_on.isoformat(), "reasons": [f"{r}:{p}" for r, p in refs]},
        )
        if hold_now:
            assert due is not None
            _held(
                summons, actor=actor, minutes=minutes, minutes_file=minutes_file, commitments=checked, report_due_on=due
            )
        else:
            _hazard_entries(summons, "accountability.summons.planned", actor)
            pk = summons.pk
            transaction.on_commit(lambda: notices.tell_planned(pk))
        return summons


def _locked(summons: Summons) -> Summons:
    return Summons.objects.select_for_update(of=("self",)).select_related("issuer", "area").get(pk=summons.pk)


@transaction.atomic
def summons_record(
    *,
    actor: Any,
    summons: Summons,
    minutes: str,
    minutes_file: Any = None,
    attendees: str | None = None,
    held_on: datetime.date | None = None,
    commitments: Iterable[Commitment] = (),
    report_due_on: datetime.date | None = None,
) -> Summons:
    """The talk took place: its minutes, who came, the commitments and the report's deadline."""
    locked = _locked(summons)
    SUMMONS_STEPS.check("record", locked, actor)
    if held_on is not None:
        locked.held_on = held_on
    if locked.held_on > timezone.localdate():
        raise SummonsError(_("约谈日期晚于今天，约谈尚未举行，不能记录约谈情况。"))
    minutes = _long(minutes)
    if not minutes and minutes_file is None:
        raise SummonsError(_("请填写约谈纪要，或上传约谈记录的扫描件。"))
    if attendees is not None:
        locked.attendees = _short(attendees, _("请填写被约谈人及参加人员。"), limit=2000)
    checked = _commitments(commitments, locked.held_on)
    due = _report_due(report_due_on, locked.held_on)
    _held(locked, actor=actor, minutes=minutes, minutes_file=minutes_file, commitments=checked, report_due_on=due)
    return locked


@transaction.atomic
def summons_report(*, actor: Any, summons: Summons, text: str, files: Iterable[Any] = ()) -> Summons:
    """The summoned unit's written rectification report (by its own people: lifecycle TARGET)."""
    locked = _locked(summons)
    SUMMONS_STEPS.check("report", locked, actor)
    text = _long(text)
    files = list(files)
    if not text:
        raise SummonsError(_("请填写书面整改报告。"))
    for upload in files:
        _attach(actor, locked, upload, Attachment.Role.AFTER)
    locked.report_text, locked.reported_at, locked.reported_by = text, timezone.now(), actor
    locked.status = Summons.Status.REPORTED
    locked.save(update_fields=["report_text", "reported_at", "reported_by", "status"])
    late = bool(locked.report_due_on and timezone.localdate() > locked.report_due_on)
    log_action(locked, "accountability.summons.reported", actor=actor, data={"files": len(files), "late": late})
    pk = locked.pk
    transaction.on_commit(lambda: notices.tell_reported(pk))
    return locked


@transaction.atomic
def summons_commitment_done(*, actor: Any, commitment: SummonsCommitment, note: str) -> SummonsCommitment:
    locked = _locked(commitment.summons)
    SUMMONS_STEPS.check("commitment_done", locked, actor)
    row = SummonsCommitment.objects.select_for_update().get(pk=commitment.pk, summons=locked)
    if row.done_at is not None:
        raise SummonsError(_("该项承诺已报告完成。"))
    row.note = _short(note, _("请填写完成情况。"), limit=2000)
    row.done_at, row.done_by = timezone.now(), actor
    row.save(update_fields=["note", "done_at", "done_by"])
    log_action(
        locked, "accountability.summons.commitment_done", actor=actor, data={"commitment": row.pk, "text": row.text}
    )
    return row


@transaction.atomic
def summons_follow_up(*, actor: Any, summons: Summons, note: str) -> Summons:
    """The issuer's follow-up, appended with its date (the record keeps every note)."""
    locked = _locked(summons)
    SUMMONS_STEPS.check("follow_up", locked, actor)
    note = _short(note, _("请填写跟踪督办情况。"), limit=2000)
    line = f"{timezone.localdate().isoformat()} {note}"
    if locked.follow_up.splitlines()[-1:] == [line]:  # the same note sent twice (a double click): kept once
        return locked
    locked.follow_up = f"{locked.follow_up}\n{line}".strip() if locked.follow_up else line
    locked.save(update_fields=["follow_up"])
    log_action(locked, "accountability.summons.followed_up", actor=actor, data={"note": note})
    return locked


@transaction.atomic
def summons_close(*, actor: Any, summons: Summons, reason: str = "") -> Summons:
    """办结: every commitment done; with open ones, only with a written reason (kept in the follow-up)."""
    locked = _locked(summons)
    SUMMONS_STEPS.check("close", locked, actor)
    reason = (reason or "").strip()
    open_count = locked.commitments.filter(done_at__isnull=True).count()
    if open_count and not reason:
        raise SummonsError(_("尚有%(n)s项整改承诺未完成：请等待完成，或填写办结理由后办结。") % {"n": open_count})
    if len(reason) > SHORT_MAX:
        raise SummonsError(_("办结理由不能超过%(n)s个字。") % {"n": SHORT_MAX})
    if reason:
        facts = {"date": timezone.localdate().isoformat(), "n": open_count, "reason": reason}
        line = (
            _("%(date)s 办结（%(n)s项承诺未完成）：%(reason)s") if open_count else _("%(date)s 审核办结：%(reason)s")
        ) % facts
        locked.follow_up = f"{locked.follow_up}\n{line}".strip() if locked.follow_up else line
    locked.status, locked.closed_at, locked.closed_by = Summons.Status.CLOSED, timezone.now(), actor
    locked.save(update_fields=["status", "closed_at", "closed_by", "follow_up"])
    log_action(locked, "accountability.summons.closed", actor=actor, data={"open": open_count, "reason": reason})
    return locked


@transaction.atomic
def summons_cancel(*, actor: Any, summons: Summons, reason: str) -> Summons:
    locked = _locked(summons)
    SUMMONS_STEPS.check("cancel", locked, actor)
    locked.cancelled_reason = _short(reason, _("请填写取消原因。"))
    locked.status = Summons.Status.CANCELLED
    locked.save(update_fields=["status", "cancelled_reason"])
    log_action(locked, "accountability.summons.cancelled", actor=actor, data={"reason": locked.cancelled_reason})
    pk = locked.pk
    transaction.on_commit(lambda: notices.tell_cancelled(pk))
    return locked
