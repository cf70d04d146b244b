"""Who hears of the daily 承诺公告, and when (DOMAIN §7).

- daily_pledge_missing: a covered enterprise with no 公告 at its county's due hour: its users, once
  that day.
- daily_pledge_missing_official: still none ESCALATE_AFTER later: the township officials of the
  enterprise's area, once that day for that enterprise.
- daily_pledge_flag: a 承诺不实 flag, to the township officials, at once when it is raised
  (flags._tell); the rule sends any open flag that was never told (a lost on-commit), once.

The due hour is per county, so the notify scan at 08:00 is not enough: run_daily_scan (the task
accountability.daily_pledge_scan, beat every DAILY_PLEDGE_SCAN_MINUTES) raises missed flags and
claims these three rules; Reminder claims make every message exactly once whatever runs it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.daily.coverage import coverage
from accountability.daily.flags import FLAG_REASON, flags_scan, township_officials
from accountability.models import DailyPledge, PledgeFlag
from safetyops.notify.rules import Due, Rule, keyset_batches, register, register_reason, untold_batches
from safetyops.notify.services import reminders_claim
from safetyops.orgs.models import Enterprise, Membership, Role

ESCALATE_AFTER = datetime.timedelta(hours=1)
REASONS = {
    "daily_pledge_missing": gettext_lazy("每日安全承诺公告到截止时间未发布（告知企业）"),
    "daily_pledge_missing_official": gettext_lazy("每日安全承诺公告逾期未发布（告知属地乡镇）"),
    FLAG_REASON: gettext_lazy("承诺不实线索（告知属地乡镇）"),
}


def missing_enterprises(today: datetime.date, *, now: datetime.datetime, grace: datetime.timedelta) -> Any:
    """Covered enterprises with no pledge of `today` whose due hour plus `grace` has passed at `now`
    (nothing on another day than now's own): one query, batched by the caller."""
    local = timezone.localtime(now)
    cutoff = local - grace
    rules = coverage()
    published = DailyPledge.objects.filter(enterprise=OuterRef("pk"), date=today)
    missing = (
        Enterprise.objects.filter(rules.enterprise_q())
        .annotate(due_time=rules.due_time_expression())
        .filter(due_time__lte=cutoff.time().replace(microsecond=0))
        .exclude(Exists(published))
    )
    # Only on the day itself, and not while the grace still reaches back over midnight.
    return missing if local.date() == today and cutoff.date() == today else missing.none()


class PledgeMissingRule(Rule):
    """At the county's due hour, the users of each covered enterprise that has not published."""

    reason = "daily_pledge_missing"
    label = str(REASONS["daily_pledge_missing"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        enterprise_type = ContentType.objects.get_for_model(Enterprise)
        missing = missing_enterprises(today, now=timezone.now(), grace=datetime.timedelta(0))
        for rows in keyset_batches(missing, fields=("pk", "name", "node_id", "due_time")):
            people: dict[int, list[int]] = {}
            for enterprise_id, user_id in (
                Membership.objects.filter(
                    role=Role.ENTERPRISE_USER, enterprise_id__in=[r["pk"] for r in rows], user__is_active=True
                )
                .order_by("user_id")
                .values_list("enterprise_id", "user_id")
            ):
                people.setdefault(enterprise_id, []).append(user_id)
            for row in rows:
                yield Due.of(
                    (enterprise_type, row["pk"]),
                    recipients=people.get(row["pk"], []),
                    title=_("请发布今日安全风险研判与承诺公告"),
                    body=_("%(name)s：今日（%(day)s）的安全风险研判与承诺公告须于%(due)s前发布，目前尚未发布。")
                    % {"name": row["name"], "day": today.isoformat(), "due": row["due_time"].strftime("%H:%M")},
                    url=reverse("accountability:daily_publish"),
                    node_id=row["node_id"],
                )


class PledgeMissingOfficialRule(Rule):
    """ESCALATE_AFTER past the due hour, the township officials, once per missing enterprise."""

    reason = "daily_pledge_missing_official"
    label = str(REASONS["daily_pledge_missing_official"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        enterprise_type = ContentType.objects.get_for_model(Enterprise)
        missing = missing_enterprises(today, now=timezone.now(), grace=ESCALATE_AFTER)
        for rows in keyset_batches(missing, fields=("pk", "name", "node_id", "node__path", "due_time")):
            people = township_officials({row["node__path"] for row in rows})
            for row in rows:
                yield Due.of(
                    (enterprise_type, row["pk"]),
                    recipients=people.get(row["node__path"], []),
                    title=_("承诺公告未发布：%(name)s") % {"name": row["name"]},
                    body=_("%(name)s今日（%(day)s）的安全风险研判与承诺公告截止%(due)s未发布，请督促。")
                    % {"name": row["name"], "day": today.isoformat(), "due": row["due_time"].strftime("%H:%M")},
                    url=reverse("accountability:daily_history", args=[row["pk"]]),
                    node_id=row["node_id"],
                )


class FlagUntoldRule(Rule):
    """An open 承诺不实 flag whose officials were never told (its on-commit message was lost)."""

    reason = FLAG_REASON
    label = str(REASONS[FLAG_REASON])

    def due(self, today: datetime.date) -> Iterator[Due]:
        flag_type = ContentType.objects.get_for_model(PledgeFlag)
        open_flags = PledgeFlag.objects.filter(status=PledgeFlag.Status.OPEN)
        fields = ("pk", "pledge__node_id", "pledge__node__path", "pledge__enterprise__name", "pledge__date", "rule")
        labels = dict(PledgeFlag.Rule.choices)
        batches = keyset_batches(open_flags, fields=fields)
        for rows in untold_batches(batches, reason=self.reason, content_type=flag_type):
            people = township_officials({row["pledge__node__path"] for row in rows})
            for row in rows:
                yield Due.of(
                    (flag_type, row["pk"]),
                    recipients=people.get(row["pledge__node__path"], []),
                    title=_("承诺不实线索：%(name)s") % {"name": row["pledge__enterprise__name"]},
                    body=_("%(name)s %(day)s的承诺公告与隐患记录不符：%(rule)s。请核实。")
                    % {
                        "name": row["pledge__enterprise__name"],
                        "day": row["pledge__date"].isoformat(),
                        "rule": labels[row["rule"]],
                    },
                    url=reverse("accountability:daily_flag", args=[row["pk"]]),
                    node_id=row["pledge__node_id"],
                )


RULES = (PledgeMissingRule(), PledgeMissingOfficialRule(), FlagUntoldRule())


def run_daily_scan(*, today: datetime.date | None = None) -> dict[str, int]:
    """Raise the flags missed, then claim what the daily rules say is due now."""
    today = today or timezone.localdate()
    counts = {"flags": flags_scan(today=today)}
    for rule in RULES:
        counts[rule.reason] = len(reminders_claim(list(rule.due(today)), reason=rule.reason, day=today))
    return counts


def register_rules() -> None:
    for reason, label in REASONS.items():
        register_reason(reason, str(label))
    for rule in RULES:
        register(rule)
