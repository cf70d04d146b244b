"""Reads for the inbox: a user sees only their own messages (another's answers 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safetyops.notify.models import ChannelPreference, Notification
from safetyops.orgs.models import User
from safetyops.orgs.scope import get_for_user


def notifications_for(user: User) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def get_notification_for_user(user: User, pk: Any) -> Notification:
    return get_for_user(notifications_for(user), pk, user=user)


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def channel_preference_for(user: User) -> ChannelPreference:
    """The saved preference, or the defaults (e-mail on, SMS off) unsaved."""
    return ChannelPreference.objects.filter(user=user).first() or ChannelPreference(user=user)
