"""The per-node hazard tally (inspections/tally.py): whatever happens to hazards, the counts it
gives equal a live count, and dashboards and the ledger read it."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Hazard, HazardTally
from inspections.scope import hazards_visible_to
from inspections.stats import hazard_stats
from inspections.tally import live_counts, rebuild_tallies, refresh_nodes, tally_counts
from safetyops.orgs.models import User
from safetyops.orgs.scope import scope_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def assert_tally_equals_live(world: World, *users: User) -> None:
    today = timezone.localdate()
    for user in users or (world.county_admin, world.official_a, world.official_b, world.leader_county):
        scope = scope_for(user)
        assert tally_counts(scope, today=today) == live_counts(hazards_visible_to(user), today), user.username


def test_rows_follow_every_step_of_the_lifecycle(
    world: World, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hazard_factory(level="general", status="closed")
        major = hazard_factory(level="major", status="rectifying")
        hazard_factory(enterprise=world.ent_b, status="awaiting_verification")
        waiting = hazard_factory(status="registered", deadline=timezone.localdate() + timedelta(days=2))
        services.hazard_request_extension(
            actor=world.enterprise_a,
            hazard_id=waiting.pk,
            reason="设备到货延迟",
            requested_deadline=timezone.localdate() + timedelta(days=20),
        )
        services.hazard_list_supervision(actor=world.county_admin, hazard_id=major.pk, comment="挂牌")
    rows = HazardTally.objects.filter(node__in=[world.ent_a.node, world.ent_b.node])
    assert rows.count() == 2 and not rows.filter(dirty=True).exists()
    row_a = HazardTally.objects.get(node=world.ent_a.node)
    assert (row_a.total, row_a.major_open, row_a.listed, row_a.extensions_pending) == (3, 1, 1, 1)
    assert_tally_equals_live(world)


def test_a_change_not_yet_recounted_is_counted_live(world: World, hazard_factory: Any) -> None:
    hazard_factory()
    rebuild_tallies()
    # No on-commit here (the test's transaction never commits): the row stays dirty.
    hazard_factory(level="major", status="rectifying")
    assert HazardTally.objects.get(node=world.ent_a.node).dirty
    assert tally_counts(scope_for(world.county_admin))["total"] == 2
    assert_tally_equals_live(world)


def test_rows_of_another_day_are_counted_live(world: World, hazard_factory: Any) -> None:
    today = timezone.localdate()
    hazard_factory(deadline=today + timedelta(days=1))
    rebuild_tallies(today=today)
    assert tally_counts(scope_for(world.county_admin), today=today)["overdue"] == 0
    # Two days later the tally (of today) no longer says how many are overdue: counted live.
    later = today + timedelta(days=2)
    assert tally_counts(scope_for(world.county_admin), today=later)["overdue"] == 1


def test_nodes_without_a_row_are_counted_live(world: World, hazard_factory: Any) -> None:
    hazard_factory(enterprise=world.ent_b)
    HazardTally.objects.all().delete()
    assert tally_counts(scope_for(world.county_admin))["total"] == 1


def test_an_enterprise_that_moves_takes_its_counts_along(
    world: World, hazard_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hazard_factory(enterprise=world.ent_a2)
        hazard_factory(enterprise=world.ent_a2, level="major")
    rebuild_tallies()
    with django_capture_on_commit_callbacks(execute=True):
        world.ent_a2.node = world.town_b
        world.ent_a2.save()
    assert not HazardTally.objects.filter(dirty=True).exists()
    assert tally_counts(scope_for(world.official_b))["total"] == 2
    assert tally_counts(scope_for(world.official_a))["total"] == 0
    assert_tally_equals_live(world)


def test_rebuild_equals_live_counts(world: World, hazard_factory: Any) -> None:
    today = timezone.localdate()
    for enterprise, level, status, days in [
        (world.ent_a, "general", "closed", -3),
        (world.ent_a, "major", "plan_pending", -1),
        (world.ent_a2, "general", "registered", 5),
        (world.ent_b, "major", "awaiting_verification", -8),
        (world.ent_b, "general", "registered", 0),
    ]:
        hazard = hazard_factory(enterprise=enterprise, level=level, status=status)
        Hazard.objects.filter(pk=hazard.pk).tally_update(deadline=today + timedelta(days=days))
    assert rebuild_tallies() >= 4
    assert not HazardTally.objects.filter(dirty=True).exists()
    assert_tally_equals_live(world)
    assert tally_counts(scope_for(world.county_admin))["overdue"] == 2


def test_scopes_the_tally_cannot_answer_are_counted_live(world: World, hazard_factory: Any) -> None:
    hazard_factory()
    rebuild_tallies()
    assert tally_counts(scope_for(world.supervisor_a)) is None  # by sector
    assert tally_counts(scope_for(world.enterprise_a)) is None
    assert hazard_stats(user=world.enterprise_a).open == 1


def test_dashboard_and_unfiltered_ledger_read_the_tally(client: Any, world: World, hazard_factory: Any) -> None:
    hazard_factory(level="major", status="rectifying")
    rebuild_tallies()
    # Inflate the clean row: what the pages show now can only come from the tally.
    HazardTally.objects.filter(node=world.ent_a.node).update(total=4321, major_open=77, open=1234)
    client.force_login(world.county_admin)
    home = client.get(reverse("home")).content.decode()
    assert "1234" in home.replace(",", "") and "其中重大 77" in home
    ledger = client.get(reverse("inspections:hazard_ledger")).content.decode()
    assert "共 4321 条隐患" in ledger
    # A filtered ledger is counted live.
    filtered = client.get(reverse("inspections:hazard_ledger"), {"level": "major"}).content.decode()
    assert "共 1 条隐患" in filtered


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_recount_waits_for_a_transaction_still_marking_the_row(world: World, hazard_factory: Any) -> None:
    """Two people at once: the recount started while another transaction holds the row sees
    that transaction's hazard once it commits."""
    hazard_factory()
    rebuild_tallies()
    node_id = world.ent_a.node_id
    marked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def other_person() -> None:
        try:
            with transaction.atomic():
                hazard_factory(level="major", status="registered")  # marks the row, holds its lock
                marked.set()
                release.wait(10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=other_person)
    thread.start()
    assert marked.wait(10)
    recount = threading.Thread(target=lambda: (refresh_nodes([node_id]), connection.close()))
    recount.start()
    recount.join(0.5)
    assert recount.is_alive(), "the recount must wait for the row lock"
    release.set()
    thread.join(10)
    recount.join(10)
    assert not errors
    row = HazardTally.objects.get(node_id=node_id)
    assert (row.total, row.major, row.dirty) == (2, 1, False)
