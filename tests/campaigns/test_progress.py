"""A campaign's progress: coverage counts only inspections inside the period and the scope, the
hazard figures are those of the targets, the ranking orders the townships, and the query count
does not grow with the number of targets."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import progress as progress_module
from campaigns.models import Campaign
from campaigns.progress import campaign_progress, targets_not_inspected
from inspections.models import Inspection
from tests.campaigns.factories import county_campaign, travel
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory

START, END = date(2026, 11, 1), date(2026, 12, 31)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def _inspect(world: World, enterprise: Any, day: date) -> Inspection:
    return Inspection.objects.create(enterprise=enterprise, inspected_at=_at(day), created_by=world.official_a)


def _launched(world: World, **scope: Any) -> Campaign:
    return county_campaign(
        world,
        kind=Campaign.Kind.WINTER_SPRING,
        name="冬春大排查",
        starts_on=START,
        ends_on=END,
        goal_coverage=60,
        **scope,
    )


@travel(date(2026, 12, 2), 12)
def test_coverage_counts_inspections_inside_the_period_and_the_scope(world: World) -> None:
    campaign = _launched(world, scope_sectors=[world.sector_build])  # ent_a2 (town A), ent_b (town B)
    _inspect(world, world.ent_a2, date(2026, 10, 31))  # the day before the period: not counted
    _inspect(world, world.ent_a, date(2026, 11, 20))  # not a target (危化)
    progress = campaign_progress(user=world.county_admin, campaign=campaign)
    assert (progress.whole.targets, progress.whole.inspected) == (2, 0)

    _inspect(world, world.ent_b, date(2026, 11, 5))
    progress = campaign_progress(user=world.county_admin, campaign=campaign)
    assert (progress.whole.targets, progress.whole.inspected, str(progress.whole.coverage)) == (2, 1, "50.0")
    assert not progress.coverage_met  # goal 60 %
    # Ranked: 西山镇 (100 %) before 东城镇 (0 %).
    assert [(p.name, p.targets, p.inspected) for p in progress.ranking] == [("西山镇", 1, 1), ("东城镇", 1, 0)]
    assert [t.enterprise for t in targets_not_inspected(user=world.county_admin, campaign=campaign)] == [world.ent_a2]

    # A township sees its own part only, its villages ranked.
    mine = campaign_progress(user=world.official_a, campaign=campaign)
    assert (mine.whole.name, mine.whole.targets, mine.whole.inspected) == ("东城镇", 1, 0)
    assert [t.enterprise for t in targets_not_inspected(user=world.official_b, campaign=campaign)] == []


@travel(date(2026, 12, 2), 12)
def test_query_count_does_not_grow_with_the_targets(world: World) -> None:
    small = _launched(world)
    with CaptureQueriesContext(connection) as few:
        campaign_progress(user=world.county_admin, campaign=small)
    for i in range(30):
        enterprise = EnterpriseFactory(name=f"东城{i}号厂", node=world.village_a if i % 2 else world.town_b)
        if i % 3 == 0:
            _inspect(world, enterprise, date(2026, 11, 10) + timedelta(days=i % 5))
    large = _launched(world)
    with CaptureQueriesContext(connection) as many:
        progress = campaign_progress(user=world.county_admin, campaign=large)
    assert progress.whole.targets == 33 and progress.whole.inspected == 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_countys_view_is_counted_once_a_minute_a_townships_on_every_view(world: World) -> None:
    cache.clear()
    with travel(date(2026, 12, 2), 12):
        campaign = _launched(world)
        first = progress_module.progress_snapshot(user=world.county_admin, campaign=campaign)
        _inspect(world, world.ent_b, date(2026, 12, 1))
        again = progress_module.progress_snapshot(user=world.county_admin, campaign=campaign)
        town = progress_module.progress_snapshot(user=world.official_b, campaign=campaign)
    assert first.shared and again.shared and not town.shared
    assert (first.progress.whole.inspected, again.progress.whole.inspected) == (0, 0)  # the same minute's count
    assert again.counted_at == first.counted_at
    assert town.progress.whole.inspected == 1  # town B's own official sees the inspection at once
    cache.clear()  # as the minute's entry expires
    with travel(date(2026, 12, 2), 12):
        later = progress_module.progress_snapshot(user=world.county_admin, campaign=campaign)
    assert later.progress.whole.inspected == 1 and later.daily[-1] == (date(2026, 12, 2), 1)


def test_a_countys_list_of_targets_not_inspected_is_that_of_its_minutes_count(world: World) -> None:
    """The county's pages of targets not yet inspected go with the snapshot: sorted once per count,
    the same rows as the live list at that moment, with the count the figures give; the next
    count (the minute over) shows the inspection made since. A township's list is always live."""
    cache.clear()

    def shown(user: Any, campaign: Campaign, number: int = 1, per_page: int = 2) -> tuple[int, list[Any]]:
        snapshot = progress_module.progress_snapshot(user=user, campaign=campaign)
        pages = progress_module.not_inspected_pages(user=user, campaign=campaign, snapshot=snapshot, per_page=per_page)
        page = pages.get_page(number)
        return pages.count, [(target.enterprise.name, target.node.name) for target in page]

    def live(user: Any, campaign: Campaign) -> list[Any]:
        return [(t.enterprise.name, t.node.name) for t in targets_not_inspected(user=user, campaign=campaign)]

    with travel(date(2026, 12, 2), 12):
        campaign = _launched(world)
        before = live(world.county_admin, campaign)
        assert len(before) == 3
        assert shown(world.county_admin, campaign) == (3, before[:2])
        assert shown(world.county_admin, campaign, number=2) == (3, before[2:])
        _inspect(world, world.ent_a, date(2026, 12, 1))
        assert shown(world.county_admin, campaign) == (3, before[:2])  # the same minute's list
        assert shown(world.official_a, campaign, per_page=5) == (1, live(world.official_a, campaign))
    cache.clear()  # as the minute's entry expires
    with travel(date(2026, 12, 2), 12):
        after = live(world.county_admin, campaign)
        assert len(after) == 2 and shown(world.county_admin, campaign, per_page=5) == (2, after)
