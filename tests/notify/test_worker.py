"""End to end: a real Celery worker with embedded beat finds a due reminder on its own schedule
and delivers it to the inbox and the e-mail outbox (Django's file-based backend).

Runs on whatever broker is configured: Redis in CI, the embedded filesystem broker locally (a
private folder, so that a developer's running `bin/run` cannot take the tasks).
"""

from __future__ import annotations

import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from safetyops.notify.models import Notification, Reminder
from tests.conftest import World
from tests.workers import celery_worker

BASE_DIR = Path(settings.BASE_DIR)


def outbox(folder: Path) -> list[EmailMessage]:
    """The messages the file-based backend wrote (several per file, separated by a line of dashes)."""
    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(BytesParser(policy=policy.default).parsebytes(chunk.strip() + b"\n"))
    return found


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_deliver_a_due_reminder(world: World, hazard_factory: Any, tmp_path: Path) -> None:
    world.enterprise_a.email = "enterprise_a@example.gov.cn"
    world.enterprise_a.save()
    hazard = hazard_factory(status="rectifying", deadline=timezone.localdate())  # due today
    Notification.objects.all().delete()  # the setup's immediate lifecycle notice: not what the worker sends
    Reminder.objects.all().delete()
    mail_dir = tmp_path / "mail"
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SITE_URL": "https://safety.example.gov.cn",
        # Beat every 2 s instead of daily at 08:00; no catch-up scan at start, so beat alone must do it.
        "REMINDER_SCAN_INTERVAL_SECONDS": "2",
        "REMINDER_SCAN_ON_START": "0",
        "STATISTICS_REMINDERS": "0",  # only the hazard's reminder (the world's enterprises owe their statistics)
    }

    # Only the hazard's reminder is this test's: after 10:00 the daily 承诺公告 rule may remind ent_a (危化) too.
    def about_hazard() -> list[Any]:
        return [message for message in outbox(mail_dir) if hazard.number in str(message["Subject"])]

    with celery_worker(tmp_path, queues="default,mail", beat=True, env=env) as worker:
        worker.wait_until(
            lambda: (
                Notification.objects.filter(user=world.enterprise_a, title__contains=hazard.number).exists()
                and bool(about_hazard())
            ),
            every=0.5,
        )
        text = worker.text()
        assert Notification.objects.filter(user=world.enterprise_a, title__contains=hazard.number).count() == 1
        reminder = Reminder.objects.get(recipient=world.enterprise_a, title__contains=hazard.number)
        assert reminder.title == f"今天是隐患整改期限：{hazard.number}", text[-3000:]
        [message] = about_hazard()
        assert message["To"] == "enterprise_a@example.gov.cn"
        assert hazard.number in str(message["Subject"])
        assert message.get_body(("plain",)).get_content().startswith(reminder.title)
        assert f"https://safety.example.gov.cn/hazards/{hazard.pk}/" in message.get_body(("html",)).get_content()
        assert "Sending due task reminders-scan (safetyops.notify.scan_reminders)" in text
        assert "safetyops.notify.tasks.deliver_reminder" in text
        time.sleep(3)  # beat fires again: nothing new is sent
        assert Reminder.objects.filter(title__contains=hazard.number).count() == 1 and len(about_hazard()) == 1
