"""Celery tasks of the campaigns app."""

from __future__ import annotations

from celery import shared_task

from campaigns.targets import sync_all_active


@shared_task(acks_late=True, max_retries=0)
def sync_campaign_targets() -> int:
    """Beat, nightly: re-check every active campaign's target list against its scope (idempotent)."""
    return sync_all_active()
