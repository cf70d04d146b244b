"""承诺不实: a daily 承诺公告 the hazard records contradict (DOMAIN §6).

Three rules, checked against the hazards inspections registers (read through inspections.ports):
- hot_work: a hazard registered at the enterprise that day is about 动火 while the pledge's three
  动火 counts were all 0;
- confined_space: one is about 受限空间 / 有限空间 while the pledge counted none;
- major_hazard: a 重大 hazard of the enterprise was open (registered by the end of that day and not
  closed before the pledge was published) while the pledge said its 重大危险源 were under control.

Raised at once, when the pledge is published (hazards already there) and when a hazard is
registered after it (core.signals.hazard_registered), and by the scan every quarter of an hour
(notices.run_daily_scan) for anything missed. A flag is one row per (pledge, rule, hazard): raising it
again finds the row. The township officials of the enterprise are told once per flag, after commit.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.daily.coverage import day_bounds
from accountability.models import DailyPledge, PledgeFlag
from inspections.ports import HazardFact, hazard_facts
from safetyops.core.audit import log_action
from safetyops.notify.services import notify_users
from safetyops.orgs.models import Membership, Role
from safetyops.orgs.scope import path_and_above

logger = logging.getLogger(__name__)
HOT_WORK_WORDS = ("动火", "焊接", "电焊", "气焊", "气割", "切割作业")
CONFINED_SPACE_WORDS = ("受限空间", "有限空间")
SCAN_DAYS = 3  # the safety-net scan looks at the pledges of today and the days before
FLAG_REASON = "daily_pledge_flag"
Rule = PledgeFlag.Rule


def _about(text: str, words: Sequence[str]) -> bool:
    return any(word in text for word in words)


def contradictions(pledge: DailyPledge, facts: Iterable[HazardFact]) -> list[tuple[str, int]]:
    """(rule, hazard id) for each hazard of the pledge's enterprise that contradicts it."""
    start, end = day_bounds(pledge.date)
    found: list[tuple[str, int]] = []
    for fact in facts:
        if fact.enterprise_id != pledge.enterprise_id:
            continue
        that_day = start <= fact.registered_at < end
        if that_day and pledge.hot_work == 0 and _about(fact.text, HOT_WORK_WORDS):
            found.append((Rule.HOT_WORK, fact.pk))
        if that_day and pledge.confined_space == 0 and _about(fact.text, CONFINED_SPACE_WORDS):
            found.append((Rule.CONFINED_SPACE, fact.pk))
        open_then = fact.closed_at is None or fact.closed_at > pledge.published_at
        if pledge.major_sources_controlled and fact.major and fact.registered_at < end and open_then:
            found.append((Rule.MAJOR_HAZARD, fact.pk))
    return found


def township_officials(node_paths: Iterable[str]) -> dict[str, list[int]]:
    """{enterprise node path: the active township officials of that node and the nodes above it};
    where a township has none, the county admins above it. One query."""
    paths = set(node_paths)
    above = {path: path_and_above(path) for path in paths}
    wanted = {p for ps in above.values() for p in ps}
    by_node: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for role, node_path, user_id in (
        Membership.objects.filter(
            user__is_active=True, role__in=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_ADMIN), node__path__in=wanted
        )
        .order_by("user_id")
        .values_list("role", "node__path", "user_id")
    ):
        by_node[node_path].append((role, user_id))
    out: dict[str, list[int]] = {}
    for path, ancestors in above.items():
        people = [(role, uid) for p in ancestors for role, uid in by_node.get(p, [])]
        officials = [uid for role, uid in people if role == Role.TOWNSHIP_OFFICIAL]
        out[path] = officials or [uid for role, uid in people if role == Role.COUNTY_ADMIN]
    return out


def _tell(flag_ids: Sequence[int]) -> None:
    flags = list(
        PledgeFlag.objects.filter(pk__in=flag_ids).select_related("pledge__enterprise", "pledge__node", "hazard")
    )
    people = township_officials({flag.pledge.node.path for flag in flags})
    for flag in flags:
        enterprise = flag.pledge.enterprise
        notify_users(
            reason=FLAG_REASON,
            target=flag,
            users=people.get(flag.pledge.node.path, []),
            title=_("承诺不实线索：%(name)s") % {"name": enterprise.name},
            body=_("%(name)s %(day)s的承诺公告与隐患记录不符：%(rule)s（隐患%(number)s）。请核实。")
            % {
                "name": enterprise.name,
                "day": flag.pledge.date.isoformat(),
                "rule": flag.get_rule_display(),
                "number": flag.hazard.number,
            },
            url=reverse("accountability:daily_flag", args=[flag.pk]),
            node=flag.pledge.node,
        )


def _raise(pairs: list[tuple[DailyPledge, str, int]]) -> list[PledgeFlag]:
    """Create the flags not raised before (one query to find those that exist); tell after commit."""
    if not pairs:
        return []
    existing = set(
        PledgeFlag.objects.filter(pledge_id__in={p.pk for p, _r, _h in pairs}).values_list(
            "pledge_id", "rule", "hazard_id"
        )
    )
    created: list[PledgeFlag] = []
    with transaction.atomic():
        for pledge, rule, hazard_id in pairs:
            if (pledge.pk, rule, hazard_id) in existing:
                continue
            with transaction.atomic():  # a concurrent raise of the same flag: get_or_create finds it
                flag, new = PledgeFlag.objects.get_or_create(pledge=pledge, rule=rule, hazard_id=hazard_id)
            existing.add((pledge.pk, rule, hazard_id))
            if new:
                log_action(flag, "accountability.daily.flag_raised", data={"rule": rule, "hazard": hazard_id})
                created.append(flag)
        if created:
            ids = [flag.pk for flag in created]
            transaction.on_commit(lambda: _tell(ids))
    return created


def flags_raise(pledges: Sequence[DailyPledge]) -> list[PledgeFlag]:
    """Check these pledges against their enterprises' hazards: one query for the hazards."""
    if not pledges:
        return []
    days = [p.date for p in pledges]
    since, until = day_bounds(min(days))[0], day_bounds(max(days))[1]
    facts: dict[int, list[HazardFact]] = defaultdict(list)
    for fact in hazard_facts(since=since, until=until, enterprise_ids={p.enterprise_id for p in pledges}):
        facts[fact.enterprise_id].append(fact)
    pairs = [(p, rule, hazard) for p in pledges for rule, hazard in contradictions(p, facts[p.enterprise_id])]
    return _raise(pairs)


def flags_raise_for_hazard(*, hazard_id: int, enterprise_id: int) -> list[PledgeFlag]:
    """A hazard was just registered: check the enterprise's pledge of the hazard's day."""
    long_ago = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    facts = hazard_facts(since=long_ago, until=timezone.now() + datetime.timedelta(days=1), hazard_ids=[hazard_id])
    if not facts:
        return []
    fact = facts[0]
    day = timezone.localdate(fact.registered_at)
    pledge = DailyPledge.objects.filter(enterprise_id=fact.enterprise_id, date=day).first()
    if pledge is None:
        return []
    return _raise([(pledge, rule, hazard) for rule, hazard in contradictions(pledge, facts)])


def hazard_registered(sender: Any, hazard_id: int, enterprise_id: int, **kwargs: Any) -> None:
    """Receiver of core.signals.hazard_registered (sent after the hazard's transaction commits). The
    hazard is saved whatever happens here: a failure is logged and left to the scan, never shown to
    the official who registered it."""
    try:
        flags_raise_for_hazard(hazard_id=hazard_id, enterprise_id=enterprise_id)
    except Exception:
        logger.exception("承诺不实 check of hazard %s failed; the daily scan will retry", hazard_id)


def flags_scan(*, today: datetime.date | None = None) -> int:
    """The safety net: the pledges of the last SCAN_DAYS days against the hazards; returns new flags."""
    today = today or timezone.localdate()
    pledges = list(
        DailyPledge.objects.filter(date__gt=today - datetime.timedelta(days=SCAN_DAYS), date__lte=today)
        .filter(
            Q(hot_work_special=0, hot_work_1=0, hot_work_2=0) | Q(confined_space=0) | Q(major_sources_controlled=True)
        )
        .order_by("pk")
    )
    created = 0
    for start in range(0, len(pledges), 500):
        created += len(flags_raise(pledges[start : start + 500]))
    return created
