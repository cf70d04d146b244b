"""Idempotency keys (safetyops/core/idempotency.py): the same post applied once, a key reused
elsewhere refused, and two copies racing on PostgreSQL applied once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from safetyops.core.audit import log_action
from safetyops.core.errors import ServiceError
from safetyops.core.idempotency import idempotency, idempotent
from safetyops.core.models import AuditEvent, IdempotencyKey
from safetyops.orgs.models import Node, User
from tests.conftest import World


@idempotent
def rename(*, actor: Any, node: Node, name: str, key: str | None = None) -> Node:
    """A step on an existing object: the key is claimed for it."""
    with idempotency(actor=actor, step="rename", key=key, obj=node):
        node.name = name
        node.save(update_fields=["name"])
        log_action(node, "test.node.renamed", actor=actor, data={"name": name})
    return node


@idempotent
def note(*, actor: Any, text: str, key: str | None = None, pause: float = 0) -> AuditEvent:
    """A step that creates its object: the key is claimed first and bound to what was made."""
    with idempotency(actor=actor, step="note", key=key) as claim:
        event = log_action(actor, "test.noted", actor=actor, data={"text": text})
        time.sleep(pause)  # widens the window in which a second copy arrives
        claim.bind(event)
    return event


def renamed(node: Node) -> int:
    return AuditEvent.objects.filter(action="test.node.renamed", target_id=str(node.pk)).count()


def test_the_same_key_twice_is_applied_once(world: World) -> None:
    first = rename(actor=world.official_a, node=world.town_a, name="东城街道", key="k1")
    again = rename(actor=world.official_a, node=world.town_a, name="东城街道", key="k1")
    assert again.pk == first.pk and renamed(world.town_a) == 1
    key = IdempotencyKey.objects.get(key="k1")
    assert (key.actor, key.step, key.target) == (world.official_a, "rename", world.town_a)


def test_without_a_key_every_call_applies(world: World) -> None:
    rename(actor=world.official_a, node=world.town_a, name="甲", key=None)
    rename(actor=world.official_a, node=world.town_a, name="乙", key="")
    assert renamed(world.town_a) == 2 and not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("reuse", ["other actor", "other object", "other step"])
def test_a_key_reused_elsewhere_is_refused(world: World, reuse: str) -> None:
    rename(actor=world.official_a, node=world.town_a, name="东城街道", key="k1")
    with pytest.raises(ServiceError, match="该表单已提交过，不能用于此次操作，请刷新页面后重新填写。"):
        if reuse == "other actor":
            rename(actor=world.county_admin, node=world.town_a, name="东城街道", key="k1")
        elif reuse == "other object":
            rename(actor=world.official_a, node=world.town_b, name="西山街道", key="k1")
        else:
            note(actor=world.official_a, text="备注", key="k1")
    assert renamed(world.town_b) == 0 and not AuditEvent.objects.filter(action="test.noted").exists()


def test_a_failed_step_leaves_its_key_free(world: World) -> None:
    class Refused(ServiceError):
        pass

    @idempotent
    def refuse(*, actor: Any, key: str) -> None:
        with idempotency(actor=actor, step="refuse", key=key):
            raise Refused("不行。")

    with pytest.raises(Refused):
        refuse(actor=world.official_a, key="k2")
    assert not IdempotencyKey.objects.filter(key="k2").exists()


def test_a_created_object_is_the_answer_to_the_repeat(world: World) -> None:
    first = note(actor=world.official_a, text="备注", key="k3")
    again = note(actor=world.official_a, text="备注", key="k3")
    assert again.pk == first.pk and AuditEvent.objects.filter(action="test.noted").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_copies_at_once_on_postgresql_apply_once(world: World) -> None:
    """No row lock here: the second INSERT of the key waits for the first transaction, then finds it."""
    actor = User.objects.get(pk=world.official_a.pk)
    barrier = threading.Barrier(2)
    answers: list[Any] = []

    def post() -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(note(actor=actor, text="备注", key="race", pause=0.3))
        except Exception as exc:
            answers.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(answers) == 2 and all(isinstance(a, AuditEvent) for a in answers), answers
    assert answers[0].pk == answers[1].pk
    assert AuditEvent.objects.filter(action="test.noted").count() == 1
