"""A hazard's timeline: its lifecycle steps (HazardEvent) and its escalations from the audit trail.

The reminder scan writes 提醒 (the notice before the deadline, when it is sent), 催办 and 督办 (when
the hazard's mark climbs) to the audit trail, once per step; 挂牌督办 is a lifecycle step and so a
HazardEvent. The timeline reads only the escalation actions from the audit trail, so a lifecycle
step that is also audited appears once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import Hazard, HazardEvent
from safetyops.core.audit import action_label, audit_events_for

REMINDED = "inspections.hazard.reminded"
URGED = "inspections.hazard.urged"
SUPERVISED = "inspections.hazard.supervised"
ESCALATION_ACTIONS = (REMINDED, URGED, SUPERVISED)
# A 约谈 or 督办 about the hazard (written on the hazard by accountability through inspections/ports.py
# hazard_log; data: kind "summons" | "supervision", summons_id, unit, issuer, held_on, and
# enterprise_id when the summoned unit is an enterprise).
SUMMONS_PLANNED = "accountability.summons.planned"
SUMMONS_HELD = "accountability.summons.held"
SUMMONS_ACTIONS = (SUMMONS_PLANNED, SUMMONS_HELD)

ACTION_LABELS = {
    REMINDED: gettext_lazy("提醒"),
    URGED: gettext_lazy("催办"),
    SUPERVISED: gettext_lazy("督办"),
    "inspections.hazard.escalation_lowered": gettext_lazy("督办降为催办"),
    "inspections.hazard.escalation_cleared": gettext_lazy("解除催办督办"),
    "inspections.hazard.congress_reported": gettext_lazy("向职工大会（职代会）报告重大隐患"),
    "inspections.statistics.signed": gettext_lazy("签署报送隐患排查治理统计"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline, whichever record it comes from."""

    action: str  # a short slug, for the style of the dot
    label: str
    created_at: datetime
    actor: Any = None  # None: the system (the reminder scan)
    comment: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    attachments: Sequence[Any] = ()
    note: str = ""
    link: str = ""
    link_text: str = ""


def _from_event(event: HazardEvent) -> TimelineEntry:
    return TimelineEntry(
        action=event.action,
        label=str(event.get_action_display()),
        created_at=event.created_at,
        actor=event.actor,
        comment=event.comment,
        data=event.data or {},
        attachments=list(event.attachments.all()),
    )


def _escalation_note(action: str, data: Mapping[str, Any]) -> str:
    if action == REMINDED:
        return _("整改期限 %(deadline)s，提前 %(days)s 天提醒企业") % {
            "deadline": data.get("deadline", ""),
            "days": data.get("days_before", ""),
        }
    if "days_overdue" in data:
        return _("已逾期 %(days)s 天") % {"days": data["days_overdue"]}
    return ""


def _summons_entry(audit: Any) -> TimelineEntry:
    data = audit.data or {}
    word = _("督办") if data.get("kind") == "supervision" else _("约谈")
    planned = audit.action == SUMMONS_PLANNED
    facts = {
        "issuer": data.get("issuer", ""),
        "unit": data.get("unit", ""),
        "date": data.get("held_on", ""),
        "word": word,
    }
    note = (
        _("%(issuer)s拟于 %(date)s %(word)s%(unit)s") if planned else _("%(issuer)s于 %(date)s %(word)s%(unit)s")
    ) % facts
    link = ""
    if data.get("summons_id"):
        try:
            link = reverse("accountability:summons_detail", args=[data["summons_id"]])
        except NoReverseMatch:  # pragma: no cover - the accountability app is always installed
            link = ""
    return TimelineEntry(
        action="summons",
        label=str(_("拟%(word)s") % {"word": word}) if planned else str(word),
        created_at=audit.created_at,
        actor=audit.actor,
        note=note,
        link=link,
        link_text=str(_("查看%(word)s记录") % {"word": word}),
    )


def hazard_timeline(hazard: Hazard, *, enterprise_viewer: int | None = None) -> list[TimelineEntry]:
    """The hazard's steps and escalations in time order (its events may be prefetched). For an
    enterprise's user (`enterprise_viewer`: their enterprise) a 约谈/督办 shows only when it summoned
    that enterprise: that its township or a department was summoned about it is not theirs to read."""
    entries = [_from_event(event) for event in hazard.events.all()]
    audits = audit_events_for(hazard).filter(action__in=(*ESCALATION_ACTIONS, *SUMMONS_ACTIONS))
    for audit in audits.order_by("created_at", "pk"):
        if audit.action in SUMMONS_ACTIONS:
            if enterprise_viewer is None or (audit.data or {}).get("enterprise_id") == enterprise_viewer:
                entries.append(_summons_entry(audit))
            continue
        entries.append(
            TimelineEntry(
                action=audit.action.rsplit(".", 1)[-1],
                label=action_label(audit.action),
                created_at=audit.created_at,
                actor=audit.actor,
                note=_escalation_note(audit.action, audit.data),
            )
        )
    entries.sort(key=lambda entry: entry.created_at)  # stable: each source is already in order
    return entries
