"""The inbox pages, the unread badge and the channel preferences: one user's own data only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from safetyops.core.models import AuditEvent
from safetyops.notify.models import ChannelPreference, Notification
from tests.conftest import World

pytestmark = pytest.mark.django_db


def note(user: Any, title: str = "隐患整改期限提醒", read: bool = False) -> Notification:
    from django.utils import timezone

    return Notification.objects.create(
        user=user, title=title, body="请按期整改。", url="/hazards/1/", read_at=timezone.now() if read else None
    )


def test_the_inbox_lists_the_users_own_messages(client: Any, world: World) -> None:
    note(world.enterprise_a, "给我的提醒")
    note(world.enterprise_a, "已读的提醒", read=True)
    note(world.enterprise_b, "给别人的提醒")
    client.force_login(world.enterprise_a)
    page = client.get(reverse("notify:inbox")).content.decode()
    assert "给我的提醒" in page and "已读的提醒" in page and "给别人的提醒" not in page
    assert "1 条未读" in page
    unread = client.get(reverse("notify:inbox"), {"show": "unread"}).content.decode()
    assert "给我的提醒" in unread and "已读的提醒" not in unread


def test_it_checks_ownership(client: Any, world: World) -> None:
    mine = note(world.enterprise_b)
    client.force_login(world.enterprise_a)
    assert client.get(reverse("notify:inbox_item", args=[mine.pk])).status_code == 404
    assert client.post(reverse("notify:inbox_item", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.unread


def test_showing_a_message_changes_nothing_and_posting_marks_it_read(client: Any, world: World) -> None:
    message = note(world.official_a)
    client.force_login(world.official_a)
    url = reverse("notify:inbox_item", args=[message.pk])
    page = client.get(url).content.decode()
    message.refresh_from_db()
    assert message.unread  # a GET (a preview, a prefetch, a crawler) changes no state
    assert "前往处理" in page and "标为已读" in page
    assert 'method="post"' in page and 'name="open"' in page
    response = client.post(url, {"read": "1"})
    assert response.status_code == 302 and response["Location"] == url
    message.refresh_from_db()
    assert not message.unread
    assert "标为已读" not in client.get(url).content.decode()


def test_going_to_the_page_marks_the_message_read(client: Any, world: World) -> None:
    message = note(world.official_a)
    client.force_login(world.official_a)
    response = client.post(reverse("notify:inbox_item", args=[message.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/hazards/1/"
    message.refresh_from_db()
    assert not message.unread


def test_an_outside_link_is_not_offered(client: Any, world: World) -> None:
    message = Notification.objects.create(user=world.official_a, title="t", body="b", url="https://evil.example/")
    client.force_login(world.official_a)
    assert "evil.example" not in client.get(reverse("notify:inbox_item", args=[message.pk])).content.decode()


def test_mark_all_read_touches_only_the_users_own(client: Any, world: World) -> None:
    note(world.enterprise_a)
    note(world.enterprise_a)
    other = note(world.enterprise_b)
    client.force_login(world.enterprise_a)
    response = client.post(reverse("notify:inbox"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=world.enterprise_a, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.unread


def test_the_navbar_shows_the_unread_count(client: Any, world: World) -> None:
    client.force_login(world.enterprise_a)
    page = client.get(reverse("home")).content.decode()
    assert 'href="/inbox/"' in page and "data-unread" not in page
    for _ in range(3):
        note(world.enterprise_a)
    note(world.enterprise_b)
    page = client.get(reverse("home")).content.decode()
    assert 'data-unread="3"' in page and "站内消息，3 条未读" in page


def test_preferences_choose_the_channels(client: Any, world: World) -> None:
    client.force_login(world.enterprise_a)
    page = client.get(reverse("notify:notify_preferences")).content.decode()
    assert "本系统尚未开通短信通道" in page
    response = client.post(
        reverse("notify:notify_preferences"), {"email": "on", "email_address": "ent@example.gov.cn", "sms": "on"}
    )
    assert response.status_code == 302
    preference = ChannelPreference.objects.get(user=world.enterprise_a)
    world.enterprise_a.refresh_from_db()
    assert preference.email and not preference.sms  # no SMS adapter: cannot be chosen
    assert world.enterprise_a.email == "ent@example.gov.cn"
    assert AuditEvent.objects.filter(action="notify.preferences.updated", target_id=str(world.enterprise_a.pk)).exists()

    client.post(reverse("notify:notify_preferences"), {"email_address": "ent@example.gov.cn"})
    preference.refresh_from_db()
    assert not preference.email


def test_preferences_want_an_address_for_email(client: Any, world: World) -> None:
    client.force_login(world.enterprise_a)
    response = client.post(reverse("notify:notify_preferences"), {"email": "on", "email_address": ""})
    assert response.status_code == 200
    assert "请填写接收邮箱" in response.content.decode()
    assert not ChannelPreference.objects.exists()


def test_sms_can_be_chosen_when_an_adapter_is_configured(client: Any, world: World, settings: Any) -> None:
    settings.REMINDER_SMS_BACKEND = "safetyops.notify.channels.LogSmsBackend"
    client.force_login(world.enterprise_a)
    client.post(reverse("notify:notify_preferences"), {"sms": "on", "email_address": ""})
    assert ChannelPreference.objects.get(user=world.enterprise_a).sms


def test_the_inbox_runs_the_same_queries_for_many_messages(client: Any, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    note(world.enterprise_a)
    client.force_login(world.enterprise_a)
    client.get(reverse("notify:inbox"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notify:inbox"))
    for _ in range(25):
        note(world.enterprise_a)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notify:inbox"))
    assert len(many) == len(few)
