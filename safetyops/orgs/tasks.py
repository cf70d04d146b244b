"""Celery tasks of the orgs app: thin wrappers that take ids and call the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from safetyops.orgs.importing import enterprise_import_run


@shared_task(acks_late=True, max_retries=0)
def enterprise_import_task(import_id: int) -> None:
    """Process one enterprise import; a second delivery is harmless (the service claims the row)."""
    enterprise_import_run(import_id=import_id)


@shared_task(acks_late=True, max_retries=0)
def enterprise_imports_requeue_stale_task() -> int:
    """Beat: queue again the imports a dead worker left pending or running."""
    from safetyops.orgs.importing import enterprise_imports_requeue_stale

    return enterprise_imports_requeue_stale()


@worker_ready.connect
def sweep_when_a_worker_starts(sender: Any = None, **kwargs: Any) -> None:
    """A worker that starts after a crash takes up at once the imports the dead one left behind
    (JOB_SWEEP_ON_START=0 turns this off)."""
    from django.conf import settings

    from safetyops.orgs.importing import enterprise_imports_requeue_stale

    if settings.JOB_SWEEP_ON_START:
        enterprise_imports_requeue_stale()
