"""Celery tasks of the campaigns app."""

from __future__ import annotations

from celery import shared_task

from campaigns.targets import sync_all_active


@shared_task(acks_late=True, max_retries=0)
def sync_campaign_targets() -> int:
    """Beat, nightly: re-check every active campaign's target list against its scope (idempotent)."""
    return sync_all_active()


@shared_task(acks_late=True, max_retries=0)
def render_summary(summary_id: int) -> None:
    """Queue `reports`: render a published summary's PDF; a second delivery is harmless (claimed first)."""
    from campaigns.summary import summary_render

    summary_render(summary_id=summary_id)


@shared_task(acks_late=True, max_retries=0)
def requeue_stale_summaries() -> int:
    """Beat: send again the summary renders whose worker is gone or whose message was lost."""
    from campaigns.summary import summaries_requeue_stale

    return summaries_requeue_stale()
