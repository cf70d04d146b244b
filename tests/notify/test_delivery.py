"""Delivery: inbox, e-mail (text + HTML), SMS adapter; exactly once across repeated scans,
repeated deliveries and a worker that dies mid-send; bounded retries and recorded failures."""

from __future__ import annotations

import re
import smtplib
import threading
from collections.abc import Callable
from datetime import date, timedelta
from email.header import decode_header, make_header
from html import unescape
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from safetyops.notify import services
from safetyops.notify.channels import LogSmsBackend
from safetyops.notify.models import ChannelPreference, Delivery, Notification, Reminder
from safetyops.notify.services import notify_users, reminder_deliver, reminders_requeue_stale, reminders_scan
from safetyops.notify.tasks import deliver_reminder
from tests.conftest import World
from tests.notify.conftest import on

pytestmark = pytest.mark.django_db


def html_text(html: str) -> str:
    """The words of an HTML mail as a reader sees them (tags and the style sheet left out)."""
    return unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", html, flags=re.S))


DAY = date(2026, 3, 13)  # 3 days overdue for the hazards below: enterprise_a and official_a


@pytest.fixture
def addresses(world: World, mail_settings: Any) -> World:
    for user in (world.enterprise_a, world.official_a):
        user.email = f"{user.username}@example.gov.cn"
        user.save()
    return world


def remind(world: World, *users: Any, reason: str = "hazard_deadline") -> list[int]:
    return notify_users(
        reason=reason,
        target=world.ent_a,
        users=users or [world.enterprise_a],
        title="隐患整改期限提醒",
        body="请按期整改。",
        url=f"/enterprises/{world.ent_a.pk}/",
        node=world.ent_a.node,
    )


def overdue_hazards(hazard_factory: Callable[..., Any], count: int) -> list[Any]:
    with on(date(2026, 3, 2)):
        hazards = [hazard_factory(status="rectifying", deadline=date(2026, 3, 10)) for _ in range(count)]
    # The lifecycle's immediate notices of the setup (sent after commit in transactional tests)
    # are not what these tests count.
    Notification.objects.all().delete()
    Reminder.objects.all().delete()
    mail.outbox.clear()
    return hazards


def test_a_reminder_reaches_the_inbox_and_the_mailbox(
    addresses: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        [reminder_id] = remind(addresses)
    reminder = Reminder.objects.get(pk=reminder_id)
    assert reminder.status == Reminder.Status.SENT and reminder.attempts == 1 and reminder.sent_at
    note = Notification.objects.get(user=addresses.enterprise_a)
    assert note.reminder_id == reminder_id and note.unread and note.title == "隐患整改期限提醒"
    [message] = mail.outbox
    assert message.to == ["enterprise_a@example.gov.cn"] and message.subject.endswith("隐患整改期限提醒")
    assert f"https://safety.example.gov.cn/enterprises/{addresses.ent_a.pk}/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "请按期整改。" in html and "查看详情" in html
    assert message.extra_headers["Message-ID"] == f"<reminder-{reminder_id}-email@safety.example.gov.cn>"
    assert Delivery.objects.get(reminder=reminder).status == Delivery.Status.SENT


def test_no_email_without_an_address_or_when_turned_off(
    addresses: World, django_capture_on_commit_callbacks: Any
) -> None:
    ChannelPreference.objects.create(user=addresses.official_a, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        remind(addresses, addresses.official_a, addresses.enterprise_b)  # enterprise_b has no address
    assert mail.outbox == []
    assert Notification.objects.count() == 2 and not Delivery.objects.exists()
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


def test_sms_is_off_by_default_and_goes_through_the_adapter_when_on(
    addresses: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = addresses.enterprise_a
    user.phone = "13900001111"
    user.save()
    ChannelPreference.objects.create(user=user, email=False, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        remind(addresses)
    assert not Delivery.objects.filter(channel="sms").exists()  # no adapter configured

    settings.REMINDER_SMS_BACKEND = "safetyops.notify.channels.LogSmsBackend"
    LogSmsBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        remind(addresses, reason="plan_awaiting_approval")
    assert Delivery.objects.get(channel="sms").status == "sent"
    assert LogSmsBackend.sent[0][0] == "13900001111" and "隐患整改期限提醒" in LogSmsBackend.sent[0][1]


def test_scanning_twice_sends_each_reminder_once(
    addresses: World, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    overdue_hazards(hazard_factory, 3)
    with on(DAY), django_capture_on_commit_callbacks(execute=True):
        first = reminders_scan()
        second = reminders_scan()
    assert first["hazard_deadline"] == 6 and second["hazard_deadline"] == 0  # 3 hazards × 2 people
    assert Reminder.objects.count() == Notification.objects.count() == 6
    assert len(mail.outbox) == 6
    assert (
        sorted(m.to[0] for m in mail.outbox) == ["enterprise_a@example.gov.cn"] * 3 + ["official_a@example.gov.cn"] * 3
    )


def test_the_next_day_is_a_new_reminder(
    addresses: World, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    overdue_hazards(hazard_factory, 1)
    for day in (DAY, DAY + timedelta(days=1)):
        with on(day), django_capture_on_commit_callbacks(execute=True):
            reminders_scan()
    assert len(mail.outbox) == 4


def test_delivering_twice_sends_once(addresses: World) -> None:
    [reminder_id] = remind(addresses)  # enqueued on commit, which never comes in this test
    assert reminder_deliver(reminder_id=reminder_id) == "sent"
    assert reminder_deliver(reminder_id=reminder_id) == "skipped"
    deliver_reminder.delay(reminder_id)
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the service catches it."""


def test_a_worker_that_dies_mid_send_does_not_send_twice(addresses: World, monkeypatch: Any) -> None:
    [reminder_id] = remind(addresses)

    def die(**kwargs: Any) -> None:
        raise WorkerKilled

    with on(DAY, hour=8), monkeypatch.context() as patch:
        patch.setattr(services, "email_send", die)
        with pytest.raises(WorkerKilled):
            reminder_deliver(reminder_id=reminder_id)
        # Another worker (a redelivered message) while the lease holds: nothing happens.
        assert reminder_deliver(reminder_id=reminder_id) == "skipped"
    assert Delivery.objects.get().status == Delivery.Status.SENDING

    with on(DAY, hour=9):  # the lease ran out: the sweeper enqueues it again
        assert reminders_requeue_stale() == 1
        assert Reminder.objects.get(pk=reminder_id).status == Reminder.Status.FAILED
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and "中断" in delivery.last_error
    assert mail.outbox == []  # it may have gone out before the crash: never a second copy
    assert Notification.objects.count() == 1


def test_a_worker_that_dies_before_sending_is_finished_by_the_next(addresses: World, monkeypatch: Any) -> None:
    [reminder_id] = remind(addresses)

    def die(reminder: Any) -> None:
        raise WorkerKilled

    with on(DAY, hour=8), monkeypatch.context() as patch:
        patch.setattr(services, "_plan_deliveries", die)
        with pytest.raises(WorkerKilled):
            reminder_deliver(reminder_id=reminder_id)
    with on(DAY, hour=9):
        assert reminders_requeue_stale() == 1  # eager here: delivered at once
    assert Reminder.objects.get(pk=reminder_id).status == Reminder.Status.SENT
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_a_claim_whose_enqueue_was_lost_is_requeued(addresses: World) -> None:
    with on(DAY, hour=8):
        [reminder_id] = remind(addresses)  # on_commit never runs: as if the process died after the commit
        assert reminders_requeue_stale() == 0  # too early to tell from a busy queue
    with on(DAY, hour=9):
        assert reminders_requeue_stale() == 1
    assert Reminder.objects.get(pk=reminder_id).status == Reminder.Status.SENT and len(mail.outbox) == 1


class FlakySmtp:
    """An e-mail backend whose server hangs up `failures` times before it accepts."""

    failures = 0
    sent: list[Any] = []

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        if FlakySmtp.failures > 0:
            FlakySmtp.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FlakySmtp.sent.extend(messages)
        return len(messages)


@pytest.fixture
def flaky_smtp(addresses: World, settings: Any, eager_retries: None) -> type[FlakySmtp]:
    settings.EMAIL_BACKEND = f"{__name__}.FlakySmtp"
    FlakySmtp.sent = []
    return FlakySmtp


def test_a_transient_failure_is_retried_then_sent(flaky_smtp: type[FlakySmtp], world: World) -> None:
    flaky_smtp.failures = 2
    [reminder_id] = remind(world)
    deliver_reminder.delay(reminder_id)  # eager: the retries run at once instead of after the backoff
    reminder = Reminder.objects.get(pk=reminder_id)
    assert reminder.status == Reminder.Status.SENT and reminder.attempts == 3
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 3 and delivery.last_error == ""
    assert len(flaky_smtp.sent) == 1


def test_a_final_failure_is_recorded_and_visible_to_admins(
    flaky_smtp: type[FlakySmtp], world: World, settings: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REMINDER_MAX_RETRIES = 2
    flaky_smtp.failures = 100
    [reminder_id] = remind(world)
    deliver_reminder.delay(reminder_id)
    reminder = Reminder.objects.get(pk=reminder_id)
    assert reminder.status == Reminder.Status.FAILED and reminder.attempts == 3
    assert "SMTPServerDisconnected" in reminder.last_error
    assert Delivery.objects.get().status == Delivery.Status.FAILED
    assert Notification.objects.count() == 1  # the inbox has it anyway
    assert reminder_deliver(reminder_id=reminder_id) == "skipped"

    client.force_login(world.county_admin)
    page = client.get(reverse("admin:notify_reminder_changelist"), {"status__exact": "failed"}).content.decode()
    assert "隐患整改期限提醒" in page and "SMTPServerDisconnected" in page
    client.force_login(world.official_a)
    assert client.get(reverse("admin:notify_reminder_changelist")).status_code in {302, 403}

    client.force_login(world.county_admin)
    flaky_smtp.failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:notify_reminder_changelist"),
            {"action": "resend", "_selected_action": [reminder_id]},
        )
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT and len(flaky_smtp.sent) == 1


def test_the_admin_shows_only_reminders_of_its_county(world: World, client: Any) -> None:
    from tests.orgs.factories import EnterpriseFactory, NodeFactory, make_user

    other = NodeFactory(code="440001", name="别的县", level="county", kind="county")
    stranger = make_user("enterprise_user", enterprise=EnterpriseFactory(node=other), username="stranger")
    notify_users(reason="x", target=other, users=[stranger], title="别县的提醒", body="…", node=other)
    remind(world)
    client.force_login(world.county_admin)
    page = client.get(reverse("admin:notify_reminder_changelist")).content.decode()
    assert "隐患整改期限提醒" in page and "别县的提醒" not in page


def _scan_in_threads(day: date, threads: int) -> list[dict[str, int]]:
    barrier = threading.Barrier(threads)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with on(day):
                barrier.wait()
                results.append(reminders_scan())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors
    return results


def _two_scans_at_once(world: World, hazard_factory: Any) -> None:
    from safetyops.core.models import AuditEvent

    overdue_hazards(hazard_factory, 12)
    results = _scan_in_threads(DAY, 2)
    assert sum(r["hazard_deadline"] for r in results) == 24  # 12 hazards × (enterprise_a, official_a)
    assert Reminder.objects.count() == Notification.objects.count() == 24
    assert len(mail.outbox) == 24
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 24
    assert Reminder.objects.exclude(status="sent").count() == 0
    assert AuditEvent.objects.filter(action="inspections.hazard.urged").count() == 12  # not 24


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_send_each_reminder_once(addresses: World, hazard_factory: Any) -> None:
    _two_scans_at_once(addresses, hazard_factory)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_on_postgresql(addresses: World, hazard_factory: Any) -> None:
    _two_scans_at_once(addresses, hazard_factory)


def test_a_scan_publishes_one_message_per_batch(addresses: World, monkeypatch: Any) -> None:
    """50,000 reminders must not mean 50,000 broker round trips."""
    from safetyops.notify import services as notify_services
    from safetyops.notify import tasks as notify_tasks

    batches: list[list[int]] = []
    monkeypatch.setattr(notify_tasks.deliver_reminders, "delay", lambda ids: batches.append(list(ids)))
    monkeypatch.setattr(notify_tasks.deliver_reminder, "delay", lambda rid: batches.append([rid]))
    notify_services._enqueue(list(range(1, 451)))
    assert [len(batch) for batch in batches] == [200, 200, 50]
    assert sorted(i for batch in batches for i in batch) == list(range(1, 451))


def test_a_transient_failure_in_a_batch_is_retried_alone(monkeypatch: Any) -> None:
    from safetyops.notify import tasks as notify_tasks
    from safetyops.notify.channels import TransientDeliveryError

    handed_over: list[tuple[Any, ...]] = []

    def deliver(*, reminder_id: int) -> str:
        if reminder_id == 2:
            raise TransientDeliveryError("robot answered 503")
        return "sent"

    monkeypatch.setattr(notify_tasks, "reminder_deliver", deliver)
    monkeypatch.setattr(notify_tasks.deliver_reminder, "apply_async", lambda args, countdown: handed_over.append(args))
    assert notify_tasks.deliver_reminders.run([1, 2, 3]) == 2
    assert handed_over == [(2,)]


def test_the_email_escapes_user_text_and_speaks_chinese(
    addresses: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(
            reason="hazard_deadline",
            target=addresses.ent_a,
            users=[addresses.enterprise_a],
            title="<b>标题</b>",
            body="<a href='http://evil.example/'>点此查看整改通知</a><script>alert(1)</script>\n第二行",
            url="/hazards/1/",
            node=addresses.ent_a.node,
        )
    [message] = mail.outbox
    [(html, _mimetype)] = message.alternatives
    assert "&lt;a href=&#x27;http://evil.example/&#x27;&gt;点此查看整改通知&lt;/a&gt;" in html
    assert "&lt;script&gt;" in html and "<script" not in html and "&lt;b&gt;标题&lt;/b&gt;" in html
    assert re.findall(r"<a\s[^>]*href=\"([^\"]*)\"", html) == ["https://safety.example.gov.cn/hazards/1/"]
    assert "<br>第二行" in html
    # A Chinese sender name (RFC 2047-encoded on the wire) and a Chinese footer.
    sender = str(make_header(decode_header(message.message()["From"])))
    assert sender == "安全生产工作管理平台 <noreply@localhost>"
    assert "系统自动发送，请勿直接回复" in html and "系统自动发送，请勿直接回复" in message.body
    footer = html_text(html).split("查看详情")[-1]
    assert "系统自动发送" in footer and not re.search(r"[A-Za-z]", footer)
