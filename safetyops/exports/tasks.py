"""Celery tasks of the exports (queue `reports`): thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task

from safetyops.exports.services import export_job_run, export_jobs_requeue_stale


@shared_task(acks_late=True, max_retries=0)
def run_export(job_id: int) -> None:
    """Write one export; a second delivery is harmless (the service claims the row first)."""
    export_job_run(job_id=job_id)


@shared_task(acks_late=True, max_retries=0)
def requeue_stale_exports() -> int:
    """Beat (every JOB_SWEEP_INTERVAL_SECONDS): send again exports whose worker is gone."""
    return export_jobs_requeue_stale()
