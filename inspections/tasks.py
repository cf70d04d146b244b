"""Celery tasks of the inspections app."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from inspections.tally import rebuild_tallies


@shared_task(acks_late=True, max_retries=0)
def rebuild_hazard_tallies() -> int:
    """Beat, just after midnight: recount every node's hazard tally for the new day (idempotent)."""
    return rebuild_tallies()


@worker_ready.connect
def rebuild_tallies_when_a_worker_starts(sender: Any = None, **kwargs: Any) -> None:
    """A starting worker recounts the tallies: after a deploy, a restore or a missed night."""
    rebuild_hazard_tallies.delay()
