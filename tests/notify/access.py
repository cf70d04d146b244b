"""Access-matrix cases of notify: the inbox is per user; someone else's message answers 404."""

from __future__ import annotations

from typing import Any

from tests.access import Case

SEES = {"notification_enterprise_a": {"enterprise_a"}, "notification_nobody": {"nobody"}}


def _notification_for(user: Any) -> dict[str, int]:
    from safetyops.notify.models import Notification

    return {"pk": Notification.objects.create(user=user, title="隐患整改期限提醒", body="请按期整改").pk}


CASES: dict[str, list[Case]] = {
    "notify:inbox": [Case()],
    "notify:notify_preferences": [Case()],
    "notify:inbox_item": [
        Case(kwargs=lambda w: _notification_for(w.enterprise_a), obj="notification_enterprise_a"),
        Case(kwargs=lambda w: _notification_for(w.nobody), obj="notification_nobody"),
    ],
}
