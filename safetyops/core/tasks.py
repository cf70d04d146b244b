"""Periodic housekeeping run by Celery beat."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.core.management import call_command
from django.utils import timezone


@shared_task(acks_late=True, max_retries=0)
def housekeeping() -> dict[str, int]:
    """Clear expired sessions and delete import uploads older than 30 days (their results stay)."""
    from safetyops.orgs.models import EnterpriseImport

    call_command("clearsessions")
    cutoff = timezone.now() - timedelta(days=30)
    removed = 0
    for job in EnterpriseImport.objects.filter(created_at__lt=cutoff).exclude(file="").iterator():
        job.file.delete(save=False)
        EnterpriseImport.objects.filter(pk=job.pk).update(file="")
        removed += 1
    return {"import_files_removed": removed}
