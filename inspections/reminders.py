"""Hazard reminders (DOMAIN §7) and the escalation ladder 提醒 → 催办 → 督办.

Three rules, registered with safetyops.notify in InspectionsConfig.ready():
- hazard_deadline: REMINDER_DAYS_BEFORE days before the deadline, on the day, and every day while
  overdue, to the enterprise's users (主要负责人, 安全管理员); from REMINDER_OFFICIAL_AFTER_DAYS (N)
  days overdue also to the township's officials (催办), from REMINDER_LEADER_AFTER_DAYS (M) days to
  the township's leaders (督办); a 重大 hazard goes to the county (admins and leaders) once overdue.
  A hazard awaiting verification is the office's turn, so it gets verification_waiting instead.
- plan_awaiting_approval: a 重大 plan waiting for approval, daily from the day after it was filed,
  to the township's officials.
- verification_waiting: a completion report waiting more than REMINDER_VERIFICATION_WAIT_DAYS days,
  daily, to the township's officials.

Scale: every query walks the (status, deadline) index in keyset batches of values() rows; people
are resolved per batch with one grouped query (enterprise users) or from a directory of office
staff loaded once per scan. No hazard is ever loaded as an object.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import CompletionReport, Hazard, HazardPlan
from safetyops.core.audit import log_actions
from safetyops.notify.rules import AuditNote, Due, Rule, keyset_batches, register
from safetyops.orgs.models import Membership, Node, Role

Status = Hazard.Status
Escalation = Hazard.Escalation
BATCH = 2000
# The enterprise's turn: these get deadline reminders and climb the ladder.
ENTERPRISE_TURN = (Status.REGISTERED, Status.PLAN_PENDING, Status.RECTIFYING)
# The enterprise's name comes with the row (a join on its key): a second query per batch for the
# names cost more than the join, and more than the rest of the batch's Python.
FIELDS = ("pk", "number", "enterprise_id", "enterprise__name", "node_id", "level", "deadline", "description")


# Who is who ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    """The office staff responsible for one area."""

    officials: tuple[int, ...]  # township officials of the township, or of an area below it on the way
    leaders: tuple[int, ...]  # leaders of the township
    county: tuple[int, ...]  # county admins and leaders of the county


class Directory:
    """Areas and office staff, loaded once per scan: a city has thousands of staff, not millions."""

    def __init__(self, *, only_node: int | None = None) -> None:
        """`only_node`: load just that area's chain and its staff (a one-off notice, not a scan)."""
        nodes = Node.objects.all()
        staff = Membership.objects.filter(
            role__in=[Role.TOWNSHIP_OFFICIAL, Role.LEADER, Role.COUNTY_ADMIN], node__isnull=False, user__is_active=True
        ).order_by("user_id")
        if only_node is not None:
            path = Node.objects.filter(pk=only_node).values_list("path", flat=True).first() or ""
            parts = [part for part in path.strip("/").split("/") if part]
            prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
            nodes, staff = nodes.filter(path__in=prefixes), staff.filter(node__path__in=prefixes)
        self.nodes = {pk: (path, level) for pk, path, level in nodes.values_list("pk", "path", "level")}
        self.levels = dict(self.nodes.values())
        self.staff: dict[tuple[str, str], list[int]] = defaultdict(list)
        for role, path, user_id in staff.values_list("role", "node__path", "user_id"):
            self.staff[(path, role)].append(user_id)
        self._offices: dict[int, Office] = {}
        self._townships: dict[int, str] = {}

    def _chain(self, node_id: int) -> list[tuple[str, str | None]]:
        """(path, level) from the root down to the node."""
        if node_id not in self.nodes:  # an area added during the scan
            self.nodes.update(
                {pk: (p, lv) for pk, p, lv in Node.objects.filter(pk=node_id).values_list("pk", "path", "level")}
            )
        parts = self.nodes[node_id][0].strip("/").split("/")
        prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
        return [(prefix, self.levels.get(prefix)) for prefix in prefixes]

    def township_path(self, node_id: int) -> str:
        """The path of the township containing the node (or the node's own, above township level)."""
        if node_id not in self._townships:
            chain = self._chain(node_id)
            self._townships[node_id] = next(
                (path for path, level in chain if level == Node.Level.TOWNSHIP), chain[-1][0]
            )
        return self._townships[node_id]

    def office(self, node_id: int) -> Office:
        if node_id in self._offices:
            return self._offices[node_id]
        chain = self._chain(node_id)
        township = next((i for i, (_path, level) in enumerate(chain) if level == Node.Level.TOWNSHIP), None)
        local = chain[township:] if township is not None else chain[-1:]
        county = [path for path, level in chain if level == Node.Level.COUNTY]
        office = Office(
            officials=tuple(u for path, _level in local for u in self.staff[(path, Role.TOWNSHIP_OFFICIAL)]),
            leaders=tuple(self.staff[(chain[township][0], Role.LEADER)]) if township is not None else (),
            county=tuple(
                u for path in county for role in (Role.COUNTY_ADMIN, Role.LEADER) for u in self.staff[(path, role)]
            ),
        )
        self._offices[node_id] = office
        return office


def office_of(node_id: int) -> Office:
    """The office staff of one area, the way the scan computes them (a few small queries)."""
    return Directory(only_node=node_id).office(node_id)


def enterprise_users(enterprise_id: int) -> list[int]:
    """The enterprise's active users (主要负责人, 安全管理员), as the scan reminds them."""
    return _enterprise_users([enterprise_id]).get(enterprise_id, [])


def _enterprise_users(
    ids: Iterable[int] | None = None, *, between: tuple[int, int] | None = None
) -> dict[int, list[int]]:
    """The active users of each enterprise: one query per batch, for these ids or for the ids from
    `between[0]` to `between[1]` (a batch walked in key order: a range on the index instead of an
    IN list of 2,000 ids, which cost more to build and plan than to run)."""
    memberships = Membership.objects.filter(role=Role.ENTERPRISE_USER, user__is_active=True)
    if between is not None:
        memberships = memberships.filter(enterprise_id__gte=between[0], enterprise_id__lte=between[1])
    else:
        memberships = memberships.filter(enterprise_id__in=set(ids or ()))
    people: dict[int, list[int]] = defaultdict(list)
    for enterprise_id, user_id in memberships.order_by("user_id").values_list("enterprise_id", "user_id"):
        people[enterprise_id].append(user_id)
    return people


class _Hazards:
    """What every hazard rule needs: its content type, its link, a short description."""

    def __init__(self) -> None:
        self.content_type = ContentType.objects.get_for_model(Hazard)
        self._url = reverse("inspections:hazard_detail", args=[987654321]).replace("987654321", "{}")

    def url(self, pk: int) -> str:
        return self._url.format(pk)

    @staticmethod
    def short(text: str, limit: int = 40) -> str:
        text = " ".join(text.split())
        return text if len(text) <= limit else text[:limit] + "…"

    def level(self, level: str) -> str:
        if not hasattr(self, "_levels"):  # translated once per scan, not once per row
            self._levels = {value: str(label) for value, label in Hazard.Level.choices}
        return self._levels.get(level) or str(Hazard.Level(level).label)


def _batches(queryset: Any) -> Iterator[list[dict[str, Any]]]:
    return keyset_batches(queryset, fields=FIELDS, key="deadline", size=BATCH)


# Rules -----------------------------------------------------------------------------------------


class HazardDeadlineRule(Rule):
    reason = "hazard_deadline"
    label = gettext_lazy("隐患整改期限提醒（临期、到期、逾期催办督办）")

    def prepare(self, today: date) -> None:
        hazard_escalate(today=today)

    def due(self, today: date) -> Iterator[Due]:
        before = max(settings.REMINDER_DAYS_BEFORE, 0)
        n, m = settings.REMINDER_OFFICIAL_AFTER_DAYS, settings.REMINDER_LEADER_AFTER_DAYS
        directory, hazards, texts = Directory(), _Hazards(), DeadlineTexts()
        for status in ENTERPRISE_TURN:  # one index range each: (status, deadline ≤ today + before)
            queryset = Hazard.objects.filter(status=status, deadline__lte=today + timedelta(days=before))
            for rows in _batches(queryset):
                rows = [
                    r for r in rows if r["deadline"] <= today or (before and (r["deadline"] - today).days == before)
                ]
                users = _enterprise_users(r["enterprise_id"] for r in rows)
                for row in rows:
                    late = (today - row["deadline"]).days
                    office = directory.office(row["node_id"])
                    recipients = list(users.get(row["enterprise_id"], ()))
                    if late >= n:
                        recipients += office.officials
                    if late >= m:
                        recipients += office.leaders
                    if late >= 1 and row["level"] == Hazard.Level.MAJOR:
                        recipients += office.county
                    if recipients:
                        title, body = self.text(row, row["enterprise__name"] or "", late, hazards, texts)
                        yield Due.of(
                            (hazards.content_type, row["pk"]),
                            recipients=recipients,
                            title=title,
                            body=body,
                            url=hazards.url(row["pk"]),
                            node_id=row["node_id"],
                            audit=self.reminded(row, late),
                        )

    @staticmethod
    def reminded(row: dict[str, Any], late: int) -> AuditNote | None:
        """提醒 on the hazard's timeline: the notice before the deadline (催办 and 督办 are written
        when the scan moves the hazard's mark, see _move)."""
        if late >= 0:
            return None
        return AuditNote(
            action="inspections.hazard.reminded",
            target_repr=row["number"],
            data={"deadline": row["deadline"].isoformat(), "days_before": -late},
        )

    @staticmethod
    def text(
        row: dict[str, Any], enterprise: str, late: int, hazards: _Hazards, texts: DeadlineTexts | None = None
    ) -> tuple[str, str]:
        n, m = settings.REMINDER_OFFICIAL_AFTER_DAYS, settings.REMINDER_LEADER_AFTER_DAYS
        t = texts or DeadlineTexts()
        facts = {
            "enterprise": enterprise,
            "level": hazards.level(row["level"]),
            "number": row["number"],
            "what": hazards.short(row["description"]),
            "deadline": row["deadline"].isoformat(),
            "days": abs(late),
        }
        what = t.what % facts
        if late < 0:
            title = t.before_title % facts
            body = what + t.before_body % facts
        elif late == 0:
            title = t.today_title % facts
            body = what + t.today_body
        else:
            if late >= m:
                title, ask = t.supervised_title % facts, t.supervised_ask
            elif late >= n:
                title, ask = t.urged_title % facts, t.urged_ask
            else:
                title, ask = t.late_title % facts, t.late_ask
            body = what + t.late_body % facts + ask
            if row["level"] == Hazard.Level.MAJOR:
                body += t.major_note
        return title, body


class DeadlineTexts:
    """The deadline reminder's sentences, translated once per scan: gettext per row (and per
    sentence) was the largest Python cost of a scan over 50,000 due hazards."""

    def __init__(self) -> None:
        self.what = _("%(enterprise)s的%(level)s %(number)s（%(what)s），整改期限 %(deadline)s，")
        self.before_title = _("隐患整改期限还有 %(days)s 天：%(number)s")
        self.before_body = _("还有 %(days)s 天到期。请按期完成整改，并在系统中报告整改完成情况。")
        self.today_title = _("今天是隐患整改期限：%(number)s")
        self.today_body = _("今天到期。请今日完成整改并报告整改完成情况。")
        self.supervised_title = _("【督办】隐患已逾期 %(days)s 天：%(number)s")
        self.supervised_ask = _("已提请乡镇（街道）领导督办。请立即整改，并书面说明逾期原因。")
        self.urged_title = _("【催办】隐患已逾期 %(days)s 天：%(number)s")
        self.urged_ask = _("乡镇（街道）安监人员已催办。请立即整改并报告。")
        self.late_title = _("隐患已逾期 %(days)s 天：%(number)s")
        self.late_ask = _("请立即整改并报告整改完成情况。")
        self.late_body = _("已逾期 %(days)s 天，尚未销号。")
        self.major_note = _("重大事故隐患逾期情况已同时报县级。")


class PlanAwaitingApprovalRule(Rule):
    reason = "plan_awaiting_approval"
    label = gettext_lazy("重大隐患治理方案待审批")

    def due(self, today: date) -> Iterator[Due]:
        directory, hazards = Directory(), _Hazards()
        for rows in _batches(Hazard.objects.filter(status=Status.PLAN_PENDING)):
            plans = HazardPlan.objects.filter(
                hazard_id__in=[r["pk"] for r in rows], decision=HazardPlan.Decision.PENDING
            )
            filed = dict(plans.order_by("submitted_at").values_list("hazard_id", "submitted_at"))  # the latest wins
            for row in rows:
                if row["pk"] not in filed:
                    continue
                waited = (today - timezone.localdate(filed[row["pk"]])).days
                officials = directory.office(row["node_id"]).officials
                if waited < 1 or not officials:
                    continue
                facts = {
                    "enterprise": row["enterprise__name"] or "",
                    "number": row["number"],
                    "what": hazards.short(row["description"]),
                    "filed": timezone.localdate(filed[row["pk"]]).isoformat(),
                    "days": waited,
                }
                yield Due.of(
                    (hazards.content_type, row["pk"]),
                    recipients=officials,
                    title=_("重大隐患治理方案待审批：%(number)s") % facts,
                    body=_(
                        "%(enterprise)s于 %(filed)s 提交了重大隐患 %(number)s（%(what)s）的治理方案，"
                        "已等待 %(days)s 天，请及时审批。"
                    )
                    % facts,
                    url=hazards.url(row["pk"]),
                    node_id=row["node_id"],
                )


class VerificationWaitingRule(Rule):
    reason = "verification_waiting"
    label = gettext_lazy("隐患待验收超期")

    def due(self, today: date) -> Iterator[Due]:
        wait = settings.REMINDER_VERIFICATION_WAIT_DAYS
        directory, hazards = Directory(), _Hazards()
        for rows in _batches(Hazard.objects.filter(status=Status.AWAITING_VERIFICATION)):
            reports = CompletionReport.objects.filter(hazard_id__in=[r["pk"] for r in rows]).values("hazard_id")
            reported = dict(reports.annotate(latest=Max("submitted_at")).values_list("hazard_id", "latest"))
            for row in rows:
                if row["pk"] not in reported:
                    continue
                waited = (today - timezone.localdate(reported[row["pk"]])).days
                officials = directory.office(row["node_id"]).officials
                if waited <= wait or not officials:
                    continue
                facts = {
                    "enterprise": row["enterprise__name"] or "",
                    "number": row["number"],
                    "what": hazards.short(row["description"]),
                    "reported": timezone.localdate(reported[row["pk"]]).isoformat(),
                    "days": waited,
                    "limit": wait,
                }
                yield Due.of(
                    (hazards.content_type, row["pk"]),
                    recipients=officials,
                    title=_("隐患待验收已超过 %(limit)s 天：%(number)s") % facts,
                    body=_(
                        "%(enterprise)s于 %(reported)s 报告隐患 %(number)s（%(what)s）整改完成，"
                        "已等待验收 %(days)s 天（应在 %(limit)s 日内验收），请尽快组织验收销号。"
                    )
                    % facts,
                    url=hazards.url(row["pk"]),
                    node_id=row["node_id"],
                )


# The escalation ladder -------------------------------------------------------------------------


def _move(condition: Q, *, to: str, action: str, today: date) -> int:
    """Set `escalation` on the hazards matching `condition`, in batches, with an audit entry each.

    Rows another transaction holds (a lifecycle step in progress) are skipped, not waited for;
    the next scan takes them.
    """
    now, total = timezone.now(), 0
    while True:
        with transaction.atomic():
            rows = list(
                Hazard.objects.filter(condition)
                .order_by()
                .select_for_update(skip_locked=True)
                .values_list("pk", "number", "escalation", "deadline")[:BATCH]
            )
            if not rows:
                return total
            Hazard.objects.filter(pk__in=[row[0] for row in rows]).update(
                escalation=to, escalated_at=now if to else None
            )
            # One INSERT for the batch: 2,000 single inserts per batch on a first run otherwise.
            log_actions(
                Hazard,
                action,
                (
                    (
                        pk,
                        number,
                        {"from": old, "to": to, "days_overdue": (today - deadline).days, "by": "reminder scan"},
                    )
                    for pk, number, old, deadline in rows
                ),
            )
        total += len(rows)
        if len(rows) < BATCH:
            return total


def _marked_other_than(mark: str) -> Q:
    """escalation ≠ mark, spelled as the other marks so that every step of the ladder is a range of
    the index hazard_escalation_ladder (status, escalation, deadline): a "≠" cannot use it, and
    read every overdue hazard's row (45,000 at county scale, 450,000 at city) to find none."""
    return Q(escalation__in=[value for value in Escalation.values if value != mark])


def hazard_escalate(*, today: date | None = None) -> dict[str, int]:
    """Mark hazards 催办 at N days overdue and 督办 at M days, one bulk UPDATE per step; take the
    mark back when the deadline has moved (a new deadline after a failed verification)."""
    today = today or timezone.localdate()
    n_day = today - timedelta(days=settings.REMINDER_OFFICIAL_AFTER_DAYS)
    m_day = today - timedelta(days=settings.REMINDER_LEADER_AFTER_DAYS)
    turn, still_open = Q(status__in=ENTERPRISE_TURN), Q(status__in=Hazard.OPEN_STATUSES)
    return {
        "supervised": _move(
            turn & Q(deadline__lte=m_day) & _marked_other_than(Escalation.SUPERVISED),
            to=Escalation.SUPERVISED,
            action="inspections.hazard.supervised",
            today=today,
        ),
        "urged": _move(
            turn & Q(deadline__lte=n_day, deadline__gt=m_day, escalation=Escalation.NONE),
            to=Escalation.URGED,
            action="inspections.hazard.urged",
            today=today,
        )
        + _move(
            still_open & Q(deadline__lte=n_day, deadline__gt=m_day, escalation=Escalation.SUPERVISED),
            to=Escalation.URGED,
            action="inspections.hazard.escalation_lowered",
            today=today,
        ),
        "cleared": _move(
            still_open & Q(deadline__gt=n_day) & _marked_other_than(Escalation.NONE),
            to=Escalation.NONE,
            action="inspections.hazard.escalation_cleared",
            today=today,
        ),
    }


def register_rules() -> None:
    for rule in (HazardDeadlineRule(), PlanAwaitingApprovalRule(), VerificationWaitingRule()):
        register(rule)
