"""Reads of the accident registry: the filtered list (one query per page), the clocks of one
accident (第九条, 第十一条, 第十三条, 第三十二条) and its timeline from the audit log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.accidents import levels
from accountability.models import Accident
from accountability.scope import accidents_visible_to
from safetyops.core.audit import action_label, audit_events_for

CRITERIA = {"deaths": "死亡人数", "serious_injuries": "重伤人数", "direct_loss": "直接经济损失"}


def accident_list(user: Any, *, filters: dict[str, Any] | None = None) -> QuerySet[Accident]:
    filters = filters or {}
    qs = accidents_visible_to(user)
    if year := filters.get("year"):
        start = timezone.make_aware(datetime.datetime(year, 1, 1))
        qs = qs.filter(occurred_at__gte=start, occurred_at__lt=timezone.make_aware(datetime.datetime(year + 1, 1, 1)))
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if category := filters.get("category"):
        qs = qs.filter(category=category)
    if node := filters.get("node"):
        qs = qs.filter(node__path__startswith=node.path)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    return qs.order_by("-occurred_at", "-pk")


def level_text(accident: Accident) -> str:
    """ "较大事故（按直接经济损失）": the level and the criteria that decided it (第三条)."""
    criteria = levels.deciding_criteria(
        deaths=accident.deaths, serious_injuries=accident.serious_injuries, direct_loss=accident.direct_loss
    )
    level = str(accident.get_level_display())
    if not criteria:
        return level
    return _("%(level)s（按%(by)s）") % {"level": level, "by": "、".join(_(CRITERIA[c]) for c in criteria)}


@dataclass
class Clocks:
    minutes_to_report: int
    late: bool
    forward_by: datetime.datetime
    forward_late: bool  # forwarded after the 2 hours, or not yet and past them
    window_end: datetime.datetime
    window_days: int
    days_left: int  # whole days left in the revision window (negative: closed)
    window_open: bool
    reply_overdue: bool
    forward_to: str
    investigated_by: str
    extra: dict[str, Any] = field(default_factory=dict)


def clocks(accident: Accident, *, now: datetime.datetime | None = None) -> Clocks:
    now = now or timezone.now()
    forward_by = levels.forward_deadline(accident.reported_at)
    if accident.forwarded_at is not None:
        forward_late = levels.is_late_forward(accident.reported_at, accident.forwarded_at)
    else:
        forward_late = now > forward_by
    end = levels.revision_window_end(accident.occurred_at, accident.category)
    left = end - now
    return Clocks(
        minutes_to_report=int((accident.reported_at - accident.occurred_at).total_seconds() // 60),
        late=levels.is_late_report(accident.occurred_at, accident.reported_at),
        forward_by=forward_by,
        forward_late=forward_late,
        window_end=end,
        window_days=levels.revision_days(accident.category),
        days_left=left.days,
        window_open=now <= end,
        reply_overdue=bool(
            accident.reply_due_on and accident.replied_on is None and timezone.localdate(now) > accident.reply_due_on
        ),
        forward_to=str(levels.FORWARD_TO[accident.level]),  # type: ignore[index]
        investigated_by=str(levels.INVESTIGATED_BY[accident.level]),  # type: ignore[index]
    )


@dataclass(frozen=True)
class TimelineEntry:
    action: str
    label: str
    created_at: datetime.datetime
    actor: Any = None
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


FIGURE_LABELS = {
    "deaths": "死亡",
    "serious_injuries": "重伤",
    "minor_injuries": "轻伤",
    "missing": "下落不明",
    "direct_loss": "直接经济损失（万元）",
}


def _note(action: str, data: dict[str, Any]) -> str:
    if action.endswith(".revised"):
        changes = [
            f"{_(FIGURE_LABELS[k])} {data['before'].get(k)} → {data['after'].get(k)}"
            for k in FIGURE_LABELS
            if str(data.get("before", {}).get(k)) != str(data.get("after", {}).get(k))
        ]
        text = "；".join(changes)
        if data.get("level_before") != data.get("level_after"):
            from accountability.models import AccidentLevel

            text += _("；等级 %(a)s → %(b)s") % {
                "a": AccidentLevel(data["level_before"]).label,
                "b": AccidentLevel(data["level_after"]).label,
            }
        if not data.get("within_window", True):
            text += _("（超过补报期限，原因：%(r)s）") % {"r": data.get("reason", "")}
        return text
    for key in ("reason", "finding", "note", "reference", "forwarded_to", "number"):
        if data.get(key):
            return str(data[key])
    return ""


def timeline(accident: Accident) -> list[TimelineEntry]:
    """The accident's audit trail, newest first: each step with who, when and what it said."""
    events = audit_events_for(accident).select_related("actor").order_by("-created_at", "-pk")
    return [
        TimelineEntry(
            action=event.action.rsplit(".", 1)[-1],
            label=action_label(event.action),
            created_at=event.created_at,
            actor=event.actor,
            note=_note(event.action, event.data or {}),
            data=event.data or {},
        )
        for event in events
    ]
