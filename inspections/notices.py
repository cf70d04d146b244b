"""Immediate notices of lifecycle steps (DOMAIN §7): the other side hears of a step at once,
not only from the daily scan.

Every HazardEvent passes through `after_commit()` (called by services._event); the table below
decides who hears of it. The notice goes out after the step's transaction commits, through
safetyops.notify.services.notify_users (inbox, e-mail, SMS if chosen, the area's group robots).
Its target is the event itself, so each step is told exactly once: a retried post (same
idempotency key) records no new event, and notify_users sends a (reason, event, user) only once.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import Hazard, HazardEvent
from inspections.reminders import enterprise_users, office_of

logger = logging.getLogger(__name__)

Action = HazardEvent.Action
ENTERPRISE, OFFICIALS = "enterprise", "officials"


@dataclass(frozen=True)
class Notice:
    reason: str
    label: object  # lazy Chinese label, for the inbox, the preferences and the robot form
    audience: str  # ENTERPRISE: the enterprise's users; OFFICIALS: the township's officials


NOTICES: dict[str, Notice] = {
    Action.REGISTERED: Notice("hazard_registered", gettext_lazy("新登记隐患（告知企业）"), ENTERPRISE),
    Action.PLAN_RETURNED: Notice("plan_returned", gettext_lazy("整改方案被退回（告知企业）"), ENTERPRISE),
    Action.VERIFICATION_REJECTED: Notice("verification_rejected", gettext_lazy("验收不通过（告知企业）"), ENTERPRISE),
    Action.EXTENSION_APPROVED: Notice("extension_decided", gettext_lazy("延期申请审批结果（告知企业）"), ENTERPRISE),
    Action.EXTENSION_REFUSED: Notice("extension_decided", gettext_lazy("延期申请审批结果（告知企业）"), ENTERPRISE),
    Action.PLAN_SUBMITTED: Notice("plan_submitted", gettext_lazy("重大隐患治理方案待审批（新提交）"), OFFICIALS),
    Action.COMPLETION_REPORTED: Notice("completion_reported", gettext_lazy("企业报告整改完成，待验收"), OFFICIALS),
    Action.EXTENSION_REQUESTED: Notice("extension_requested", gettext_lazy("企业申请延期，待审批"), OFFICIALS),
}


def register_reasons() -> None:
    """Name the reasons for the inbox, the channel preferences and the group robots' choice."""
    from safetyops.notify.rules import register_reason

    for notice in NOTICES.values():
        register_reason(notice.reason, str(notice.label))


def _wanted(event: HazardEvent) -> Notice | None:
    notice = NOTICES.get(event.action)
    if notice is None:
        return None
    if event.action == Action.REGISTERED and event.hazard.source != Hazard.Source.INSPECTION:
        return None  # the enterprise registered it itself (自查)
    if event.action == Action.PLAN_SUBMITTED and event.to_status != Hazard.Status.PLAN_PENDING:
        return None  # a 一般 plan takes effect at once: nothing for the office to approve
    return notice


def after_commit(event: HazardEvent) -> None:
    """Schedule the notice of this step, if it has one, for after the commit."""
    if _wanted(event) is not None:
        transaction.on_commit(functools.partial(_send_safely, event.pk))


def _send_safely(event_id: int) -> None:
    # The step is committed; a failing notice must not turn it into an error page.
    try:
        send_notice(event_id=event_id)
    except Exception:
        logger.exception("notice of hazard event %s failed", event_id)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _text(event: HazardEvent) -> tuple[str, str]:
    hazard = event.hazard
    facts = {
        "enterprise": hazard.enterprise.name,
        "level": hazard.get_level_display(),
        "number": hazard.number,
        "what": _short(hazard.description),
        "deadline": hazard.deadline.isoformat(),
        "comment": _short(event.comment, 200) or _("（无）"),
    }
    what = _("%(enterprise)s的%(level)s %(number)s（%(what)s）") % facts
    action = event.action
    if action == Action.REGISTERED:
        if hazard.fixed_on_spot:
            return _("检查发现隐患，已当场整改销号：%(number)s") % facts, what + _("已在检查中当场整改并销号。")
        return (
            _("检查发现隐患，请报送整改方案：%(number)s") % facts,
            what + _("已登记，整改期限 %(deadline)s。请及时提交五落实整改方案并按期整改。") % facts,
        )
    if action == Action.PLAN_RETURNED:
        return (
            _("整改方案被退回：%(number)s") % facts,
            what + _("的整改方案被退回，意见：%(comment)s。请按意见修改后重新提交。") % facts,
        )
    if action == Action.VERIFICATION_REJECTED:
        return (
            _("验收不通过，请继续整改：%(number)s") % facts,
            what + _("验收不通过，理由：%(comment)s。整改期限 %(deadline)s，请继续整改后再次报告。") % facts,
        )
    if action == Action.EXTENSION_APPROVED:
        return (
            _("延期申请已同意：%(number)s") % facts,
            what + _("的延期申请已同意，整改期限延至 %(deadline)s。") % facts,
        )
    if action == Action.EXTENSION_REFUSED:
        return (
            _("延期申请未获同意：%(number)s") % facts,
            what + _("的延期申请未获同意，理由：%(comment)s。请按原期限 %(deadline)s 完成整改。") % facts,
        )
    if action == Action.PLAN_SUBMITTED:
        return (
            _("重大隐患治理方案待审批：%(number)s") % facts,
            what + _("的治理方案已提交，请及时审批。"),
        )
    if action == Action.COMPLETION_REPORTED:
        return (
            _("企业报告整改完成，待验收：%(number)s") % facts,
            what + _("已报告整改完成，请组织验收销号。"),
        )
    return (
        _("延期申请待审批：%(number)s") % facts,
        what
        + _("申请将整改期限由 %(deadline)s 延至 %(requested)s，理由：%(comment)s。请及时审批。")
        % {**facts, "requested": event.data.get("requested_deadline", "")},
    )


def send_notice(*, event_id: int) -> list[int]:
    """Tell the other side of one lifecycle step; returns the reminders created (none if sent before)."""
    from safetyops.notify.services import notify_users

    event = HazardEvent.objects.select_related("hazard__enterprise", "hazard__node").filter(pk=event_id).first()
    if event is None:
        return []
    notice = _wanted(event)
    if notice is None:
        return []
    hazard = event.hazard
    if notice.audience == ENTERPRISE:
        users = enterprise_users(hazard.enterprise_id)
    else:
        users = list(office_of(hazard.node_id).officials)
    users = [user for user in users if user != event.actor_id]
    if not users:
        return []
    title, body = _text(event)
    return notify_users(
        reason=notice.reason,
        target=event,
        users=users,
        title=title,
        body=body,
        url=reverse("inspections:hazard_detail", args=[hazard.pk]),
        node=hazard.node,
    )
