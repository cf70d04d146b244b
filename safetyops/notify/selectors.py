"""Reads for the inbox: a user sees only their own messages (another's answers 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

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
    """The navbar's number. The request's user carries it already (`inbox_unread`, counted in the
    same query that loads the user: orgs.backends); any other user object is asked here."""
    if not getattr(user, "is_authenticated", False):
        return 0
    carried = getattr(user, "inbox_unread", None)
    if carried is not None:
        return int(carried)
    return notifications_for(user).filter(read_at__isnull=True).count()


def unread_count_expression() -> Coalesce:
    """The unread count of the user row OuterRef("pk"), an index-only scan of notification_user_read."""
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def channel_preference_for(user: User) -> ChannelPreference:
    """The saved preference, or the defaults (e-mail on, SMS off) unsaved."""
    return ChannelPreference.objects.filter(user=user).first() or ChannelPreference(user=user)
