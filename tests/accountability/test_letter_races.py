"""Signing races on PostgreSQL: two devices of the same principal sign one letter at the same
moment (one signature, the other told it is signed), and a double tap of one form (applied once,
both answered with the signed letter)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accountability import services
from accountability.errors import LetterError
from accountability.models import Letter
from safetyops.evidence import signing
from safetyops.evidence.models import Signature
from safetyops.orgs.models import User
from tests.accountability.factories import issued_letter
from tests.conftest import World

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(action: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(action(n))
        except LetterError as exc:
            outcomes.append(str(exc.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_devices_signing_at_once_make_one_signature(world: World) -> None:
    letter = issued_letter(world)
    leader = User.objects.get(pk=world.leader_a.pk)
    name = signing.name_of(leader)

    def sign(n: int) -> Any:
        return services.letter_sign(actor=leader, letter=letter, typed_name=name, confirmed=True, key=f"device-{n}")

    outcomes = _race(sign)
    assert len(outcomes) == 2, outcomes
    signed = [o for o in outcomes if isinstance(o, Letter)]
    refused = [o for o in outcomes if isinstance(o, str)]
    assert len(signed) == 1 and len(refused) == 1, outcomes
    assert "已签署，不能重复签署" in refused[0]
    assert Signature.objects.count() == 1
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SIGNED and letter.signature_id == Signature.objects.get().pk


def test_a_double_tap_of_one_form_signs_once(world: World) -> None:
    letter = issued_letter(world)
    leader = User.objects.get(pk=world.leader_a.pk)
    name = signing.name_of(leader)

    def sign(n: int) -> Any:
        return services.letter_sign(actor=leader, letter=letter, typed_name=name, confirmed=True, key="one-form")

    outcomes = _race(sign)
    assert len(outcomes) == 2 and all(isinstance(o, Letter) for o in outcomes), outcomes
    assert Signature.objects.count() == 1
