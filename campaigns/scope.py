"""Who sees which campaign, target and unit's work (DOMAIN §1, §5). Views, exports and PDFs reach
campaign objects only through here, built on safetyops.orgs.scope.

- Campaigns: organised at the user's node, below it (the organiser's side) or above it (a county
  campaign is addressed to its townships); a draft only to its organiser's side. A department
  supervisor sees those whose sectors meet its own (or that name no sector). Enterprise users see
  no campaign page: only the activities and tasks addressed to their enterprise (units_q).
- Targets: the enterprise scope (a township sees its part, a supervisor its sectors).
- Units' work (activity assignments, unit reports): the organiser sees all of its campaign's, a
  township its own subtree's, a supervisor its department's and its sectors' enterprises', an
  enterprise its own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from campaigns.models import Campaign, ReportTask, Target
from safetyops.orgs.scope import get_for_user, organised_q, scope_for
from safetyops.orgs.units import ORGANISING_ROLES


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    scope = scope_for(user)
    qs = Campaign.objects.select_related("node")
    if scope.everything:
        return qs
    if scope.node_path is None:
        return qs.none()
    qs = qs.filter(organised_q(user)).filter(
        ~Q(status=Campaign.Status.DRAFT) | Q(node__path__startswith=scope.node_path)
    )
    if scope.sector_ids is not None:
        named = Campaign.scope_sectors.through.objects.filter(campaign_id=OuterRef("pk"))
        qs = qs.filter(~Exists(named) | Exists(named.filter(sector_id__in=scope.sector_ids)))
    return qs


def get_campaign_for_user(user: Any, pk: Any, *, right: str | None = None) -> Campaign:
    return get_for_user(campaigns_visible_to(user), pk, user=user, right=right)


def get_task_for_user(user: Any, pk: Any, *, right: str | None = None) -> ReportTask:
    """A report task of a campaign the user sees (else 404), then `right` (else 403)."""
    tasks = ReportTask.objects.filter(campaign__in=campaigns_visible_to(user)).select_related("campaign__node")
    return get_for_user(tasks, pk, user=user, right=right)


def is_organiser(user: Any, campaign: Campaign) -> bool:
    """The organiser's officials: staff of the campaign's own node (a superuser counts)."""
    scope = scope_for(user)
    return scope.everything or (scope.node_id == campaign.node_id and scope.role in ORGANISING_ROLES)


def targets_visible_to(user: Any, campaign: Campaign | None = None) -> QuerySet[Target]:
    qs = Target.objects.filter(scope_for(user).enterprise_q("enterprise"))
    return qs.filter(campaign=campaign) if campaign is not None else qs
