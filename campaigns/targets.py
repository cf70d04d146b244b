"""Keeping active campaigns' target lists in step with the enterprises (wired in CampaignsConfig.ready):
an enterprise saved (registered, moved, re-sectored, closed) is re-checked against every active
campaign organised above it, after the change commits; the nightly task re-checks every active
campaign as a whole (an import that bypassed save(), a missed signal)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from campaigns.models import Campaign
from campaigns.services import active_campaigns_covering, targets_sync
from safetyops.orgs.models import Enterprise


def _sync_later(enterprise_id: int) -> None:
    def run() -> None:
        enterprise = Enterprise.objects.select_related("node").filter(pk=enterprise_id).first()
        if enterprise is None:
            return
        for campaign_id in active_campaigns_covering(enterprise):
            targets_sync(campaign_id=campaign_id, enterprise_ids=[enterprise_id])

    transaction.on_commit(run)


def enterprise_saved(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    _sync_later(instance.pk)


def enterprise_sectors_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _sync_later(instance.pk)
    else:  # sector.enterprises.add(...): the enterprises named
        for enterprise_id in pk_set or ():
            _sync_later(enterprise_id)


def sync_all_active() -> int:
    """Every active campaign's list against its scope; returns how many rows joined or left."""
    changed = 0
    for campaign_id in Campaign.objects.filter(status=Campaign.Status.ACTIVE).values_list("pk", flat=True):
        added, removed = targets_sync(campaign_id=campaign_id)
        changed += added + removed
    return changed
