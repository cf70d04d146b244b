"""Who hears of a 约谈/督办, and when (DOMAIN §7).

At once, after the step commits (once per reason, summons and person: safetyops.notify):
the summoned unit's people hear that they are summoned (when, where, about what); once the talk is
recorded, what they must report by when; if it is cancelled, that it is off. The issuing node's
officials hear when the written report is submitted.

Daily, by the rules registered here (the reminder scan; once per reason, object, person and day):
a commitment due within COMMITMENT_DUE_DAYS days, and an overdue one, to the summoned unit (every
day until it is reported done); the written report overdue, to the summoned unit every day and to
the issuer's officials once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.models import Summons, SummonsCommitment
from accountability.notices import issuer_officials
from safetyops.notify.rules import Due, Rule, keyset_batches, register, register_reason, untold_batches
from safetyops.notify.services import reminders_claim
from safetyops.orgs.models import Membership, Role
from safetyops.orgs.units import ORGANISING_ROLES

COMMITMENT_DUE_DAYS = 3
OPEN = (Summons.Status.HELD, Summons.Status.REPORTED)

REASONS = {
    "summons_planned": gettext_lazy("约谈、督办通知（告知被约谈单位）"),
    "summons_held": gettext_lazy("约谈后报送整改报告的要求（告知被约谈单位）"),
    "summons_cancelled": gettext_lazy("约谈、督办取消（告知被约谈单位）"),
    "summons_reported": gettext_lazy("被约谈单位已报送整改报告（告知约谈单位）"),
}
DAILY_REASONS = {
    "summons_commitment_due": gettext_lazy("约谈整改承诺即将到期（告知被约谈单位，每日）"),
    "summons_commitment_overdue": gettext_lazy("约谈整改承诺逾期未完成（告知被约谈单位，每日）"),
    "summons_report_overdue": gettext_lazy("约谈整改报告逾期未报送（告知被约谈单位，每日）"),
    "summons_report_overdue_issuer": gettext_lazy("约谈整改报告逾期未报送（告知约谈单位，一次）"),
}


def summons_url(pk: int) -> str:
    return reverse("accountability:summons_detail", args=[pk])


def unit_people(rows: Iterable[tuple[int | None, int | None, int | None]]) -> dict[tuple[str, int], list[int]]:
    """The people of each unit (node_id, department_id, enterprise_id): a node's officials and
    leaders, a department's supervisors, an enterprise's users. One query."""
    nodes, departments, enterprises = set(), set(), set()
    for node_id, department_id, enterprise_id in rows:
        if node_id:
            nodes.add(node_id)
        elif department_id:
            departments.add(department_id)
        elif enterprise_id:
            enterprises.add(enterprise_id)
    people: dict[tuple[str, int], list[int]] = defaultdict(list)
    if not (nodes or departments or enterprises):
        return people
    for role, node_id, department_id, enterprise_id, user_id in (
        Membership.objects.filter(user__is_active=True)
        .filter(
            Q(role__in=(*ORGANISING_ROLES, Role.LEADER), node_id__in=nodes)
            | Q(role=Role.DEPARTMENT_SUPERVISOR, department_id__in=departments)
            | Q(role=Role.ENTERPRISE_USER, enterprise_id__in=enterprises)
        )
        .order_by("user_id")
        .values_list("role", "node_id", "department_id", "enterprise_id", "user_id")
    ):
        if role == Role.ENTERPRISE_USER:
            people[("enterprise", enterprise_id)].append(user_id)
        elif role == Role.DEPARTMENT_SUPERVISOR:
            people[("department", department_id)].append(user_id)
        else:
            people[("node", node_id)].append(user_id)
    return people


def _unit_key(node_id: int | None, department_id: int | None, enterprise_id: int | None) -> tuple[str, int]:
    if node_id:
        return ("node", node_id)
    if department_id:
        return ("department", department_id)
    return ("enterprise", enterprise_id or 0)


def _target_people(summons: Summons) -> list[int]:
    key = _unit_key(summons.node_id, summons.department_id, summons.enterprise_id)
    return unit_people([(summons.node_id, summons.department_id, summons.enterprise_id)]).get(key, [])


def _load(pk: int, *statuses: str) -> Summons | None:
    return (
        Summons.objects.filter(pk=pk, status__in=statuses)
        .select_related("issuer", "node", "department", "enterprise")
        .first()
    )


def _facts(summons: Summons) -> dict[str, Any]:
    reasons = [reason.label for reason in summons.reasons.all()[:3]]
    more = summons.reasons.count() - len(reasons)
    return {
        "issuer": summons.issuer.name,
        "kind": summons.get_kind_display(),
        "unit": summons.unit_name,
        "date": summons.held_on.isoformat(),
        "place": summons.place,
        "reasons": "；".join(reasons) + (_("等%(n)s项") % {"n": more + len(reasons)} if more > 0 else ""),
        "due": summons.report_due_on.isoformat() if summons.report_due_on else "—",
    }


def _tell(summons: Summons, reason: str, recipients: list[int], title: str, body: str, node_id: int) -> int:
    due = Due.of(summons, recipients=recipients, title=title, body=body, url=summons_url(summons.pk), node_id=node_id)
    return len(reminders_claim([due] if recipients else [], reason=reason, day=timezone.localdate()))


def tell_planned(pk: int) -> int:
    summons = _load(pk, Summons.Status.PLANNED)
    if summons is None:
        return 0
    facts = _facts(summons)
    return _tell(
        summons,
        "summons_planned",
        _target_people(summons),
        _("%(kind)s通知：%(issuer)s") % facts,
        _("%(issuer)s定于%(date)s在%(place)s对%(unit)s进行%(kind)s，事由：%(reasons)s。请按时参加。") % facts,
        summons.area_id,
    )


def tell_held(pk: int) -> int:
    summons = _load(pk, Summons.Status.HELD)
    if summons is None:
        return 0
    facts = _facts(summons)
    commitments = list(summons.commitments.order_by("due_on", "pk"))
    body = _("%(issuer)s已于%(date)s对%(unit)s进行%(kind)s。请于%(due)s前报送书面整改报告。") % facts
    if commitments:
        body += _("整改承诺%(n)s项，最近的完成期限：%(first)s。") % {
            "n": len(commitments),
            "first": commitments[0].due_on.isoformat(),
        }
    return _tell(
        summons, "summons_held", _target_people(summons), _("请报送%(kind)s整改报告") % facts, body, summons.area_id
    )


def tell_cancelled(pk: int) -> int:
    summons = _load(pk, Summons.Status.CANCELLED)
    if summons is None:
        return 0
    facts = {**_facts(summons), "reason": summons.cancelled_reason}
    return _tell(
        summons,
        "summons_cancelled",
        _target_people(summons),
        _("%(kind)s已取消") % facts,
        _("%(issuer)s原定于%(date)s的%(kind)s已取消。原因：%(reason)s") % facts,
        summons.area_id,
    )


def tell_reported(pk: int) -> int:
    summons = _load(pk, Summons.Status.REPORTED)
    if summons is None:
        return 0
    facts = _facts(summons)
    return _tell(
        summons,
        "summons_reported",
        issuer_officials([summons.issuer_id]).get(summons.issuer_id, []),
        _("%(unit)s已报送整改报告") % facts,
        _("%(unit)s已报送%(date)s%(kind)s的书面整改报告，请审核。") % facts,
        summons.issuer_id,
    )


# Daily (the reminder scan) ----------------------------------------------------------------------

_COMMITMENT_FIELDS = (
    "summons_id",
    "text",
    "due_on",
    "summons__node_id",
    "summons__department_id",
    "summons__enterprise_id",
    "summons__area_id",
    "summons__kind",
    "summons__issuer__name",
)


def _kind_word(kind: str) -> str:
    return str(dict(Summons.Kind.choices).get(kind, ""))


class _CommitmentRule(Rule):
    overdue = False

    def rows(self, today: datetime.date) -> Any:
        qs = SummonsCommitment.objects.filter(done_at__isnull=True, summons__status__in=OPEN)
        if self.overdue:
            return qs.filter(due_on__lt=today)
        return qs.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=COMMITMENT_DUE_DAYS))

    def due(self, today: datetime.date) -> Iterator[Due]:
        content_type = ContentType.objects.get_for_model(SummonsCommitment)
        for rows in keyset_batches(self.rows(today), fields=_COMMITMENT_FIELDS, key="due_on"):
            people = unit_people(
                (r["summons__node_id"], r["summons__department_id"], r["summons__enterprise_id"]) for r in rows
            )
            for row in rows:
                key = _unit_key(row["summons__node_id"], row["summons__department_id"], row["summons__enterprise_id"])
                facts = {
                    "issuer": row["summons__issuer__name"],
                    "kind": _kind_word(row["summons__kind"]),
                    "text": row["text"],
                    "due": row["due_on"].isoformat(),
                    "days": abs((row["due_on"] - today).days),
                }
                if self.overdue:
                    title = _("%(kind)s整改承诺逾期未完成") % facts
                    body = _("%(issuer)s%(kind)s时的整改承诺“%(text)s”期限为%(due)s，已逾期%(days)s天。") % facts
                else:
                    title = _("%(kind)s整改承诺即将到期") % facts
                    body = _("%(issuer)s%(kind)s时的整改承诺“%(text)s”将于%(due)s到期，请按期完成并报告。") % facts
                yield Due.of(
                    (content_type, row["pk"]),
                    recipients=people.get(key, []),
                    title=title,
                    body=body,
                    url=summons_url(row["summons_id"]),
                    node_id=row["summons__area_id"],
                )


class CommitmentDueRule(_CommitmentRule):
    reason = "summons_commitment_due"
    label = str(DAILY_REASONS["summons_commitment_due"])


class CommitmentOverdueRule(_CommitmentRule):
    reason = "summons_commitment_overdue"
    label = str(DAILY_REASONS["summons_commitment_overdue"])
    overdue = True


_SUMMONS_FIELDS = (
    "node_id",
    "department_id",
    "enterprise_id",
    "area_id",
    "issuer_id",
    "issuer__name",
    "kind",
    "held_on",
    "report_due_on",
    "node__name",
    "department__name",
    "enterprise__name",
)


def _report_facts(row: dict[str, Any], today: datetime.date) -> dict[str, Any]:
    return {
        "issuer": row["issuer__name"],
        "kind": _kind_word(row["kind"]),
        "unit": row["node__name"] or row["department__name"] or row["enterprise__name"] or "",
        "date": row["held_on"].isoformat(),
        "due": row["report_due_on"].isoformat(),
        "days": (today - row["report_due_on"]).days,
    }


class ReportOverdueRule(Rule):
    """Held, the written report's deadline passed and no report: the summoned unit, every day."""

    reason = "summons_report_overdue"
    label = str(DAILY_REASONS["summons_report_overdue"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        content_type = ContentType.objects.get_for_model(Summons)
        waiting = Summons.objects.filter(status=Summons.Status.HELD, report_due_on__lt=today)
        for rows in keyset_batches(waiting, fields=_SUMMONS_FIELDS, key="report_due_on"):
            people = unit_people((r["node_id"], r["department_id"], r["enterprise_id"]) for r in rows)
            for row in rows:
                facts = _report_facts(row, today)
                yield Due.of(
                    (content_type, row["pk"]),
                    recipients=people.get(_unit_key(row["node_id"], row["department_id"], row["enterprise_id"]), []),
                    title=_("%(kind)s整改报告逾期未报送") % facts,
                    body=_("%(issuer)s%(date)s%(kind)s后，书面整改报告应于%(due)s前报送，已逾期%(days)s天。") % facts,
                    url=summons_url(row["pk"]),
                    node_id=row["area_id"],
                )


class ReportOverdueIssuerRule(Rule):
    """The same, to the issuing node's officials: once per summons."""

    reason = "summons_report_overdue_issuer"
    label = str(DAILY_REASONS["summons_report_overdue_issuer"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        content_type = ContentType.objects.get_for_model(Summons)
        waiting = Summons.objects.filter(status=Summons.Status.HELD, report_due_on__lt=today)
        batches = keyset_batches(waiting, fields=_SUMMONS_FIELDS, key="report_due_on")
        for rows in untold_batches(batches, reason=self.reason, content_type=content_type):
            officials = issuer_officials(row["issuer_id"] for row in rows)
            for row in rows:
                facts = _report_facts(row, today)
                yield Due.of(
                    (content_type, row["pk"]),
                    recipients=officials.get(row["issuer_id"], []),
                    title=_("%(unit)s逾期未报送整改报告") % facts,
                    body=_("%(unit)s在%(date)s%(kind)s后应于%(due)s前报送书面整改报告，已逾期%(days)s天。") % facts,
                    url=summons_url(row["pk"]),
                    node_id=row["issuer_id"],
                )


def register_all() -> None:
    for reason, label in {**REASONS, **DAILY_REASONS}.items():
        register_reason(reason, str(label))
    register(CommitmentDueRule())
    register(CommitmentOverdueRule())
    register(ReportOverdueRule())
    register(ReportOverdueIssuerRule())
