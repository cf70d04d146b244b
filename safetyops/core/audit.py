"""Write and read the one audit trail. Each app registers the labels of its actions in ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from safetyops.core.models import ACTION_LABELS, AuditEvent


def register_action_labels(labels: Mapping[str, Any]) -> None:
    """Let an app say how its actions read in timelines and in the admin (call from ready())."""
    ACTION_LABELS.update(labels)


def log_action(obj: models.Model, action: str, *, actor: Any = None, data: dict[str, Any] | None = None) -> AuditEvent:
    """Record that `actor` did `action` to `obj`; call inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(obj),
        target_id=str(obj.pk),
        target_repr=str(obj)[:200],
        data=data or {},
    )


def audit_log(*, actor: Any, action: str, target: models.Model, data: dict[str, Any] | None = None) -> AuditEvent:
    """The old name of log_action (kept until every caller has moved)."""
    return log_action(target, action, actor=actor, data=data)


def audit_events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")
