"""The daily 承诺公告's scan (beat: every DAILY_PLEDGE_SCAN_MINUTES): thin, idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="accountability.daily_pledge_scan", acks_late=True, max_retries=0)
def daily_pledge_scan() -> dict[str, int]:
    """Raise the 承诺不实 flags missed and send the reminders due by now (each exactly once)."""
    from accountability.daily.notices import run_daily_scan

    return run_daily_scan()
