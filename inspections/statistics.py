"""隐患排查治理情况统计分析 (安全生产事故隐患排查治理暂行规定 第十四条): services and selectors.

An enterprise files, for each quarter by the 15th of the next quarter's first month and for each
year by 31 January, the statistics of its hazards, pre-filled from the data "as at the period's
end" and signed by its 主要负责人: the typed name must equal the signer's, the confirmation is
explicit, and the exact text signed is kept with its SHA-256, the time and the IP (the style of the
inspection signatures). Reminders (rules registered with safetyops.notify) run from
STATISTICS_REMINDER_DAYS_BEFORE days before the due date until the report is filed; after the due
date the township's officials are reminded too. Officials see who has not filed, in their scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import CompletionReport, Hazard, HazardPlan, HazardStatisticsReport
from inspections.rights import InspectionRight
from safetyops.core import errors
from safetyops.core.audit import log_action
from safetyops.evidence import signing
from safetyops.notify.rules import Due, Rule, keyset_batches, register
from safetyops.orgs.models import Enterprise, Node, Role, on_register_at
from safetyops.orgs.scope import enterprises_visible_to, has_right, scope_for

PRINCIPAL_TITLE = "主要负责人"
QUARTER_NAMES = "一二三四"
PERIODS_LISTED = {"quarters": 4, "years": 2}


class StatisticsError(errors.ServiceError):
    """A report that cannot be filed now; `message` is shown to the user and nothing is saved."""


class NotPermitted(StatisticsError, errors.NotPermitted):
    """The actor may not file for this enterprise (the view answers 403)."""


# Periods --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A quarter (1-4) or a year (quarter 0) and its due date."""

    year: int
    quarter: int = 0

    @property
    def annual(self) -> bool:
        return self.quarter == 0

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.annual else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        if self.annual or self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    @property
    def due(self) -> date:
        """Quarterly: the 15th of the next quarter's first month; annual: 31 January."""
        if self.annual:
            return date(self.year + 1, 1, 31)
        following = self.end + timedelta(days=1)
        return following.replace(day=15)

    @property
    def slug(self) -> str:
        return str(self.year) if self.annual else f"{self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year}年度" if self.annual else f"{self.year}年第{QUARTER_NAMES[self.quarter - 1]}季度"

    def ended(self, today: date | None = None) -> bool:
        return self.end < (today or timezone.localdate())

    @classmethod
    def parse(cls, slug: str) -> Period | None:
        match = re.fullmatch(r"(\d{4})(?:-Q([1-4]))?", slug or "")
        if not match or not 2000 <= int(match.group(1)) <= 2100:
            return None
        return cls(int(match.group(1)), int(match.group(2) or 0))


def last_quarter(today: date) -> Period:
    """The latest quarter that has ended on `today`."""
    quarter = (today.month - 1) // 3  # the current quarter's index 0..3 = the previous one's number
    return Period(today.year, quarter) if quarter else Period(today.year - 1, 4)


def last_year(today: date) -> Period:
    return Period(today.year - 1)


def recent_periods(today: date) -> list[Period]:
    """The periods an enterprise's list shows: the last four quarters and the last two years."""
    quarters, quarter = [], last_quarter(today)
    for _i in range(PERIODS_LISTED["quarters"]):
        quarters.append(quarter)
        quarter = Period(quarter.year, quarter.quarter - 1) if quarter.quarter > 1 else Period(quarter.year - 1, 4)
    years = [Period(today.year - 1 - i) for i in range(PERIODS_LISTED["years"])]
    return sorted([*quarters, *years], key=lambda p: (p.due, p.quarter), reverse=True)


# Figures --------------------------------------------------------------------------------------


def local_start(day: date) -> datetime:
    """Midnight at the start of `day`, Asia/Shanghai."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _money(value: Any) -> str:
    return f"{Decimal(value or 0):.2f}"


def statistics_figures(*, enterprise: Enterprise, period: Period) -> dict[str, Any]:
    """The enterprise's hazard statistics for the period, as at its end (plain JSON, deterministic)."""
    start_dt, end_dt = local_start(period.start), local_start(period.end + timedelta(days=1))
    hazards = Hazard.objects.filter(enterprise=enterprise, registered_at__lt=end_dt)
    found = Q(registered_at__gte=start_dt)
    major, general = Q(level=Hazard.Level.MAJOR), Q(level=Hazard.Level.GENERAL)
    closed_by_end = Q(closed_at__lt=end_dt)
    open_at_end = Q(closed_at__isnull=True) | Q(closed_at__gte=end_dt)
    counts = hazards.aggregate(
        found=Count("pk", filter=found),
        found_general=Count("pk", filter=found & general),
        found_major=Count("pk", filter=found & major),
        found_self=Count("pk", filter=found & Q(source=Hazard.Source.SELF)),
        found_closed=Count("pk", filter=found & closed_by_end),
        found_major_closed=Count("pk", filter=found & major & closed_by_end),
        closed_in_period=Count("pk", filter=Q(closed_at__gte=start_dt) & closed_by_end),
        open_end=Count("pk", filter=open_at_end),
        overdue_end=Count("pk", filter=open_at_end & Q(deadline__lt=period.end)),
        overdue_major_end=Count("pk", filter=open_at_end & major & Q(deadline__lt=period.end)),
    )
    planned = HazardPlan.objects.filter(
        hazard__enterprise=enterprise, submitted_at__gte=start_dt, submitted_at__lt=end_dt
    ).exclude(decision=HazardPlan.Decision.RETURNED)
    spent = CompletionReport.objects.filter(
        hazard__enterprise=enterprise, submitted_at__gte=start_dt, submitted_at__lt=end_dt
    )
    majors = []
    for row in (
        hazards.filter(major & (found | open_at_end))
        .order_by("registered_at", "number")
        .values("number", "description", "deadline", "closed_at", "registered_at", "listed_supervision")
    ):
        closed = row["closed_at"] is not None and row["closed_at"] < end_dt
        majors.append(
            {
                "number": row["number"],
                "description": " ".join(row["description"].split())[:120],
                "registered_on": timezone.localdate(row["registered_at"]).isoformat(),
                "deadline": row["deadline"].isoformat(),
                "state": "已销号" if closed else ("逾期未销号" if row["deadline"] < period.end else "治理中"),
                "closed_on": timezone.localdate(row["closed_at"]).isoformat() if closed else "",
                "listed": bool(row["listed_supervision"]),
            }
        )
    rate = round(100 * counts["found_closed"] / counts["found"], 1) if counts["found"] else None
    return {
        "enterprise": {"name": enterprise.name, "credit_code": enterprise.credit_code},
        "period": {
            "slug": period.slug,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "due": period.due.isoformat(),
        },
        **counts,
        "rate": rate,
        "funds_planned": _money(planned.aggregate(total=Sum("funds"))["total"]),
        "funds_spent": _money(spent.aggregate(total=Sum("money_spent"))["total"]),
        "majors": majors,
    }


def signed_text(figures: dict[str, Any], note: str) -> str:
    """The exact text the 主要负责人 signs: every figure in words, then the note. Its SHA-256 is kept."""
    f = figures
    rate = "—" if f["rate"] is None else f"{f['rate']:.1f}%"
    lines = [
        f"{f['enterprise']['name']}（统一社会信用代码 {f['enterprise']['credit_code']}）",
        f"{f['period']['label']}事故隐患排查治理情况统计分析（{f['period']['start']}至{f['period']['end']}）",
        f"排查发现事故隐患{f['found']}项，其中一般事故隐患{f['found_general']}项、重大事故隐患{f['found_major']}项；"
        f"企业自查发现{f['found_self']}项。",
        f"本期发现的隐患已整改销号{f['found_closed']}项（重大{f['found_major_closed']}项），整改率{rate}；"
        f"报告期内共销号{f['closed_in_period']}项。",
        f"截至{f['period']['end']}尚有未销号隐患{f['open_end']}项，其中逾期未整改{f['overdue_end']}项"
        f"（重大{f['overdue_major_end']}项）。",
        f"整改方案落实资金{f['funds_planned']}元，报告整改完成时实际投入资金{f['funds_spent']}元。",
    ]
    if f["majors"]:
        lines.append("重大事故隐患：")
        for m in f["majors"]:
            closed = f"，{m['closed_on']}销号" if m["closed_on"] else ""
            listed = "，挂牌督办" if m["listed"] else ""
            lines.append(
                f"{m['number']} {m['description']}（{m['registered_on']}登记，整改期限{m['deadline']}，"
                f"{m['state']}{closed}{listed}）"
            )
    else:
        lines.append("报告期内无重大事故隐患。")
    if note.strip():
        lines += ["分析说明：", note.strip()]
    return "\n".join(lines)


def sha256_of(text: str) -> str:
    """The hash the page shows and the signature keeps: one implementation, safetyops.evidence.signing."""
    return signing.digest(text)


# Who signs ------------------------------------------------------------------------------------


def is_principal(user: Any, enterprise: Enterprise) -> bool:
    """The enterprise's 主要负责人: its own user whose post is 主要负责人 or whose name is the
    principal's on the register."""
    scope = scope_for(user)
    if scope.role != Role.ENTERPRISE_USER or scope.enterprise_id != enterprise.pk:
        return False
    membership = getattr(user, "membership", None)
    title = (membership.title if membership is not None else "").strip()
    name = (user.full_name or "").strip()
    return title == PRINCIPAL_TITLE or (bool(name) and name == enterprise.principal_name.strip())


def sign_refusal(user: Any, enterprise: Enterprise, period: Period, today: date | None = None) -> str:
    """Why `user` cannot file this report now ("" if they can). Mirrored by the sign page."""
    if not period.ended(today):
        return _("%(p)s尚未结束，报告期结束后才能报送统计报告。") % {"p": period.label}
    if not obliged_enterprises(Enterprise.objects.filter(pk=enterprise.pk), period).exists():
        return _("本企业在%(p)s结束时不在册（其后登记或已关闭），无需报送该期统计报告。") % {"p": period.label}
    if HazardStatisticsReport.objects.filter(enterprise=enterprise, year=period.year, quarter=period.quarter).exists():
        return _("%(p)s的统计报告已签署报送，不能重复报送。") % {"p": period.label}
    if not is_principal(user, enterprise):
        return _("统计报告须由本企业主要负责人（%(name)s）本人签署报送。") % {"name": enterprise.principal_name}
    return ""


# The service ----------------------------------------------------------------------------------


def statistics_report_sign(
    *,
    actor: Any,
    enterprise_id: int,
    period: Period,
    typed_name: str,
    confirmed: bool,
    note: str = "",
    expected_sha256: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> HazardStatisticsReport:
    """The 主要负责人 signs and files the period's statistics: the figures as they are now (as at the
        period's end), the note, the typed name, the time, the IP and the SHA-256 of the text signed.
        `expected_sha256` is the hash of the figures' text (without the note) the signer was shown: if
        the figures changed since, nothing is filed and the signer is asked to read them again. The
    signature (typed name, confirmation, canonical text and hash) is safetyops.evidence.signing's."""
    if scope_for(actor).role != Role.ENTERPRISE_USER or not has_right(actor, InspectionRight.HAZARD_RESPOND):
        raise NotPermitted(_("只有本企业账号可以报送统计报告。"))
    with transaction.atomic():
        enterprise = enterprises_visible_to(actor).select_for_update().filter(pk=enterprise_id).first()
        if enterprise is None:
            raise NotPermitted(_("企业不存在或不在您的管辖范围内。"))
        if refusal := sign_refusal(actor, enterprise, period):
            raise StatisticsError(refusal)
        figures = statistics_figures(enterprise=enterprise, period=period)
        try:
            with transaction.atomic():
                signature = signing.sign(
                    owner=enterprise,
                    signer=actor,
                    typed_name=typed_name,
                    confirmed=confirmed,
                    text=signed_text(figures, note),
                    ip=ip,
                    user_agent=user_agent,
                    unconfirmed=_("请勾选确认统计数据真实、准确后再签署。"),
                )
                if expected_sha256 and expected_sha256 != sha256_of(signed_text(figures, "")):
                    raise StatisticsError(_("统计数据在您阅读后发生了变化，请核对更新后的内容再签署。"))
                report = HazardStatisticsReport.objects.create(
                    enterprise=enterprise,
                    year=period.year,
                    quarter=period.quarter,
                    period_start=period.start,
                    period_end=period.end,
                    due_on=period.due,
                    figures=figures,
                    note=note.strip(),
                    signature=signature,
                )
        except signing.SigningError as exc:
            raise StatisticsError(exc.message) from exc
        except IntegrityError:
            raise StatisticsError(_("%(p)s的统计报告已签署报送，不能重复报送。") % {"p": period.label}) from None
        log_action(
            report,
            "inspections.statistics.signed",
            actor=actor,
            data={"period": period.slug, "sha256": signature.sha256, "late": timezone.localdate() > period.due},
        )
    return report


# Selectors ------------------------------------------------------------------------------------


def reports_of(enterprise: Enterprise) -> dict[tuple[int, int], HazardStatisticsReport]:
    return {
        (r.year, r.quarter): r
        for r in HazardStatisticsReport.objects.filter(enterprise=enterprise).select_related("signature")
    }


def obliged_enterprises(queryset: QuerySet[Enterprise], period: Period) -> QuerySet[Enterprise]:
    """Enterprises that owe the period's report: on the register at the period's end."""
    return queryset.filter(on_register_at(local_start(period.end + timedelta(days=1))))


def unfiled_enterprises(*, user: Any, period: Period) -> QuerySet[Enterprise]:
    """Enterprises in the user's scope that owe the period's report and have not filed it."""
    filed = HazardStatisticsReport.objects.filter(enterprise=OuterRef("pk"), year=period.year, quarter=period.quarter)
    return obliged_enterprises(enterprises_visible_to(user), period).filter(~Exists(filed))


def filing_summary(*, user: Any, period: Period) -> dict[str, int]:
    obliged = obliged_enterprises(enterprises_visible_to(user), period)
    filed = HazardStatisticsReport.objects.filter(
        year=period.year, quarter=period.quarter, enterprise__in=obliged.values("pk")
    )
    late = filed.filter(signature__signed_at__gte=local_start(period.due + timedelta(days=1)))
    total, done = obliged.count(), filed.count()
    return {"total": total, "filed": done, "unfiled": total - done, "late": late.count()}


# Reminders ------------------------------------------------------------------------------------


class StatisticsDueRule(Rule):
    """From N days before the due date until filed: each unfiled enterprise's users; after the due date
    also the township's officials, once a day per township with the count and a link to the 未报送
    list (not one message per enterprise). Only the latest period of the kind is reminded (an older
    one stays on the officials' 未报送 list)."""

    annual = False

    def period(self, today: date) -> Period:
        return last_year(today) if self.annual else last_quarter(today)

    def due(self, today: date) -> Iterator[Due]:
        from inspections.reminders import Directory, _enterprise_users  # the hazard rules' people lookups

        period = self.period(today)
        if not settings.STATISTICS_REMINDERS or today < period.due - timedelta(
            days=max(settings.STATISTICS_REMINDER_DAYS_BEFORE, 0)
        ):
            return
        late = today > period.due
        filed = HazardStatisticsReport.objects.filter(
            enterprise=OuterRef("pk"), year=period.year, quarter=period.quarter
        )
        queryset = obliged_enterprises(Enterprise.objects.all(), period).filter(~Exists(filed))
        enterprise_type = ContentType.objects.get_for_model(Enterprise)
        directory = Directory()
        townships: dict[str, list[Any]] = {}  # township path → [officials, unfiled count, first node id]
        url = reverse("inspections:statistics_sign", args=[987654321, period.slug]).replace("987654321", "{}")
        facts: dict[str, Any] = {"period": period.label, "due": period.due.isoformat()}
        for rows in keyset_batches(queryset, fields=("pk", "name", "node_id"), key="pk"):
            users = _enterprise_users(between=(rows[0]["pk"], rows[-1]["pk"]))  # rows in pk order
            for row in rows:
                if late:
                    township = directory.township_path(row["node_id"])
                    entry = townships.setdefault(township, [directory.office(row["node_id"]).officials, 0])
                    entry[1] += 1
                recipients = users.get(row["pk"], ())
                if not recipients:
                    continue
                facts["enterprise"] = row["name"]
                if late:
                    title = _("【逾期】%(enterprise)s未报送%(period)s隐患统计报告") % facts
                    body = (
                        _(
                            "%(enterprise)s%(period)s的事故隐患排查治理统计报告应于 %(due)s 前由主要负责人签字报送，"
                            "至今未报送，请立即报送。"
                        )
                        % facts
                    )
                else:
                    title = _("请于 %(due)s 前报送%(period)s隐患统计报告") % facts
                    body = (
                        _(
                            "%(enterprise)s%(period)s的事故隐患排查治理统计报告已按本企业隐患数据生成，"
                            "请主要负责人核对后于 %(due)s 前签字报送。"
                        )
                        % facts
                    )
                yield Due.of(
                    (enterprise_type, row["pk"]),
                    recipients=recipients,
                    title=title,
                    body=body,
                    url=url.format(row["pk"]),
                    node_id=row["node_id"],
                )
        yield from self._township_digests(directory, townships, period)

    @staticmethod
    def _township_digests(directory: Any, townships: dict[str, list[Any]], period: Period) -> Iterator[Due]:
        node_type = ContentType.objects.get_for_model(Node)
        node_of_path = {path: pk for pk, (path, _level) in directory.nodes.items()}
        link = reverse("inspections:statistics_unfiled") + f"?period={period.slug}"
        for path, (officials, count) in sorted(townships.items()):
            if not officials or path not in node_of_path:
                continue
            facts = {"period": period.label, "due": period.due.isoformat(), "n": count}
            yield Due.of(
                (node_type, node_of_path[path]),
                recipients=officials,
                title=_("%(n)s家企业逾期未报送%(period)s隐患统计报告") % facts,
                body=_(
                    "辖区内有 %(n)s 家企业未在 %(due)s 前报送%(period)s事故隐患排查治理统计报告，"
                    "请督促其主要负责人签字报送。"
                )
                % facts,
                url=link,
                node_id=node_of_path[path],
            )


class QuarterlyStatisticsRule(StatisticsDueRule):
    reason = "statistics_quarterly_due"
    label = gettext_lazy("季度隐患统计报告报送提醒")


class AnnualStatisticsRule(StatisticsDueRule):
    reason = "statistics_annual_due"
    label = gettext_lazy("年度隐患统计报告报送提醒")
    annual = True


def register_rules() -> None:
    register(QuarterlyStatisticsRule())
    register(AnnualStatisticsRule())
