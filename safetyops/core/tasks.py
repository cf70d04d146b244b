"""Periodic housekeeping run by Celery beat."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command

from safetyops.core.housekeeping import run_cleaners


@shared_task(acks_late=True, max_retries=0)
def housekeeping() -> dict[str, int]:
    """Clear expired sessions and run every app's registered clean-up (see core/housekeeping.py)."""
    call_command("clearsessions")
    return run_cleaners()
