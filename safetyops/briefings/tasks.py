"""Celery tasks of the briefings app (queue `reports`): thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task

from safetyops.briefings.services import briefing_render, briefings_monthly_request


@shared_task(acks_late=True, max_retries=0)
def render_briefing(briefing_id: int) -> None:
    """Render one briefing; a second delivery is harmless (the service claims the row first)."""
    briefing_render(briefing_id=briefing_id)


@shared_task(acks_late=True, max_retries=0)
def monthly_briefings() -> int:
    """Beat, on the BRIEFING_MONTHLY_DAY of each month: last month's briefing for every county and township."""
    return briefings_monthly_request()
