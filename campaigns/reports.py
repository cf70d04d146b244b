"""Report tasks (报送任务) and the units' reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import notices
from campaigns.errors import CampaignError, NotPermitted
from campaigns.lifecycle import CAMPAIGN_STEPS, REPORTABLE
from campaigns.models import Campaign, ReportTask, ReportVersion, Target, UnitReport, unit_fields
from campaigns.services import Unitlike, check_units
from safetyops.core import records
from safetyops.core.audit import log_action
from safetyops.core.idempotency import claim_key, idempotent
from safetyops.core.periods import local_start
from safetyops.evidence.models import Attachment
from safetyops.evidence.services import attachment_create
from safetyops.evidence.uploads import UploadRejected, check_uploads
from safetyops.orgs.models import Enterprise, User
from safetyops.orgs.scope import sector_with_descendants
from safetyops.orgs.units import units_for_q


def clean_figures(figures: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The task's figure list: library keys must exist; free figures need a label."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in figures:
        key = str(item.get("key", "")).strip()
        if not key or key in seen:
            continue
        if key.startswith("free_"):
            label = str(item.get("label", "")).strip()
            if not label:
                raise CampaignError(_("自定义指标须填写名称。"))
            out.append({"key": key, "label": label[:40], "unit": str(item.get("unit", "")).strip()[:8]})
        elif records.figure(key) is None:
            raise CampaignError(_("指标“%(key)s”不在指标库中。") % {"key": key})
        else:
            out.append({"key": key})
        seen.add(key)
    return out


def task_create(
    *,
    actor: User,
    campaign_id: int,
    title: str,
    deadline: date,
    units: Iterable[Unitlike],
    figures: Iterable[dict[str, Any]] = (),
    period_start: date | None = None,
    period_end: date | None = None,
    instructions: str = "",
) -> ReportTask:
    """A report task of the campaign for `units`; the figures' period defaults to the campaign's
    start up to the deadline. The deadline lies within the campaign's period."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(of=("self",)).select_related("node").get(pk=campaign_id)
        CAMPAIGN_STEPS.check("plan", campaign, actor)
        if not campaign.starts_on <= deadline <= campaign.ends_on:
            raise CampaignError(
                _("报送期限应在行动期限（%(start)s至%(end)s）内。")
                % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
            )
        start = period_start or campaign.starts_on
        end = period_end or deadline
        if end < start:
            raise CampaignError(_("统计截止日不能早于统计起始日。"))
        unit_list = check_units(campaign, units)
        task = ReportTask.objects.create(
            campaign=campaign,
            title=title.strip(),
            instructions=instructions,
            period_start=start,
            period_end=end,
            deadline=deadline,
            figures=clean_figures(figures),
            created_by=actor,
        )
        UnitReport.objects.bulk_create([UnitReport(task=task, **unit_fields(unit)) for unit in unit_list])
        log_action(campaign, "campaigns.task.created", actor=actor, data={"task": task.pk, "units": len(unit_list)})
        if campaign.status == Campaign.Status.ACTIVE:  # a draft's tasks are told at launch
            transaction.on_commit(lambda: notices.tell_task_issued([task.pk]))
    return task


# The figures of a unit's report, pre-filled from the records ------------------------------------------


def register_figures() -> None:
    """Campaigns' own figures, in the one library (called from CampaignsConfig.ready()): the target
    figures (computed by report_prefill, which knows the campaign) and the figures only the unit
    knows (打非治违's 四个一律 and the fines), typed in and never pre-filled."""
    records.register_figures(
        "campaigns",
        [
            records.Figure("targets", _("目标企业数"), _("家"), _("专项行动目标企业")),
            records.Figure("targets_inspected", _("已检查目标企业数"), _("家"), _("专项行动目标企业与检查记录")),
            records.Figure("coverage", _("检查覆盖率"), "%", _("专项行动目标企业与检查记录"), decimal=True),
            records.Figure("closed_down", _("关闭取缔"), _("家")),
            records.Figure("max_penalty", _("上限处罚"), _("起")),
            records.Figure("suspended", _("停产整顿"), _("家")),
            records.Figure("prosecuted", _("追究法律责任"), _("人")),
            records.Figure("fines", _("罚款金额"), _("万元"), decimal=True),
            records.Figure("trained", _("培训人数"), _("人次")),
        ],
    )


@dataclass(frozen=True)
class Prefilled:
    key: str
    label: str
    unit: str
    decimal: bool
    value: records.Number | None  # None: typed by the unit
    source: str  # where the value came from, for the form ("" when typed by the unit)


def report_targets(report: UnitReport) -> QuerySet[Target]:
    """The campaign's current targets within the unit's part: a node's subtree, a department's
    sectors within its area, or the enterprise itself."""
    qs = Target.objects.filter(campaign_id=report.task.campaign_id, removed_at__isnull=True)
    if report.enterprise_id is not None:
        return qs.filter(enterprise_id=report.enterprise_id)
    qs = qs.filter(node__path__startswith=report.area.path)
    if report.department_id is not None:
        sectors = set(report.department.sectors.values_list("pk", flat=True)) if report.department else set()
        through = Enterprise.sectors.through.objects.filter(sector_id__in=sector_with_descendants(sectors))
        qs = qs.filter(enterprise_id__in=through.values("enterprise_id"))
    return qs


def figure_of(item: dict[str, Any]) -> records.Figure:
    if str(item["key"]).startswith("free_"):
        return records.Figure(item["key"], item.get("label", ""), item.get("unit", ""))
    found = records.figure(item["key"])
    return found or records.Figure(item["key"], item["key"])


def task_figures(task: ReportTask) -> list[records.Figure]:
    """The figures the task asks for, in its order: the library's, and its free ones with their label."""
    return [figure_of(item) for item in task.figures]


def report_prefill(report: UnitReport) -> list[Prefilled]:
    """Every figure the task asks for, with the value the records hold for the unit's part and the
    task's period (and where it came from), or None for a figure the unit types in."""
    task = report.task
    figures = task_figures(task)
    targets = report_targets(report)
    wanted = [f.key for f in figures if f.from_records]
    values = records.compute(
        wanted, enterprises=targets.values("enterprise_id"), start=task.period_start, end=task.period_end
    )
    if {"targets", "targets_inspected", "coverage"} & set(wanted):
        done = records.inspected("enterprise_id", task.period_start, task.period_end)
        counted = targets.aggregate(total=Count("pk"), done=Count("pk", filter=Q(done)))
        values["targets"], values["targets_inspected"] = counted["total"], counted["done"]
        values["coverage"] = (
            (Decimal(counted["done"] * 100) / counted["total"]).quantize(Decimal("0.1"))
            if counted["total"]
            else Decimal("0")
        )
    period = _("%(start)s至%(end)s") % {"start": task.period_start.isoformat(), "end": task.period_end.isoformat()}
    return [
        Prefilled(
            key=f.key,
            label=f.label,
            unit=f.unit,
            decimal=f.decimal,
            value=values.get(f.key) if f.from_records else None,
            source=(_("%(source)s，%(period)s，本单位范围内的目标企业") % {"source": f.source, "period": period})
            if f.from_records
            else "",
        )
        for f in figures
    ]


# Submitting, returning --------------------------------------------------------------------------------


def _parse(prefilled: Prefilled, raw: str) -> records.Number:
    text = (raw or "").strip().replace(",", "")
    if not text:
        raise CampaignError(_("请填写“%(label)s”（没有请填0）。") % {"label": prefilled.label})
    try:
        value: records.Number = Decimal(text) if prefilled.decimal else int(text)
    except (ValueError, ArithmeticError):
        kind = _("数字") if prefilled.decimal else _("整数")
        raise CampaignError(
            _("“%(label)s”应为%(kind)s，请重新填写。") % {"label": prefilled.label, "kind": kind}
        ) from None
    if value < 0 or (isinstance(value, Decimal) and not value.is_finite()):
        raise CampaignError(_("“%(label)s”不能为负数。") % {"label": prefilled.label})
    return value


def _addressed(actor: User, report: UnitReport) -> bool:
    return UnitReport.objects.filter(pk=report.pk).filter(units_for_q(actor)).exists()


@idempotent
def report_submit(
    *,
    actor: User,
    report_id: int,
    values: dict[str, str],
    notes: dict[str, str] | None = None,
    text: str = "",
    zero: bool = False,
    files: Sequence[Any] = (),
    key: str | None = None,
    today: date | None = None,
) -> ReportVersion:
    """Submit (or resubmit) one unit's report: every figure a number, a figure that differs from
    the records' value only with a note, and its attachments (checked before anything is written).
    Before the deadline a unit may submit again; after it only a returned report. Every submission
    is a new version, with its own files; the first one after the deadline is late."""
    notes = notes or {}
    today = today or timezone.localdate()
    try:
        check_uploads(list(files))
    except UploadRejected as rejected:
        raise CampaignError(str(rejected)) from None
    with transaction.atomic():
        report = (
            UnitReport.objects.select_for_update(of=("self",))
            .select_related("task__campaign", "area", "enterprise")
            .get(pk=report_id)
        )
        if not _addressed(actor, report):
            raise NotPermitted(_("只有承办单位可以报送本单位的报告。"))
        # Bound to the version it creates: a replayed post is answered with that version.
        claim = claim_key(actor=actor, step="campaigns.report.submit", key=key, error=CampaignError)
        task, campaign = report.task, report.task.campaign
        if campaign.status not in REPORTABLE:
            raise CampaignError(
                _("行动“%(name)s”%(status)s，不能再报送。")
                % {"name": campaign.name, "status": campaign.get_status_display()}
            )
        if report.status == UnitReport.Status.SUBMITTED and today > task.deadline:
            raise CampaignError(_("已过报送期限，报告不能再修改；如需更正，请联系组织单位退回后重报。"))
        figures: dict[str, dict[str, Any]] = {}
        for prefilled in report_prefill(report):
            value = _parse(prefilled, values.get(prefilled.key, ""))
            note = (notes.get(prefilled.key) or "").strip()
            system = prefilled.value
            if system is not None and Decimal(value) != Decimal(system) and not note:
                raise CampaignError(
                    _("“%(label)s”与系统统计（%(system)s）不一致：修改须填写说明。")
                    % {"label": prefilled.label, "system": system}
                )
            figures[prefilled.key] = {
                "value": str(value),
                "system": None if system is None else str(system),
                "note": note[:200],
            }
        all_zero = bool(figures) and all(Decimal(item["value"]) == 0 for item in figures.values())
        number = ReportVersion.objects.filter(report=report).count() + 1
        version = ReportVersion.objects.create(
            report=report,
            number=number,
            figures=figures,
            text=text.strip(),
            zero=zero or all_zero,
            late=today > task.deadline,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        claim.bind(version)
        anchor: dict[str, Any] = {"enterprise": report.enterprise} if report.enterprise_id else {"node": report.area}
        for upload in files:
            attachment_create(actor=actor, upload=upload, owner=version, role=Attachment.Role.DOCUMENT, **anchor)
        report.status = UnitReport.Status.SUBMITTED
        report.save(update_fields=["status"])
        log_action(
            report,
            "campaigns.report.submitted",
            actor=actor,
            data={"version": number, "late": version.late, "files": len(files)},
        )
    return version


def report_return(*, actor: User, report_id: int, reason: str) -> UnitReport:
    """The organiser returns a submitted report for revision, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise CampaignError(_("退回须写明原因，便于承办单位修改。"))
    with transaction.atomic():
        report = UnitReport.objects.select_for_update(of=("self",)).select_related("task__campaign").get(pk=report_id)
        if (refused := CAMPAIGN_STEPS.forbids("plan", report.task.campaign, actor)) is not None:
            raise refused
        if report.task.campaign.status not in REPORTABLE:
            raise CampaignError(_("行动已总结，报告不能再退回。"))
        if report.status != UnitReport.Status.SUBMITTED:
            raise CampaignError(_("只有已报送的报告可以退回。"))
        report.status = UnitReport.Status.RETURNED
        report.save(update_fields=["status"])
        log_action(report, "campaigns.report.returned", actor=actor, data={"reason": reason[:500]})
        notices.tell_report_returned(report, reason[:500])
    return report


class State:
    SUBMITTED, LATE, MISSING, ZERO, RETURNED, WAITING = "submitted", "late", "missing", "zero", "returned", "waiting"
    LABELS = {
        "submitted": _("已报"),
        "late": _("迟报"),
        "missing": _("未报"),
        "zero": _("零报告"),
        "returned": _("退回"),
        "waiting": _("待报"),
    }
    # The badge's Bootstrap classes (campaigns/_report_state.html).
    BADGES = {
        "submitted": "text-bg-success",
        "late": "text-bg-warning",
        "missing": "text-bg-danger",
        "returned": "text-bg-danger",
        "zero": "text-bg-info",
        "waiting": "text-bg-light border",
    }


def report_state(
    report: UnitReport, latest: ReportVersion | None, *, today: date | None = None, first_late: bool | None = None
) -> str:
    """已报 / 迟报 / 未报 (past the deadline) / 零报告 / 退回 / 待报 (not yet due). `first_late`:
    whether the first version came after the deadline, when the caller has it (else one query)."""
    pending = report.status != UnitReport.Status.RETURNED and latest is not None and not latest.zero
    if pending and first_late is None:
        first = ReportVersion.objects.filter(report=report).order_by("number").values_list("late", flat=True).first()
        first_late = bool(first)
    return state_of(
        status=report.status,
        deadline=report.task.deadline,
        submitted=latest is not None,
        zero=latest is not None and latest.zero,
        first_late=bool(first_late),
        today=today,
    )


def state_of(
    *, status: str, deadline: date, submitted: bool, zero: bool, first_late: bool, today: date | None = None
) -> str:
    """The state from the report's status, the task's deadline and its versions: whether there is
    one, whether the latest is a zero report and whether the first came late."""
    today = today or timezone.localdate()
    if status == UnitReport.Status.RETURNED:
        return State.RETURNED
    if not submitted:
        return State.MISSING if today > deadline else State.WAITING
    if zero:
        return State.ZERO
    return State.LATE if first_late else State.SUBMITTED


def reports_with_state(reports: QuerySet[UnitReport], *, as_of: date) -> QuerySet[UnitReport]:
    """`reports` annotated with `state` as it stood at the end of the day `as_of` (the bulk form of
    report_state for a past day, e.g. a briefing's period end): only the versions submitted by then
    count, and a deadline on or before `as_of` has passed. A report returned later is judged by its
    versions. One query, whatever the number of reports."""
    versions = ReportVersion.objects.filter(
        report=OuterRef("pk"), submitted_at__lt=local_start(as_of + timedelta(days=1))
    )
    return reports.annotate(
        first_late=Subquery(versions.order_by("number").values("late")[:1]),
        latest_zero=Subquery(versions.order_by("-number").values("zero")[:1]),
    ).annotate(
        state=Case(
            When(latest_zero=True, then=Value(State.ZERO)),
            When(first_late=True, then=Value(State.LATE)),
            When(first_late=False, then=Value(State.SUBMITTED)),
            When(task__deadline__lte=as_of, then=Value(State.MISSING)),
            default=Value(State.WAITING),
            output_field=CharField(),
        )
    )


def versions_diff(older: ReportVersion, newer: ReportVersion) -> list[tuple[str, str, str]]:
    """What changed from one version to the next: (figure key or "text", old, new)."""
    changed = [
        (k, older.figures.get(k, {}).get("value", ""), v.get("value", ""))
        for k, v in newer.figures.items()
        if older.figures.get(k, {}).get("value") != v.get("value")
    ]
    if older.text != newer.text:
        changed.append(("text", older.text, newer.text))
    return changed
