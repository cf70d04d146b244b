"""Dashboard enterprise counts are cached per scope; every change to enterprises, their sectors or
the node tree makes the next dashboard count again."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings

from safetyops.orgs.models import Enterprise
from safetyops.orgs.selectors import _count_enterprise_stats, enterprise_stats, enterprises_changed, enterprises_version
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory, NodeFactory


def test_cached_counts_equal_a_fresh_count_for_every_role(world: World) -> None:
    for user in world.users().values():
        assert enterprise_stats(user=user) == _count_enterprise_stats(user=user), user.username
        assert enterprise_stats(user=user) == _count_enterprise_stats(user=user), user.username  # from the cache


def test_a_second_read_is_served_from_the_cache(world: World, django_assert_num_queries: Any) -> None:
    enterprise_stats(user=world.county_admin)
    world.county_admin._safetyops_scope = None  # the scope is built again, from the membership the user keeps
    with django_assert_num_queries(0):
        enterprise_stats(user=world.county_admin)


def test_a_new_enterprise_a_sector_change_and_a_move_are_seen_at_once(world: World) -> None:
    before = enterprise_stats(user=world.county_admin)
    new = EnterpriseFactory(node=world.town_b, sectors=[world.sector_chem])
    after = enterprise_stats(user=world.county_admin)
    assert after.total == before.total + 1
    chem = world.sector_chem.name
    assert dict(after.by_sector)[chem] == dict(before.by_sector)[chem] + 1

    new.sectors.set([world.sector_build])  # m2m_changed
    moved = enterprise_stats(user=world.county_admin)
    assert dict(moved.by_sector).get(chem, 0) == dict(before.by_sector)[chem]

    town_b_before = dict((node.pk, n) for node, n in moved.by_child_node)[world.town_b.pk]
    new.node = world.town_a
    new.save()
    counts = dict((node.pk, n) for node, n in enterprise_stats(user=world.county_admin).by_child_node)
    assert counts[world.town_b.pk] == town_b_before - 1


def test_a_new_township_appears_in_the_breakdown(world: World) -> None:
    enterprise_stats(user=world.county_admin)
    town = NodeFactory(parent=world.county, level="township", name="新设镇")
    assert town.pk in [node.pk for node, _ in enterprise_stats(user=world.county_admin).by_child_node]


def test_bulk_writers_invalidate_explicitly(world: World) -> None:
    before = enterprise_stats(user=world.county_admin).total
    Enterprise.objects.bulk_create([EnterpriseFactory.build(node=world.town_a)])  # no signals
    assert enterprise_stats(user=world.county_admin).total == before  # still the cached figure
    enterprises_changed()
    assert enterprise_stats(user=world.county_admin).total == before + 1


def test_scopes_do_not_share_cached_figures(world: World) -> None:
    county = enterprise_stats(user=world.county_admin).total
    town_a = enterprise_stats(user=world.official_a).total
    supervisor = enterprise_stats(user=world.supervisor_a).total
    assert county > town_a >= supervisor


def test_a_change_in_another_process_is_seen(world: World) -> None:
    """The Celery worker imports enterprises in its own process: the web process's cached counts
    must follow (a per-process cache would keep the old figures for an hour)."""
    before = enterprise_stats(user=world.county_admin)
    version = enterprises_version()
    script = (
        "import django; django.setup(); from safetyops.orgs.selectors import enterprises_changed; enterprises_changed()"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=settings.BASE_DIR, env={**os.environ})
    assert enterprises_version() != version
    assert enterprise_stats(user=world.county_admin) == before  # counted again, same figures


def test_a_renamed_sector_is_seen_at_once(world: World) -> None:
    enterprise_stats(user=world.county_admin)
    world.sector_chem.name = "危险化学品（含加油站）"
    world.sector_chem.save()
    assert "危险化学品（含加油站）" in dict(enterprise_stats(user=world.county_admin).by_sector)
