"""One definition of a hazard's area (Hazard.node = its enterprise's node, moved with it), read alike
by the tally, the dashboard, the ledger and the briefing; bulk writes cannot skip the tally."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from inspections.models import Hazard, HazardBulkWriteError, HazardTally
from inspections.scope import hazards_visible_to
from inspections.stats import hazard_stats
from inspections.tally import live_counts, rebuild_tallies, tally_counts
from safetyops.briefings.figures import briefing_figures
from safetyops.orgs.models import Enterprise, EnterpriseBulkMoveError, Role
from safetyops.orgs.scope import scope_for
from safetyops.orgs.services import enterprise_update
from tests.conftest import World
from tests.orgs.factories import make_user

pytestmark = pytest.mark.django_db


def ledger_total(client: Any, user: Any, **params: Any) -> str:
    client.force_login(user)
    html = client.get(reverse("inspections:hazard_ledger"), params).content.decode()
    return html.split("共 ", 1)[1].split(" 条隐患", 1)[0]


def assert_tally_equals_live(world: World) -> None:
    today = timezone.localdate()
    for user in (world.county_admin, world.official_a, world.official_b, world.leader_county):
        assert tally_counts(scope_for(user), today=today) == live_counts(hazards_visible_to(user), today)


def test_after_an_enterprise_moves_the_dashboard_the_ledger_and_the_briefing_agree(
    client: Any, world: World, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user(Role.ENTERPRISE_USER, enterprise=world.ent_a2, username="enterprise_a2")
    with django_capture_on_commit_callbacks(execute=True):
        hazard_factory(enterprise=world.ent_a2)
        hazard_factory(enterprise=world.ent_a2, level="major", status="rectifying", enterprise_user=owner)
        hazard_factory(enterprise=world.ent_a2, status="closed", enterprise_user=owner)
        hazard_factory(enterprise=world.ent_a)
    rebuild_tallies()
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_update(actor=world.county_admin, enterprise=world.ent_a2, node=world.town_b)
    # Open and closed alike now lie in 西山镇, where the enterprise is and whose officials see them.
    assert set(Hazard.objects.filter(enterprise=world.ent_a2).values_list("node", flat=True)) == {world.town_b.pk}
    assert not HazardTally.objects.filter(dirty=True).exists()
    today = timezone.localdate()
    for user, town, found in ((world.official_b, world.town_b, 3), (world.official_a, world.town_a, 1)):
        dashboard = hazard_stats(user=user)
        assert dashboard.found_this_year == found and tally_counts(scope_for(user))["total"] == found
        assert ledger_total(client, user) == str(found)  # unfiltered: from the tally
        assert ledger_total(client, world.county_admin, node=town.pk) == str(found)  # by area: counted live
        figures = briefing_figures(town, today.replace(day=1), today)
        assert figures["totals"]["found"] == found
    county = briefing_figures(world.county, today.replace(day=1), today)
    assert {u["name"]: u["found"] for u in county["units"]} == {"东城镇": 1, "西山镇": 3}
    assert_tally_equals_live(world)


def test_a_bulk_update_through_the_tally_aware_path_keeps_the_tally_right(
    world: World, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = hazard_factory()
        hazard_factory(enterprise=world.ent_b)
    rebuild_tallies()
    overdue = timezone.localdate() - timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        changed = Hazard.objects.filter(pk=first.pk).tally_update(deadline=overdue, level="major")
    assert changed == 1 and not HazardTally.objects.filter(dirty=True).exists()
    assert tally_counts(scope_for(world.official_a))["overdue"] == 1
    assert tally_counts(scope_for(world.county_admin))["major"] == 1
    assert_tally_equals_live(world)


def test_a_bulk_update_not_yet_recounted_leaves_the_row_dirty_so_it_is_counted_live(
    world: World, hazard_factory: Any
) -> None:
    hazard = hazard_factory()
    rebuild_tallies()
    Hazard.objects.filter(pk=hazard.pk).tally_update(status="closed", closed_at=timezone.now())  # never committed
    assert HazardTally.objects.get(node=world.ent_a.node).dirty
    assert tally_counts(scope_for(world.official_a))["open"] == 0
    assert_tally_equals_live(world)


def test_plain_bulk_writes_of_counted_columns_are_refused(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory()
    with pytest.raises(HazardBulkWriteError, match="tally_update"):
        Hazard.objects.filter(pk=hazard.pk).update(status="closed")
    with pytest.raises(HazardBulkWriteError):
        world.ent_a.hazards.update(deadline=date(2026, 1, 1))  # the related manager too
    with pytest.raises(HazardBulkWriteError):
        Hazard.objects.bulk_update([hazard], ["level"])
    with pytest.raises(HazardBulkWriteError, match="tally_bulk_create"):
        Hazard.objects.bulk_create([Hazard(number="YH-X", enterprise=world.ent_a, node=world.ent_a.node)])
    assert Hazard.objects.get(pk=hazard.pk).status == "registered"
    # A column the tally does not count may be written in bulk (the reminder scan's 催办 mark).
    assert Hazard.objects.filter(pk=hazard.pk).update(description="说明已更正") == 1


def test_a_queryset_delete_marks_the_node_dirty(world: World, hazard_factory: Any) -> None:
    """Hazards with events are protected; one without (a bulk-created row) is deleted through the
    collector, which sends post_delete per row because the tally listens."""
    template = hazard_factory()
    fields = {f.attname: getattr(template, f.attname) for f in Hazard._meta.concrete_fields if not f.primary_key}
    Hazard.objects.tally_bulk_create([Hazard(**{**fields, "number": "YH-BARE"})])
    rebuild_tallies()
    assert tally_counts(scope_for(world.official_a))["total"] == 2
    Hazard.objects.filter(number="YH-BARE").delete()
    assert HazardTally.objects.get(node=world.ent_a.node).dirty
    assert tally_counts(scope_for(world.official_a))["total"] == 1
    assert_tally_equals_live(world)


def test_the_migration_moves_hazards_left_behind_by_an_earlier_move(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(enterprise=world.ent_a2)
    # As before this rule: the enterprise moved, its hazard stayed (written past the guard on purpose).
    Enterprise.objects.filter(pk=world.ent_a2.pk).update_past_move_signals(node=world.town_b)
    assert Hazard.objects.get(pk=hazard.pk).node_id == world.town_a.pk
    migration = importlib.import_module("inspections.migrations.0013_sections_hazard_area")
    state = MigrationExecutor(connection).loader.project_state(("inspections", "0013_sections_hazard_area"))
    migration.forwards(state.apps, None)
    assert Hazard.objects.get(pk=hazard.pk).node_id == world.town_b.pk


def test_a_bulk_move_of_enterprises_cannot_skip_their_hazards(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(enterprise=world.ent_a2)
    with pytest.raises(EnterpriseBulkMoveError):
        Enterprise.objects.filter(pk=world.ent_a2.pk).update(node=world.town_b)
    with pytest.raises(EnterpriseBulkMoveError):
        Enterprise.objects.filter(pk=world.ent_a2.pk).update(node_id=world.town_b.pk)
    assert Hazard.objects.get(pk=hazard.pk).node_id == world.town_a.pk
    assert Enterprise.objects.filter(pk=world.ent_a2.pk).update(employees=12) == 1  # other fields pass
