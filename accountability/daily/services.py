"""The daily 承诺公告's services: publish (the enterprise), review a 承诺不实 flag (the official),
configure who publishes and by when (the county admin). Each is atomic, locks its row, checks the
actor's right and writes its audit entry; the flags a new pledge raises are raised in the same
transaction and their officials told after it commits."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.daily.coverage import coverage, due_at
from accountability.errors import NotPermitted, PledgeError
from accountability.models import (
    SPECIAL_OPERATIONS,
    STANDARD_PLEDGE,
    DailyJudgment,
    DailyPledge,
    DailyPledgeSetting,
    PledgeFlag,
)
from accountability.rights import AccountabilityRight
from accountability.scope import pledge_flags_visible_to
from safetyops.core.audit import log_action
from safetyops.core.idempotency import idempotency, idempotent
from safetyops.core.params import parse_int
from safetyops.evidence import signing
from safetyops.orgs.models import Enterprise, Node, Sector, User
from safetyops.orgs.scope import has_right, nodes_visible_to, scope_for

ACTIONS = {
    "accountability.daily.published": gettext_lazy("发布安全风险研判与承诺公告"),
    "accountability.daily.flag_raised": gettext_lazy("发现承诺不实线索"),
    "accountability.daily.flag_confirmed": gettext_lazy("认定承诺不实"),
    "accountability.daily.flag_dismissed": gettext_lazy("排除承诺不实"),
    "accountability.daily.setting_updated": gettext_lazy("修改每日承诺设置"),
}
OPERATION_NAMES = tuple(name for name, _label in SPECIAL_OPERATIONS)
LEVELS = DailyJudgment.Level


@dataclass(frozen=True)
class JudgmentInput:
    level: str
    unit_name: str
    signer_name: str
    note: str = ""


@dataclass(frozen=True)
class PledgeInput:
    units_total: int
    units_running: int
    units_stopped: int
    units_maintenance: int
    operations: dict[str, int] = field(default_factory=dict)
    trial_production: bool = False
    startup_shutdown: bool = False
    major_sources_controlled: bool = True
    judgments: Sequence[JudgmentInput] = ()


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


def pledge_text(pledge: DailyPledge, judgments: Iterable[DailyJudgment]) -> str:
    """The 公告 as signed: every published field, the judgment chain, the sentence and the 承诺人."""
    operations = "；".join(f"{label}{count}处" for _name, label, count in pledge.operations())
    lines = [
        _("安全风险研判与承诺公告"),
        _("企业：%(name)s") % {"name": pledge.enterprise.name},
        _("日期：%(day)s") % {"day": pledge.date.isoformat()},
        _("生产装置：共%(total)s套，运行%(running)s套，停产%(stopped)s套，检修%(maintenance)s套")
        % {
            "total": pledge.units_total,
            "running": pledge.units_running,
            "stopped": pledge.units_stopped,
            "maintenance": pledge.units_maintenance,
        },
        _("特殊作业：%(operations)s") % {"operations": operations},
        _("是否处于试生产：%(v)s") % {"v": _yes(pledge.trial_production)},
        _("是否处于开停车状态：%(v)s") % {"v": _yes(pledge.startup_shutdown)},
        _("重大危险源是否得到有效管控：%(v)s") % {"v": _yes(pledge.major_sources_controlled)},
        _("风险研判："),
    ]
    for judgment in judgments:
        note = f"：{judgment.note}" if judgment.note else ""
        lines.append(f"{judgment.get_level_display()} {judgment.unit_name} {judgment.signer_name}{note}")
    lines += [_("承诺：%(text)s") % {"text": pledge.pledge_text}, _("承诺人：%(name)s") % {"name": pledge.pledger_name}]
    return "\n".join(lines)


def _check_input(data: PledgeInput) -> list[JudgmentInput]:
    counts = {
        _("生产装置总数"): data.units_total,
        _("运行装置数"): data.units_running,
        _("停产装置数"): data.units_stopped,
        _("检修装置数"): data.units_maintenance,
    }
    labels = dict(SPECIAL_OPERATIONS)
    unknown = set(data.operations) - set(OPERATION_NAMES)
    if unknown:
        raise PledgeError(_("未知的特殊作业类别。"))
    counts.update({str(labels[name]): data.operations.get(name, 0) for name in OPERATION_NAMES})
    for label, value in counts.items():
        if not isinstance(value, int) or value < 0:
            raise PledgeError(_("%(label)s不能为负数，请填写0或正整数。") % {"label": label})
        if value > 32767:
            raise PledgeError(_("%(label)s过大，请核对。") % {"label": label})
    if data.units_running + data.units_stopped + data.units_maintenance != data.units_total:
        raise PledgeError(
            _("运行、停产、检修装置数之和（%(sum)s）须等于生产装置总数（%(total)s）。")
            % {"sum": data.units_running + data.units_stopped + data.units_maintenance, "total": data.units_total}
        )
    judgments = [
        JudgmentInput(j.level, j.unit_name.strip(), j.signer_name.strip(), j.note.strip())
        for j in data.judgments
        if j.unit_name.strip() or j.signer_name.strip() or j.note.strip()
    ]
    for j in judgments:
        if j.level not in LEVELS.values:
            raise PledgeError(_("研判层级不正确。"))
        if not j.unit_name or not j.signer_name:
            raise PledgeError(_("每一级研判都须填写班组/车间名称和研判人。"))
    missing = [str(label) for value, label in LEVELS.choices if value not in {j.level for j in judgments}]
    if missing:
        raise PledgeError(
            _("风险研判须自下而上逐级进行：至少填写班组、车间、厂级各一级，尚缺%(levels)s。")
            % {"levels": "、".join(missing)}
        )
    order = {value: n for n, value in enumerate(LEVELS.values)}
    return sorted(judgments, key=lambda j: order[j.level])  # 班组 → 车间 → 厂级, each in the order typed


def covered_enterprise_of(actor: Any) -> Enterprise:
    """The actor's enterprise, when it publishes daily; else PledgeError (NotPermitted without the right)."""
    if not has_right(actor, AccountabilityRight.DAILY_PUBLISH):
        raise NotPermitted(_("只有企业用户可以发布承诺公告。"))
    scope = scope_for(actor)
    enterprise = (
        Enterprise.objects.select_related("node").filter(pk=scope.enterprise_id).first()
        if scope.enterprise_id
        else None
    )
    if enterprise is None:
        raise NotPermitted(_("只有企业用户可以发布承诺公告。"))
    sector_ids = set(enterprise.sectors.values_list("pk", flat=True))
    if not coverage().covers(enterprise, sector_ids):
        raise PledgeError(_("本企业不在每日安全风险研判与承诺公告范围内。"))
    return enterprise


@idempotent
def daily_pledge_publish(
    *,
    actor: User,
    data: PledgeInput,
    typed_name: str,
    confirmed: bool,
    day: datetime.date | None = None,
    ip: str | None = None,
    user_agent: str = "",
    key: str | None = None,
) -> DailyPledge:
    """Publish today's 承诺公告 of the actor's enterprise, signed with the actor's typed name. Once
    per enterprise and day; a replay of the same form returns the first pledge."""
    enterprise = covered_enterprise_of(actor)
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise PledgeError(_("不能提前发布%(day)s的承诺公告，只能发布当天的公告。") % {"day": day.isoformat()})
    if day < today:
        raise PledgeError(_("只能发布当天（%(today)s）的承诺公告。") % {"today": today.isoformat()})
    judgments = _check_input(data)
    with idempotency(actor=actor, step="daily_publish", key=key, error=PledgeError) as claim:
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()  # one publisher at a time
        existing = DailyPledge.objects.filter(enterprise=enterprise, date=day).first()
        if existing is not None:
            raise PledgeError(
                _("本企业今日（%(day)s）已于%(time)s发布承诺公告（承诺人：%(name)s），不能重复发布。")
                % {
                    "day": day.isoformat(),
                    "time": timezone.localtime(existing.published_at).strftime("%H:%M"),
                    "name": existing.pledger_name,
                }
            )
        now = timezone.now()
        due = due_at(day, coverage().due_time_for(enterprise.node.path))
        pledge = DailyPledge(
            enterprise=enterprise,
            node=enterprise.node,
            date=day,
            units_total=data.units_total,
            units_running=data.units_running,
            units_stopped=data.units_stopped,
            units_maintenance=data.units_maintenance,
            trial_production=data.trial_production,
            startup_shutdown=data.startup_shutdown,
            major_sources_controlled=data.major_sources_controlled,
            pledge_text=STANDARD_PLEDGE,
            pledger=actor,
            pledger_name=signing.name_of(actor),
            published_at=now,
            due_at=due,
            late=now > due,
            **{name: data.operations.get(name, 0) for name in OPERATION_NAMES},
        )
        pledge.save()
        rows = DailyJudgment.objects.bulk_create(
            [
                DailyJudgment(
                    pledge=pledge,
                    level=j.level,
                    unit_name=j.unit_name[:64],
                    signer_name=j.signer_name[:32],
                    note=j.note[:200],
                    order=n,
                )
                for n, j in enumerate(judgments)
            ]
        )
        try:
            signature = signing.sign(
                owner=pledge,
                signer=actor,
                typed_name=typed_name,
                confirmed=confirmed,
                text=pledge_text(pledge, rows),
                ip=ip,
                user_agent=user_agent,
                unconfirmed=_("请勾选“本人已核实上述研判结果并作出承诺”后再发布。"),
            )
        except signing.SigningError as exc:
            raise PledgeError(exc.message) from None
        pledge.signature = signature
        pledge.save(update_fields=["signature"])
        log_action(
            pledge,
            "accountability.daily.published",
            actor=actor,
            data={
                "date": day.isoformat(),
                "late": pledge.late,
                "hot_work": pledge.hot_work,
                "sha256": signature.sha256,
            },
        )
        claim.bind(pledge)
        from accountability.daily.flags import flags_raise

        flags_raise([pledge])
    return pledge


@idempotent
def pledge_flag_review(
    *, actor: User, flag_id: int, confirm: bool, note: str = "", key: str | None = None
) -> PledgeFlag:
    """The official confirms a 承诺不实 flag (the enterprise is named on the board) or dismisses it
    with a reason. Once: a reviewed flag is not reviewed again."""
    if not has_right(actor, AccountabilityRight.DAILY_REVIEW):
        raise NotPermitted(_("您没有核实承诺不实的权限。"))
    note = note.strip()
    if not confirm and not note:
        raise PledgeError(_("排除承诺不实须填写理由。"))
    with transaction.atomic():
        flag = pledge_flags_visible_to(actor).select_for_update(of=("self",)).filter(pk=flag_id).first()
        if flag is None:
            raise PledgeError(_("该线索不存在或不在您的管辖范围内。"))
        with idempotency(actor=actor, step="daily_flag_review", key=key, obj=flag, error=PledgeError):
            if flag.status != PledgeFlag.Status.OPEN:
                raise PledgeError(
                    _("该线索已于%(when)s核实为“%(status)s”，不能再次核实。")
                    % {
                        "when": timezone.localtime(flag.reviewed_at).strftime("%Y-%m-%d %H:%M")
                        if flag.reviewed_at
                        else "",
                        "status": flag.get_status_display(),
                    }
                )
            flag.status = PledgeFlag.Status.CONFIRMED if confirm else PledgeFlag.Status.DISMISSED
            flag.reviewed_by, flag.reviewed_at, flag.review_note = actor, timezone.now(), note[:200]
            flag.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
            action = "accountability.daily.flag_confirmed" if confirm else "accountability.daily.flag_dismissed"
            log_action(flag, action, actor=actor, data={"rule": flag.rule, "hazard": flag.hazard_id, "note": note})
    return flag


def setting_node_for(actor: Any, node_id: Any = None) -> Node:
    """The county whose setting the actor edits: the one asked for (a county in scope), else theirs."""
    if not has_right(actor, AccountabilityRight.DAILY_CONFIGURE):
        raise NotPermitted(_("只有县级管理员可以修改每日承诺设置。"))
    counties = nodes_visible_to(actor).filter(level=Node.Level.COUNTY)
    scope = scope_for(actor)
    wanted = parse_int(node_id, 1) or scope.node_id
    node = counties.filter(pk=wanted).first() if wanted else counties.order_by("path").first()
    if node is None:
        raise PledgeError(_("请选择一个县（区）。"))
    return node


def daily_setting_update(
    *, actor: User, node_id: int, sector_ids: Iterable[int], due_time: datetime.time
) -> DailyPledgeSetting:
    """Which sectors of the county publish daily, and by what hour."""
    node = setting_node_for(actor, node_id)
    wanted = set(sector_ids)
    sectors = list(Sector.objects.filter(pk__in=wanted)) if wanted else []
    if len(sectors) != len(wanted):
        raise PledgeError(_("所选行业不存在，请刷新页面后重新选择。"))
    with transaction.atomic():
        setting, _created = DailyPledgeSetting.objects.select_for_update().get_or_create(
            node=node, defaults={"due_time": due_time, "updated_by": actor}
        )
        before = {"sectors": sorted(setting.sectors.values_list("code", flat=True)), "due": str(setting.due_time)}
        setting.due_time, setting.updated_by = due_time, actor
        setting.save(update_fields=["due_time", "updated_by", "updated_at"])
        setting.sectors.set(sectors)
        log_action(
            setting,
            "accountability.daily.setting_updated",
            actor=actor,
            data={"before": before, "sectors": sorted(s.code for s in sectors), "due": due_time.strftime("%H:%M")},
        )
    return setting


def action_labels() -> dict[str, Any]:
    return dict(ACTIONS)
