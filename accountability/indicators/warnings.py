"""Warnings at 80% and 100% of a control indicator (DOMAIN §6, §7): told at once, exactly once.

When an accident is registered or revised (accountability.accidents.signals.accident_changed) or a
limit is set, a task recomputes the usage of the accident's node and of every node above it. Each
indicator at or past WARNING_AT (80%) or REACHED_AT (100%) is told to the node's officials and
leaders and to the county admins, once per (node, year, indicator, threshold): the reminder is
claimed with the threshold as its reason, "<node>:<key>" as its target and 1 January of the year
as its day, so the unique reminder row makes the second claim a no-op whoever makes it. A node
already told 100% is not told 80% afterwards (a revision that lowers the use, then raises it).

A daily rule (IndicatorScanRule) does the same for every node with a limit this year, catching a
warning whose task was lost; it claims the same rows, so nothing is told twice.
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

from accountability.indicators import usage
from accountability.models import Accident, IndicatorLimit, Letter, LetterTemplate
from safetyops.notify.models import Reminder
from safetyops.notify.rules import Due, Rule, register, register_reason
from safetyops.notify.services import reminders_claim
from safetyops.orgs.models import Membership, Node, Role
from safetyops.orgs.scope import path_and_above
from safetyops.orgs.units import ORGANISING_ROLES

WARNING_REASON = "indicator_warning"
REACHED_REASON = "indicator_reached"
SCAN_REASON = "indicator_scan"
REASONS = {
    WARNING_REASON: gettext_lazy("控制指标使用达到80%（告知本级领导、工作人员和县级管理员，一次）"),
    REACHED_REASON: gettext_lazy("控制指标使用达到或突破100%（告知本级领导、工作人员和县级管理员，一次）"),
}
BY_THRESHOLD = {usage.WARNING_AT: WARNING_REASON, usage.REACHED_AT: REACHED_REASON}


def register_reasons() -> None:
    for reason, label in REASONS.items():
        register_reason(reason, str(label))


def _target(node_id: int, key: str) -> str:
    return f"{node_id}:{key}"


def year_day(year: int) -> datetime.date:
    """The day every warning of `year` is claimed on: one row per person for the whole year."""
    return datetime.date(year, 1, 1)


def text_of(node_name: str, item: usage.Usage) -> tuple[str, str]:
    """(title, body): "东城镇工矿商贸生产安全事故死亡人数已达全年控制指标的80%（4/5人）"."""
    facts = {
        "node": node_name,
        "label": item.label,
        "used": item.used,
        "limit": item.limit,
        "unit": item.unit,
        "pct": item.percent_shown,
    }
    if item.state == "exceeded":
        body = _("%(node)s%(label)s已突破全年控制指标（%(used)s/%(limit)s%(unit)s）") % facts
        title = _("控制指标已突破：%(node)s%(label)s") % facts
    elif item.state == "reached":
        body = _("%(node)s%(label)s已达全年控制指标的100%%（%(used)s/%(limit)s%(unit)s）") % facts
        title = _("控制指标已用完：%(node)s%(label)s") % facts
    else:
        body = _("%(node)s%(label)s已达全年控制指标的%(pct)s（%(used)s/%(limit)s%(unit)s）") % facts
        title = _("控制指标预警：%(node)s%(label)s") % facts
    return title, body


def recipients(nodes: Iterable[Node]) -> dict[int, list[int]]:
    """node id → the user ids told of its indicators: its officials and leaders, and the admins of
    its county (the county node on its path). One query."""
    nodes = list(nodes)
    ancestors: set[str] = set()
    for node in nodes:
        ancestors.update(path_and_above(node.path))
    rows = (
        Membership.objects.filter(user__is_active=True)
        .filter(
            Q(role__in=(*ORGANISING_ROLES, Role.LEADER), node_id__in=[node.pk for node in nodes])
            | Q(role=Role.COUNTY_ADMIN, node__path__in=ancestors)
        )
        .values_list("user_id", "role", "node_id", "node__path")
        .order_by("user_id")
    )
    own: dict[int, list[int]] = defaultdict(list)
    admins: dict[str, list[int]] = defaultdict(list)
    for user_id, role, node_id, path in rows:
        own[node_id].append(user_id)
        if role == Role.COUNTY_ADMIN:
            admins[path].append(user_id)
    result: dict[int, list[int]] = {}
    for node in nodes:
        people = list(own.get(node.pk, []))
        for path in path_and_above(node.path):
            people += admins.get(path, [])
        result[node.pk] = list(dict.fromkeys(people))
    return result


def check(nodes: Iterable[Node], year: int) -> int:
    """Tell every threshold reached by `nodes`' indicators of `year` not told before; returns the
    reminders claimed. A few queries whatever the number of nodes."""
    nodes = list(nodes)
    if not nodes:
        return 0
    found = usage.usage_for(nodes, year)
    node_type = ContentType.objects.get_for_model(Node)
    due: dict[int, list[tuple[Node, usage.Usage]]] = defaultdict(list)
    for node in nodes:
        for item in found.get(node.pk, []):
            if item.threshold:
                due[item.threshold].append((node, item))
    if not due:
        return 0
    people = recipients({node for pairs in due.values() for node, _item in pairs})
    reached_before = set(
        Reminder.objects.filter(
            reason=REACHED_REASON,
            target_type=node_type,
            day=year_day(year),
            target_id__in=[_target(node.pk, item.key) for node, item in due.get(usage.WARNING_AT, [])],
        ).values_list("target_id", flat=True)
    )
    url = reverse("accountability:indicators") + f"?year={year}"
    claimed = 0
    for threshold, pairs in sorted(due.items()):
        dues = []
        for node, item in pairs:
            target = _target(node.pk, item.key)
            if threshold == usage.WARNING_AT and target in reached_before:
                continue
            title, body = text_of(node.name, item)
            dues.append(
                Due.of(
                    (node_type, target),
                    recipients=people.get(node.pk, []),
                    title=title,
                    body=body,
                    url=url,
                    node_id=node.pk,
                )
            )
        claimed += len(
            reminders_claim([d for d in dues if d.recipients], reason=BY_THRESHOLD[threshold], day=year_day(year))
        )
    return claimed


def nodes_up_from(node: Node) -> list[Node]:
    """The node and every node above it (one query)."""
    return list(Node.objects.filter(path__in=path_and_above(node.path)).order_by("path"))


def check_accident(accident_id: int) -> int:
    """After an accident changed: its node's and every node above it's indicators of its year."""
    accident = Accident.objects.filter(pk=accident_id).select_related("node").first()
    if accident is None:
        return 0
    year = timezone.localtime(accident.occurred_at).year
    return check(nodes_up_from(accident.node), year)


def check_node(node_id: int, year: int) -> int:
    node = Node.objects.filter(pk=node_id).first()
    return 0 if node is None else check([node], year)


def schedule_check(node_id: int, year: int) -> None:
    from accountability.indicators.tasks import indicator_warnings_for_node

    indicator_warnings_for_node.delay(node_id, year)


def accident_changed(sender: Any, accident_id: int, **kwargs: Any) -> None:
    """accident_changed is sent after the change commits: hand the accident's id to a task."""
    from accountability.indicators.tasks import indicator_warnings_for_accident

    indicator_warnings_for_accident.delay(accident_id)


def nodes_with_limits(year: int) -> list[Node]:
    """Every node whose year has a limit (a letter's control item, or one set by the county admin)."""
    letters = Letter.objects.filter(
        node_id__isnull=False,
        template__year=year,
        template__kind=LetterTemplate.Kind.RESPONSIBILITY,
        status__in=(Letter.Status.ISSUED, Letter.Status.SIGNED, Letter.Status.ASSESSED),
    ).values("node_id")
    return list(
        Node.objects.filter(Q(pk__in=letters) | Q(pk__in=IndicatorLimit.objects.filter(year=year).values("node_id")))
        .order_by("path")
        .distinct()
    )


class IndicatorScanRule(Rule):
    """Daily: every node with a limit this year is checked again (what the at-once task missed)."""

    reason = SCAN_REASON
    label = str(gettext_lazy("控制指标预警（每日补查，与即时预警不重复）"))
    BATCH = 500

    def prepare(self, today: datetime.date) -> None:
        nodes = nodes_with_limits(today.year)
        for start in range(0, len(nodes), self.BATCH):
            check(nodes[start : start + self.BATCH], today.year)

    def due(self, today: datetime.date) -> Iterator[Due]:
        return iter(())  # prepare() claims on the year's day, never on today's


def register_rules() -> None:
    register_reasons()
    register(IndicatorScanRule())
