"""Who hears of accidents, and when (DOMAIN §7).

At once, after registration commits (once per reason, accident and person: reminders_claim keyed
on the day of registration): a 迟报 accident (第九条) to the county admins of the accident's county
and to the officials of its township; any 较大-or-worse accident (第三条) to the county admins
(also when a revision re-grades it up).

Daily, by the rules registered here: the casualty-revision window (第十三条) closing tomorrow, to
the officials of the registering node; 四不放过 items open past their due date, to the county
admins every day while open; the government's reply (第三十二条) overdue, to the county admins
every day until recorded.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.accidents import levels
from accountability.models import Accident, AccidentFollowUp, AccidentLevel
from safetyops.notify.rules import Due, Rule, register, register_reason
from safetyops.notify.services import reminders_claim
from safetyops.orgs.models import Membership, Node, Role
from safetyops.orgs.scope import path_and_above
from safetyops.orgs.units import ORGANISING_ROLES

Status = Accident.Status
OPEN = (Status.REGISTERED, Status.INVESTIGATING, Status.REPLIED)

REASONS = {
    "accident_late": gettext_lazy("迟报事故（告知县级和乡镇）"),
    "accident_serious": gettext_lazy("较大及以上事故（告知县级）"),
}
DAILY_REASONS = {
    "accident_revision_window": gettext_lazy("事故伤亡补报期限将到（告知登记单位）"),
    "accident_follow_up_overdue": gettext_lazy("四不放过事项逾期未落实（告知县级）"),
    "accident_reply_overdue": gettext_lazy("事故调查报告批复逾期（告知县级）"),
}


def accident_url(accident_id: int) -> str:
    return reverse("accountability:accident_detail", args=[accident_id])


def county_admins(node_paths: Iterable[str]) -> dict[str, list[int]]:
    """For each node path, the active county admins of that node or any node above it."""
    paths = set(node_paths)
    above = {path: path_and_above(path) for path in paths}
    wanted = {p for ps in above.values() for p in ps}
    rows = (
        Membership.objects.filter(user__is_active=True, role=Role.COUNTY_ADMIN, node__path__in=wanted)
        .order_by("user_id")
        .values_list("node__path", "user_id")
    )
    by_path: dict[str, list[int]] = defaultdict(list)
    for path, user_id in rows:
        by_path[path].append(user_id)
    return {path: list(dict.fromkeys(u for p in above[path] for u in by_path.get(p, []))) for path in paths}


def township_officials(node: Node) -> list[int]:
    """The officials (township officials) of the accident's node and of the nodes above it below the county."""
    return list(
        Membership.objects.filter(
            user__is_active=True, role=Role.TOWNSHIP_OFFICIAL, node__path__in=path_and_above(node.path)
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def _facts(accident: Accident) -> dict[str, object]:
    return {
        "number": accident.number,
        "title": accident.title,
        "node": accident.node.name,
        "level": accident.get_level_display(),
        "deaths": accident.deaths,
        "injuries": accident.serious_injuries,
        "occurred": timezone.localtime(accident.occurred_at).strftime("%Y-%m-%d %H:%M"),
        "minutes": int((accident.reported_at - accident.occurred_at).total_seconds() // 60),
    }


def _day(accident: Accident) -> datetime.date:
    return timezone.localdate(accident.registered_at or timezone.now())


def tell_accident_registered(accident_id: int) -> int:
    accident = Accident.objects.filter(pk=accident_id).select_related("node").first()
    if accident is None or accident.status == Status.DRAFT:
        return 0
    told = 0
    facts = _facts(accident)
    if accident.reported_late:
        users = list(
            dict.fromkeys(
                [*county_admins([accident.node.path])[accident.node.path], *township_officials(accident.node)]
            )
        )
        due = Due.of(
            accident,
            recipients=users,
            title=_("迟报事故：%(title)s") % facts,
            body=_(
                "%(node)s%(occurred)s发生的%(title)s（%(number)s）在事故发生%(minutes)s分钟后才报告，"
                "超过第九条规定的1小时，属迟报。"
            )
            % facts,
            url=accident_url(accident.pk),
            node_id=accident.node_id,
        )
        told += len(reminders_claim([due] if users else [], reason="accident_late", day=_day(accident)))
    return told + tell_accident_serious(accident_id)


def tell_accident_serious(accident_id: int) -> int:
    accident = Accident.objects.filter(pk=accident_id).select_related("node").first()
    if accident is None or accident.status == Status.DRAFT:
        return 0
    if not levels.at_least(accident.level, AccidentLevel.LARGER):
        return 0
    users = county_admins([accident.node.path])[accident.node.path]
    facts = _facts(accident)
    due = Due.of(
        accident,
        recipients=users,
        title=_("%(level)s：%(title)s") % facts,
        body=_("%(node)s%(occurred)s发生%(title)s（%(number)s），死亡%(deaths)s人、重伤%(injuries)s人，定为%(level)s。")
        % facts,
        url=accident_url(accident.pk),
        node_id=accident.node_id,
    )
    # Once per accident and person, even when a later revision re-grades it again.
    return len(reminders_claim([due] if users else [], reason="accident_serious", day=_day(accident)))


def _officials_of(node_ids: Iterable[int]) -> dict[int, list[int]]:
    officials: dict[int, list[int]] = defaultdict(list)
    for node_id, user_id in (
        Membership.objects.filter(user__is_active=True, role__in=ORGANISING_ROLES, node_id__in=set(node_ids))
        .order_by("user_id")
        .values_list("node_id", "user_id")
    ):
        officials[node_id].append(user_id)
    return officials


class AccidentRevisionWindowRule(Rule):
    """第十三条's window ends tomorrow: the registering node's officials hear, once (the day before)."""

    reason = "accident_revision_window"
    label = str(DAILY_REASONS["accident_revision_window"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        since = timezone.now() - datetime.timedelta(days=levels.REVISION_DAYS_DEFAULT + 2)
        rows = list(
            Accident.objects.filter(status__in=OPEN, occurred_at__gte=since)
            .select_related("node", "registered_by__membership")
            .order_by("pk")
        )
        closing = [
            a
            for a in rows
            if timezone.localdate(levels.revision_window_end(a.occurred_at, a.category))
            == today + datetime.timedelta(days=1)
        ]

        def node_of(a: Accident) -> int:
            membership = getattr(a.registered_by, "membership", None) if a.registered_by else None
            return membership.node_id if membership is not None and membership.node_id else a.node_id

        officials = _officials_of(node_of(a) for a in closing)
        accident_type = ContentType.objects.get_for_model(Accident)
        for accident in closing:
            end = timezone.localtime(levels.revision_window_end(accident.occurred_at, accident.category))
            facts = {
                **_facts(accident),
                "end": end.strftime("%Y-%m-%d %H:%M"),
                "days": levels.revision_days(accident.category),
            }
            yield Due.of(
                (accident_type, accident.pk),
                recipients=officials.get(node_of(accident), []),
                title=_("事故伤亡补报期限将到：%(title)s") % facts,
                body=_(
                    "%(title)s（%(number)s）第十三条规定的%(days)s日补报期限将于%(end)s届满，"
                    "伤亡人数如有变化请及时补报。"
                )
                % facts,
                url=accident_url(accident.pk),
                node_id=accident.node_id,
            )


class AccidentFollowUpOverdueRule(Rule):
    """A 四不放过 item open past its due date: the county admins hear every day while it is open."""

    reason = "accident_follow_up_overdue"
    label = str(DAILY_REASONS["accident_follow_up_overdue"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        items = list(
            AccidentFollowUp.objects.filter(done_at__isnull=True, due_on__lt=today, accident__status__in=OPEN)
            .select_related("accident__node")
            .order_by("pk")
        )
        admins = county_admins({item.accident.node.path for item in items})
        follow_up_type = ContentType.objects.get_for_model(AccidentFollowUp)
        for item in items:
            facts = {
                **_facts(item.accident),
                "item": item.get_item_display(),
                "due": item.due_on,
                "days": (today - item.due_on).days if item.due_on else 0,
            }
            yield Due.of(
                (follow_up_type, item.pk),
                recipients=admins.get(item.accident.node.path, []),
                title=_("四不放过事项逾期：%(title)s") % facts,
                body=_("%(title)s（%(number)s）的“%(item)s”期限为%(due)s，已逾期%(days)s天尚未落实。") % facts,
                url=accident_url(item.accident_id),
                node_id=item.accident.node_id,
            )


class AccidentReplyOverdueRule(Rule):
    """第三十二条: the reply is past due (15 days, 30 for 特别重大): the county admins, every day."""

    reason = "accident_reply_overdue"
    label = str(DAILY_REASONS["accident_reply_overdue"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        rows = list(
            Accident.objects.filter(status=Status.INVESTIGATING, replied_on__isnull=True, reply_due_on__lt=today)
            .select_related("node")
            .order_by("pk")
        )
        admins = county_admins({a.node.path for a in rows})
        accident_type = ContentType.objects.get_for_model(Accident)
        for accident in rows:
            facts = {**_facts(accident), "due": accident.reply_due_on, "days": (today - accident.reply_due_on).days}  # type: ignore[operator]
            yield Due.of(
                (accident_type, accident.pk),
                recipients=admins.get(accident.node.path, []),
                title=_("事故调查报告批复逾期：%(title)s") % facts,
                body=_("%(title)s（%(number)s）的调查报告应于%(due)s前批复（第三十二条），已逾期%(days)s天。") % facts,
                url=accident_url(accident.pk),
                node_id=accident.node_id,
            )


def register_rules() -> None:
    for reason, label in {**REASONS, **DAILY_REASONS}.items():
        register_reason(reason, str(label))
    register(AccidentRevisionWindowRule())
    register(AccidentFollowUpOverdueRule())
    register(AccidentReplyOverdueRule())
