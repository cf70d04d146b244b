"""The declared-steps kit (safetyops/core/steps.py) on a toy lifecycle: a door that opens and locks."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from safetyops.core.errors import NotPermitted, ServiceError
from safetyops.core.steps import Condition, Lifecycle, Offered, Rule, Step


class DoorError(ServiceError):
    pass


class DoorForbidden(DoorError, NotPermitted):
    pass


@dataclass
class Door:
    status: str = "closed"
    owner: str = "ann"
    jammed: bool = False


@dataclass
class Person:
    name: str
    rights: set[str] = field(default_factory=set)


def _rule(door: Door, person: Person) -> ServiceError | None:
    return DoorError("门卡住了。") if door.jammed else None


DOOR = Lifecycle(
    steps=[
        Step("open", source=["closed"], target="open", right="door.use", conditions=[Rule(_rule)]),
        Step(
            "lock",
            source=["closed"],
            target="locked",
            right="door.use",
            conditions=[Condition(lambda d, p: d.owner == p.name, "只有房主可以上锁。", forbidden=True)],
            wrong_state="关着的门才能上锁。",
        ),
        Step("close", source=["open"], target="closed"),
    ],
    has_right=lambda person, right: right in person.rights,
    error=DoorError,
    forbidden=DoorForbidden,
    not_permitted="您的角色不能执行此操作。",
    unavailable=lambda door, person: f"门现在是{door.status}。",
    refused=lambda door, person: f"门现在是{door.status}，请刷新。",
)
ANN = Person("ann", {"door.use"})
BOB = Person("bob", {"door.use"})
GUEST = Person("guest")


def test_a_step_is_allowed_when_right_state_and_conditions_hold() -> None:
    assert DOOR.steps_for(Door(), ANN) == {"open": None, "lock": None, "close": "门现在是closed。"}
    assert DOOR.available(Door(), ANN) == {"open", "lock"}
    DOOR.check("lock", Door(), ANN)  # does not raise


def test_without_the_right_the_step_is_forbidden_in_the_apps_class() -> None:
    with pytest.raises(DoorForbidden, match="您的角色不能执行此操作"):
        DOOR.check("open", Door(), GUEST)
    with pytest.raises(DoorForbidden):
        DOOR.check_right("open", GUEST)
    assert DOOR.check_right("close", GUEST) is None  # a step without a right is anyone's


def test_who_comes_before_when() -> None:
    """A forbidden condition answers 403 even when the state is wrong as well."""
    refusal = DOOR.refusal("lock", Door(status="open"), BOB)
    assert isinstance(refusal, DoorForbidden) and refusal.message == "只有房主可以上锁。"
    assert isinstance(DOOR.forbids("lock", Door(status="open"), BOB), DoorForbidden)
    assert DOOR.forbids("lock", Door(status="open"), ANN) is None


def test_the_state_message_the_page_shows_and_the_one_a_stale_post_gets() -> None:
    door = Door(status="open")
    assert DOOR.refusal("open", door, ANN).message == "门现在是open。"  # type: ignore[union-attr]
    with pytest.raises(DoorError, match="请刷新") as raised:
        DOOR.check("open", door, ANN)
    assert not isinstance(raised.value, NotPermitted)
    with pytest.raises(DoorError, match="关着的门才能上锁"):  # a step's own wording wins
        DOOR.check("lock", door, ANN)


def test_a_rule_gives_its_own_error() -> None:
    with pytest.raises(DoorError, match="门卡住了"):
        DOOR.check("open", Door(jammed=True), ANN)
    assert DOOR.steps_for(Door(jammed=True), ANN)["open"] == "门卡住了。"


def test_offered_reads_in_templates() -> None:
    steps = Offered(DOOR.steps_for(Door(), BOB))
    assert steps.open is True and steps["open"] is True
    assert steps.lock is False and steps.reason("lock") == "只有房主可以上锁。"
    assert steps.any and not Offered(DOOR.steps_for(Door(status="locked"), BOB)).any
    with pytest.raises(KeyError):
        steps["fly"]
    with pytest.raises(AttributeError):
        steps.fly  # noqa: B018


def test_steps_are_declared_once_by_name() -> None:
    assert DOOR["lock"].target == "locked" and DOOR["lock"].source == frozenset({"closed"})
