"""Active campaigns' target lists follow the enterprises as soon as a change commits
(campaigns/targets.py), and the nightly task repairs what a signal missed."""

from __future__ import annotations

from typing import Any

from campaigns.models import Campaign, Target
from campaigns.targets import sync_all_active
from safetyops.orgs.models import Enterprise
from tests.campaigns.factories import county_campaign
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory


def _launched(world: World, **scope: Any) -> Campaign:
    return county_campaign(world, kind=Campaign.Kind.WINTER_SPRING, name="冬春大排查", **scope)


def _current(campaign: Campaign) -> set[int]:
    return set(Target.objects.filter(campaign=campaign, removed_at__isnull=True).values_list("enterprise", flat=True))


def test_a_registered_closed_or_resectored_enterprise_changes_the_list_on_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = _launched(world, scope_sectors=[world.sector_build])
    assert _current(campaign) == {world.ent_a2.pk, world.ent_b.pk}

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = EnterpriseFactory(name="东城新建建材有限公司", node=world.town_a, sectors=[world.sector_build])
    joined = Target.objects.get(campaign=campaign, enterprise=newcomer)
    assert joined.added_later and joined.node == world.town_a

    with django_capture_on_commit_callbacks(execute=True):
        world.ent_b.status = Enterprise.Status.CLOSED
        world.ent_b.save()
    gone = Target.objects.get(campaign=campaign, enterprise=world.ent_b)
    assert gone.removed_at is not None and gone.removed_reason == "企业已关闭"

    with django_capture_on_commit_callbacks(execute=True):
        world.ent_a.sectors.add(world.sector_build)  # the chemical plant also builds: it joins
    assert world.ent_a.pk in _current(campaign)
    assert sync_all_active() == 0  # nothing left to repair


def test_the_nightly_sync_repairs_a_missed_change_and_moves_the_area(world: World) -> None:
    campaign = _launched(world)
    # Changes behind the signals' back (a bulk update, no on_commit run in this test).
    Enterprise.objects.filter(pk=world.ent_a2.pk).update(status=Enterprise.Status.CLOSED)
    Enterprise.objects.filter(pk=world.ent_a.pk).update_past_move_signals(node=world.town_b)
    assert sync_all_active() == 1  # ent_a2 left; ent_a's move is not a change of the list
    assert _current(campaign) == {world.ent_a.pk, world.ent_b.pk}
    assert Target.objects.get(campaign=campaign, enterprise=world.ent_a).node == world.town_b
    assert sync_all_active() == 0
