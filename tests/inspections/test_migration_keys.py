"""Migration 0010 moves the form keys of hazard events into core's IdempotencyKey: a post retried
after the upgrade is still recognised as the one applied before it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("inspections", "0009_lifecycle_extension_withdrawn"), ("core", "0003_steps_idempotency_key")]
AFTER = [("inspections", "0010_steps_idempotency_keys")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_event_keys_become_idempotency_keys() -> None:
    old = _migrate(BEFORE)
    Node = old.get_model("orgs", "Node")
    Enterprise = old.get_model("orgs", "Enterprise")
    User = old.get_model("orgs", "User")
    Hazard = old.get_model("inspections", "Hazard")
    HazardEvent = old.get_model("inspections", "HazardEvent")
    node = Node.objects.create(code="990001", name="测试县", level="county", kind="county")
    enterprise = Enterprise.objects.create(name="测试企业", node=node, credit_code="91110000600037341L")
    official = User.objects.create(username="migrating_official")
    now = timezone.now()
    hazard = Hazard.objects.create(
        number="YH-2026-990001-00001",
        enterprise=enterprise,
        node=node,
        level="general",
        category="thing",
        description="测试",
        deadline=now.date(),
        registered_by=official,
        registered_at=now,
    )
    HazardEvent.objects.create(hazard=hazard, action="registered", actor=official, idempotency_key="k-reg")
    HazardEvent.objects.create(hazard=hazard, action="verified", actor=official, idempotency_key="k-verify")
    HazardEvent.objects.create(hazard=hazard, action="plan_submitted", actor=official)  # no key: nothing to move

    new = _migrate(AFTER)
    keys = {k.key: (k.step, k.actor_id, k.target_id) for k in new.get_model("core", "IdempotencyKey").objects.all()}
    assert keys == {
        "k-reg": ("register", official.pk, str(hazard.pk)),
        "k-verify": ("verify", official.pk, str(hazard.pk)),
    }
    fields = {f.name for f in new.get_model("inspections", "HazardEvent")._meta.get_fields()}
    assert "idempotency_key" not in fields
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())  # leave the database as the other tests expect it
