"""Write and read the one audit trail. Each app registers the labels of its actions in ready().

`log_action` is the one writer (`log_actions` its bulk form for scans); core names no app's
actions: an action is "<app label>.<thing>.<done>" and its app says how it reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from safetyops.core.models import AuditEvent

_LABELS: dict[str, Any] = {}  # action -> its label (lazy translation), filled by the apps' ready()


def register_action_labels(labels: Mapping[str, Any]) -> None:
    """Let an app say how its actions read in timelines and in the admin (call from ready())."""
    for action, label in labels.items():
        known = _LABELS.get(action)
        if known is not None and str(known) != str(label):
            raise ValueError(f"action {action!r} registered twice with different labels")
        _LABELS[action] = label


def action_label(action: str) -> str:
    """How `action` reads; an action nobody registered shows as it is."""
    label = _LABELS.get(action)
    return str(label) if label is not None else action


def registered_actions() -> dict[str, str]:
    return {action: str(label) for action, label in _LABELS.items()}


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def log_action(obj: models.Model, action: str, *, actor: Any = None, data: dict[str, Any] | None = None) -> AuditEvent:
    """Record that `actor` did `action` to `obj`; call inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=_actor(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(obj),
        target_id=str(obj.pk),
        target_repr=str(obj)[:200],
        data=data or {},
    )


def log_actions(
    model: type[models.Model] | ContentType,
    action: str,
    entries: Iterable[tuple[Any, str, dict[str, Any]]],
    *,
    actor: Any = None,
) -> int:
    """The same action on many objects of `model`, given as (pk, repr, data), in one INSERT:
    a scan that marks 2,000 hazards writes 2,000 entries without loading one of them."""
    target_type = model if isinstance(model, ContentType) else ContentType.objects.get_for_model(model)
    rows = [
        AuditEvent(
            actor=_actor(actor),
            action=action,
            target_type=target_type,
            target_id=str(pk),
            target_repr=str(text)[:200],
            data=data or {},
        )
        for pk, text, data in entries
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def audit_events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")
