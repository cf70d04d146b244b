"""Campaign services: creating and editing a draft, launch (fixing the 底数), end, and keeping the
target list in step with the enterprises while the campaign runs. Every state change is atomic,
row-locked, checked against CAMPAIGN_STEPS and audited.

The other parts of the app (activities, report tasks, the summary) have their own services
modules; they hear of a launch through `campaigns.signals.campaign_launched`, sent after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.errors import CampaignError
from campaigns.lifecycle import CAMPAIGN_STEPS
from campaigns.models import Campaign, Target
from campaigns.signals import campaign_ended, campaign_launched
from safetyops.core.audit import log_action, log_actions
from safetyops.orgs.models import Department, Enterprise, Node, User
from safetyops.orgs.scope import get_node_for_user, path_and_above, sector_with_descendants

Status = Campaign.Status
SCOPE_FIELDS = ("scope_nodes", "scope_sectors", "scope_enterprises")
PLAIN_FIELDS = (
    "kind",
    "name",
    "year",
    "theme",
    "topic",
    "description",
    "starts_on",
    "ends_on",
    "goal_coverage",
    "goal_rectification",
    "scope_risk_levels",
    "checklist_template",
)


# The scope → the target enterprises ---------------------------------------------------------------


def scope_enterprises(campaign: Campaign) -> QuerySet[Enterprise]:
    """The enterprises the campaign's scope gives now: a hand-picked list if it has one, otherwise
    the organiser's subtree narrowed by the chosen nodes, sectors (with their sub-sectors) and risk
    levels. Closed enterprises (关闭) are never targets."""
    qs = Enterprise.objects.exclude(status=Enterprise.Status.CLOSED)
    picked = list(campaign.scope_enterprises.values_list("pk", flat=True)) if campaign.pk else []
    qs = qs.filter(node__path__startswith=campaign.node.path)
    if picked:
        return qs.filter(pk__in=picked)
    if campaign.pk:
        paths = list(campaign.scope_nodes.values_list("path", flat=True))
        if paths:
            within = Q()
            for path in paths:
                within |= Q(node__path__startswith=path)
            qs = qs.filter(within)
        sectors = set(campaign.scope_sectors.values_list("pk", flat=True))
        if sectors:
            qs = qs.filter(
                pk__in=Enterprise.sectors.through.objects.filter(sector_id__in=sector_with_descendants(sectors)).values(
                    "enterprise_id"
                )
            )
    if campaign.scope_risk_levels:
        qs = qs.filter(risk_level__in=campaign.scope_risk_levels)
    return qs


# Draft ------------------------------------------------------------------------------------------------


def _validate(fields: dict[str, Any], *, node: Node) -> None:
    starts_on, ends_on = fields.get("starts_on"), fields.get("ends_on")
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on < starts_on:
        raise CampaignError(_("结束日期不能早于开始日期，请检查行动期限。"))
    for goal, label in (("goal_coverage", _("覆盖率目标")), ("goal_rectification", _("整改率目标"))):
        value = fields.get(goal)
        if value is not None and not 0 <= int(value) <= 100:
            raise CampaignError(_("%(label)s应在0到100之间。") % {"label": label})
    levels = fields.get("scope_risk_levels") or []
    if set(levels) - set(Enterprise.RiskLevel.values):
        raise CampaignError(_("风险等级不正确，请重新选择。"))
    for scoped in fields.get("scope_nodes") or []:
        if not scoped.path.startswith(node.path):
            raise CampaignError(_("范围内的地区“%(name)s”不在组织单位辖区内。") % {"name": scoped.name})
    for enterprise in fields.get("scope_enterprises") or []:
        if not enterprise.node.path.startswith(node.path):
            raise CampaignError(_("指定企业“%(name)s”不在组织单位辖区内。") % {"name": enterprise.name})


def _set_scope(campaign: Campaign, fields: dict[str, Any]) -> None:
    for name in SCOPE_FIELDS:
        if name in fields:
            getattr(campaign, name).set(list(fields[name] or []))


def campaign_create(*, actor: User, node: Node | int, **fields: Any) -> Campaign:
    """A draft campaign organised at `node` (one of the actor's: officials organise at their own node)."""
    node = get_node_for_user(actor, node.pk if isinstance(node, Node) else node)
    draft = Campaign(node=node, kind=fields.get("kind", Campaign.Kind.OTHER), name="", year=0)
    CAMPAIGN_STEPS.check("edit", draft, actor)  # the organiser's officials only
    _validate(fields, node=node)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            node=node, created_by=actor, **{k: v for k, v in fields.items() if k in PLAIN_FIELDS}
        )
        _set_scope(campaign, fields)
        log_action(campaign, "campaigns.campaign.created", actor=actor, data={"kind": campaign.kind})
    return campaign


def _lock(campaign_id: int) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related("node").get(pk=campaign_id)


def campaign_update(*, actor: User, campaign_id: int, **fields: Any) -> Campaign:
    """Change a draft's name, period, goals or scope (a launched campaign's list is fixed)."""
    with transaction.atomic():
        campaign = _lock(campaign_id)
        CAMPAIGN_STEPS.check("edit", campaign, actor)
        _validate(fields, node=campaign.node)
        changed = []
        for name in PLAIN_FIELDS:
            if name in fields and getattr(campaign, name) != fields[name]:
                setattr(campaign, name, fields[name])
                changed.append(name)
        campaign.save()
        _set_scope(campaign, fields)
        log_action(
            campaign,
            "campaigns.campaign.updated",
            actor=actor,
            data={"fields": changed + [f for f in SCOPE_FIELDS if f in fields]},
        )
    return campaign


# Launch, end ----------------------------------------------------------------------------------------


def campaign_launch(*, actor: User, campaign_id: int) -> Campaign:
    """Fix the target list from the scope and start the campaign. A scope without enterprises is refused."""
    CAMPAIGN_STEPS.check_right("launch", actor)
    with transaction.atomic():
        campaign = _lock(campaign_id)
        CAMPAIGN_STEPS.check("launch", campaign, actor)
        now = timezone.now()
        rows = list(scope_enterprises(campaign).values_list("pk", "node_id"))
        if not rows:
            raise CampaignError(_("行动范围内没有企业，请调整范围（地区、行业领域、风险等级或指定企业）后再启动。"))
        Target.objects.bulk_create(
            [Target(campaign=campaign, enterprise_id=pk, node_id=node_id, added_at=now) for pk, node_id in rows],
            batch_size=2000,
        )
        campaign.status, campaign.launched_at = Status.ACTIVE, now
        campaign.save(update_fields=["status", "launched_at"])
        log_action(campaign, "campaigns.campaign.launched", actor=actor, data={"targets": len(rows)})
        transaction.on_commit(lambda: campaign_launched.send(sender=Campaign, campaign_id=campaign.pk))
    return campaign


def campaign_end(*, actor: User, campaign_id: int) -> Campaign:
    CAMPAIGN_STEPS.check_right("end", actor)
    with transaction.atomic():
        campaign = _lock(campaign_id)
        CAMPAIGN_STEPS.check("end", campaign, actor)
        campaign.status, campaign.ended_at = Status.ENDED, timezone.now()
        campaign.save(update_fields=["status", "ended_at"])
        log_action(campaign, "campaigns.campaign.ended", actor=actor)
        transaction.on_commit(lambda: campaign_ended.send(sender=Campaign, campaign_id=campaign.pk))
    return campaign


# Targets while the campaign runs --------------------------------------------------------------------


def targets_sync(*, campaign_id: int, enterprise_ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Bring an active campaign's list in step with its scope (for `enterprise_ids`, or all):
    enterprises that entered the scope join (列入, added later); those that closed or left it leave
    with the reason. Returns (added, removed). Idempotent: a second run changes nothing."""
    with transaction.atomic():
        campaign = _lock(campaign_id)
        if campaign.status != Status.ACTIVE:
            return 0, 0
        now = timezone.now()
        wanted_qs = scope_enterprises(campaign)
        current = Target.objects.filter(campaign=campaign, removed_at__isnull=True)
        if enterprise_ids is not None:
            ids = list(enterprise_ids)
            wanted_qs, current = wanted_qs.filter(pk__in=ids), current.filter(enterprise_id__in=ids)
            rows = Target.objects.filter(campaign=campaign, enterprise_id__in=ids)
        else:
            rows = Target.objects.filter(campaign=campaign)
        wanted = dict(wanted_qs.values_list("pk", "node_id"))
        known = dict(rows.values_list("enterprise_id", "pk"))
        # Joining: new rows, or a row that had left and comes back.
        new = [
            Target(campaign=campaign, enterprise_id=pk, node_id=node_id, added_at=now, added_later=True)
            for pk, node_id in wanted.items()
            if pk not in known
        ]
        Target.objects.bulk_create(new)
        back = list(
            rows.filter(enterprise_id__in=wanted_qs.values("pk"), removed_at__isnull=False).values_list(
                "pk", "enterprise_id"
            )
        )
        if back:
            Target.objects.filter(pk__in=[pk for pk, _e in back]).update(
                removed_at=None, removed_reason="", added_later=True
            )
        leaving = list(
            current.exclude(enterprise_id__in=wanted_qs.values("pk")).values_list(
                "pk", "enterprise_id", "enterprise__status"
            )
        )
        closed = [pk for pk, _e, status in leaving if status == Enterprise.Status.CLOSED]
        Target.objects.filter(pk__in=closed).update(removed_at=now, removed_reason=_("企业已关闭"))
        out = [pk for pk, _e, status in leaving if status != Enterprise.Status.CLOSED]
        Target.objects.filter(pk__in=out).update(removed_at=now, removed_reason=_("企业已不在行动范围内"))
        # The area follows a move: one UPDATE for every row whose enterprise has moved.
        moved = rows.exclude(node_id=F("enterprise__node_id"))
        moved.update(node_id=Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("node_id")[:1]))
        added = [t.enterprise_id for t in new] + [e for _p, e in back]
        if added:
            log_actions(
                Campaign, "campaigns.target.added", [(campaign.pk, str(campaign), {"enterprise": e}) for e in added]
            )
        if leaving:
            log_actions(
                Campaign,
                "campaigns.target.removed",
                [(campaign.pk, str(campaign), {"enterprise": e}) for _p, e, _s in leaving],
            )
    return len(added), len(leaving)


def active_campaigns_covering(enterprise: Enterprise) -> list[int]:
    """Active campaigns whose organiser's subtree holds the enterprise (their scope may take it in)."""
    above = path_and_above(enterprise.node.path)
    return list(Campaign.objects.filter(status=Status.ACTIVE, node__path__in=above).values_list("pk", flat=True))


# Units --------------------------------------------------------------------------------------------------

Unitlike = Node | Department | Enterprise


def check_units(campaign: Campaign, units: Iterable[Unitlike]) -> list[Unitlike]:
    """The units work may be addressed to: nodes, departments and enterprises in the organiser's
    subtree (a county addresses its townships, departments and enterprises). At least one."""
    found = list(dict.fromkeys(units))
    if not found:
        raise CampaignError(_("请至少选择一个承办单位。"))
    for unit in found:
        area_path = (
            unit.path if isinstance(unit, Node) else unit.node.path  # department / enterprise: its node
        )
        if not area_path.startswith(campaign.node.path):
            raise CampaignError(_("承办单位“%(name)s”不在组织单位辖区内。") % {"name": unit.name})
    return found
