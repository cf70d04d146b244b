"""Celery tasks of the briefings app (queue `reports`): thin wrappers that take ids and call the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from safetyops.briefings.services import briefing_render, briefings_monthly_request, briefings_requeue_stale


@shared_task(acks_late=True, max_retries=0)
def render_briefing(briefing_id: int) -> None:
    """Render one briefing; a second delivery is harmless (the service claims the row first)."""
    briefing_render(briefing_id=briefing_id)


@shared_task(acks_late=True, max_retries=0)
def monthly_briefings() -> int:
    """Beat, on the BRIEFING_MONTHLY_DAY of each month: last month's briefing for every county and township."""
    return briefings_monthly_request()


@worker_ready.connect
def catch_up_when_a_worker_starts(sender: Any = None, **kwargs: Any) -> None:
    """If the machine was down on the 1st, beat never asked for last month's briefings: a starting
    worker asks (idempotent: nodes that already have one are skipped). BRIEFING_CATCH_UP_ON_START=0
    turns this off."""
    if settings.BRIEFING_CATCH_UP_ON_START:
        monthly_briefings.delay()


@shared_task(acks_late=True, max_retries=0)
def requeue_stale_briefings() -> int:
    """Beat (every JOB_SWEEP_INTERVAL_SECONDS): send again renders whose worker is gone."""
    return briefings_requeue_stale()


@worker_ready.connect
def sweep_when_a_worker_starts(sender: Any = None, **kwargs: Any) -> None:
    """A worker that starts after a crash finds the renders the dead one left behind at once
    (JOB_SWEEP_ON_START=0 turns this off)."""
    if settings.JOB_SWEEP_ON_START:
        briefings_requeue_stale()
