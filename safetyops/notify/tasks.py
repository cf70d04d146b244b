"""Reminder tasks: thin, take ids, safe to run twice.

deliver_reminder is routed to the `mail` queue by CELERY_TASK_ROUTES (safetyops.notify.tasks.*).
The scans are named outside that pattern so that they run on `default`: a long scan never holds
up mail, and mail never waits behind a scan.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from safetyops.notify.channels import TransientDeliveryError
from safetyops.notify.services import reminder_deliver, reminders_requeue_stale, reminders_scan

logger = logging.getLogger(__name__)


@shared_task(name="safetyops.notify.scan_reminders", acks_late=True, max_retries=0)
def scan_reminders() -> dict[str, int]:
    """The daily scan (beat): claim every reminder due today and enqueue its delivery."""
    return reminders_scan()


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(TransientDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=20 * 60,
    retry_jitter=True,
    max_retries=settings.REMINDER_MAX_RETRIES,
)
def deliver_reminder(self: Any, reminder_id: int) -> str:
    """Deliver one reminder; the service marks it failed after its last attempt."""
    return reminder_deliver(reminder_id=reminder_id)


@shared_task(acks_late=True, max_retries=0)
def deliver_reminders(reminder_ids: list[int]) -> int:
    """Deliver a batch claimed by one scan (one broker message per batch, not per reminder). A
    reminder whose channel fails transiently is handed to deliver_reminder, which retries it alone
    with backoff; a batch delivered twice is harmless (each channel is recorded once sent)."""
    done = 0
    for reminder_id in reminder_ids:
        try:
            reminder_deliver(reminder_id=reminder_id)
            done += 1
        except TransientDeliveryError:
            deliver_reminder.apply_async((reminder_id,), countdown=30)
    return done


@shared_task(name="safetyops.notify.requeue_reminders", acks_late=True, max_retries=0)
def requeue_reminders() -> int:
    """Every few minutes (beat): enqueue again reminders whose message or worker was lost."""
    return reminders_requeue_stale()


@worker_ready.connect
def scan_when_a_worker_starts(sender: Any = None, **kwargs: Any) -> None:
    """Beat's daily crontab does not fire when a worker starts after 08:00; the scan is idempotent,
    so a worker that starts catches up at once (REMINDER_SCAN_ON_START=0 turns this off)."""
    if settings.REMINDER_SCAN_ON_START:
        logger.info("worker ready: catching up on today's reminders")
        scan_reminders.delay()
