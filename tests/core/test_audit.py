"""The one audit trail: log_action writes it, each app registers how its actions read, core names none."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from safetyops.core import audit
from safetyops.core.audit import action_label, log_action, log_actions, register_action_labels, registered_actions
from safetyops.core.models import AuditEvent
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_0-9]+$")


def test_each_app_registers_the_labels_of_its_actions() -> None:
    labels = registered_actions()
    assert labels["orgs.enterprise.created"] == "登记企业"
    assert labels["notify.reminder.retried"] == "重新投递提醒"
    assert labels["briefings.briefing.published"] == "印发简报"
    assert labels["inspections.hazard.urged"] == "催办"
    assert labels["inspections.hazard.supervised"] == "督办"
    assert labels["inspections.hazard.reminded"] == "提醒"
    app_labels = {config.label for config in apps.get_app_configs()}
    for action in labels:
        assert action.split(".")[0] in app_labels - {"core"}, action


def test_every_action_written_in_the_code_has_a_label() -> None:
    """Each literal action passed to log_action / log_actions / AuditNote is registered by its app."""
    written: set[str] = set()
    for folder in ("safetyops", "inspections", "campaigns", "accountability"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and ACTION.match(node.value):
                    app, thing, _done = node.value.split(".")
                    if app in {"orgs", "notify", "briefings", "inspections"} and thing != "tasks":  # not task names
                        written.add(node.value)
    assert written, "found no actions: the scan is broken"
    missing = sorted(action for action in written if action_label(action) == action)
    assert not missing, f"actions without a label: {missing}"


def test_core_names_no_apps_action() -> None:
    for path in (ROOT / "safetyops" / "core").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ACTION.match(node.value):
                assert node.value.split(".")[0] not in {"orgs", "notify", "briefings", "inspections"}, (
                    f"{path.name} names the action {node.value}"
                )
    assert not hasattr(audit, "audit_log")  # one writer


def test_a_label_registered_twice_must_read_the_same() -> None:
    register_action_labels({"orgs.enterprise.created": "登记企业"})  # the same: fine
    with pytest.raises(ValueError, match="twice"):
        register_action_labels({"orgs.enterprise.created": "别的说法"})


def test_log_action_writes_one_entry(world: World) -> None:
    event = log_action(world.ent_a, "orgs.enterprise.updated", actor=world.official_a, data={"changes": {}})
    assert event.target_type == ContentType.objects.get_for_model(world.ent_a)
    assert (event.target_id, event.target_repr, event.actor) == (
        str(world.ent_a.pk),
        world.ent_a.name,
        world.official_a,
    )
    assert event.get_action_label() == "修改企业信息"
    anonymous = log_action(world.ent_a, "orgs.enterprise.updated", actor=object())
    assert anonymous.actor is None  # no user (a scan, a task): the system


def test_log_actions_writes_many_in_one_insert(world: World, django_assert_num_queries: object) -> None:
    rows = [(world.ent_a.pk, world.ent_a.name, {"n": 1}), (world.ent_b.pk, world.ent_b.name, {"n": 2})]
    ContentType.objects.get_for_model(type(world.ent_a))  # cached, as in a running process
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert log_actions(type(world.ent_a), "orgs.enterprise.updated", rows) == 2
    assert sorted((e.target_repr, e.data["n"]) for e in AuditEvent.objects.all()) == sorted(
        [(world.ent_a.name, 1), (world.ent_b.name, 2)]
    )
