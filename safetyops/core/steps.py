"""Declared steps: each lifecycle is written once as a table that the services and the views read.

A `Step` names the states it starts from, the state it leads to, the right it needs and its
conditions, each with the message shown when it does not hold. `Lifecycle.check` raises that
message (the services refuse with it); `Lifecycle.steps_for` says, for every step, None (the user
may take it now) or the reason why not (the views show buttons and explanations from it).
Generic: the rights check is passed in, so core knows no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils.functional import Promise

from safetyops.core.errors import NotPermitted, ServiceError

T = TypeVar("T")
Message = str | Promise | Callable[[Any, Any], str]


def _text(message: Message, obj: Any, actor: Any) -> str:
    return message(obj, actor) if callable(message) else str(message)


@dataclass(frozen=True)
class Condition(Generic[T]):
    """`test(obj, actor)` must hold for the step; otherwise `message` (a text, or a function of the
    object and the actor) is the reason. `forbidden` conditions are about who (answered with 403),
    the others about when (shown as a message)."""

    test: Callable[[T, Any], bool]
    message: Message
    forbidden: bool = False

    def refusal(self, obj: T, actor: Any, errors: tuple[type[ServiceError], type[NotPermitted]]) -> ServiceError | None:
        if self.test(obj, actor):
            return None
        return errors[1 if self.forbidden else 0](_text(self.message, obj, actor))


@dataclass(frozen=True)
class Rule(Generic[T]):
    """A condition whose refusal is computed as a whole by a function of the domain (its own class
    and message), e.g. a rule the forms share: `refusal(obj, actor) -> ServiceError | None`."""

    refusal_of: Callable[[T, Any], ServiceError | None]
    forbidden: bool = False

    def refusal(self, obj: T, actor: Any, errors: tuple[type[ServiceError], type[NotPermitted]]) -> ServiceError | None:
        return self.refusal_of(obj, actor)


Check = Condition[Any] | Rule[Any]


@dataclass(frozen=True)
class Step:
    """One declared step. `source` lists the states it starts from; `target` is where it leads
    (None: the state does not change, or the service decides among several); `wrong_state` is the
    message when the object is in another state (default: the lifecycle's); `action` the audit
    action the step writes, when it is always the same."""

    name: str
    source: frozenset[str]
    target: str | None = None
    right: str | None = None
    conditions: tuple[Check, ...] = ()
    label: str | Promise = ""
    wrong_state: Message | None = None
    action: str = ""

    def __init__(
        self,
        name: str,
        *,
        source: Iterable[str],
        target: str | None = None,
        right: str | None = None,
        conditions: Iterable[Check] = (),
        label: str | Promise = "",
        wrong_state: Message | None = None,
        action: str = "",
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", frozenset(source))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "right", right)
        object.__setattr__(self, "conditions", tuple(conditions))
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "wrong_state", wrong_state)
        object.__setattr__(self, "action", action)


@dataclass
class Lifecycle(Generic[T]):
    """The steps of one kind of object. `has_right(actor, right)` and the messages are the app's.

    `unavailable(obj, actor)` is what a page says of a step the object's state does not allow;
    `refused(obj, actor)` what a service says when a post meets that state (the page was stale).
    `error` and `forbidden` are the app's subclasses of ServiceError and NotPermitted."""

    steps: Iterable[Step]
    has_right: Callable[[Any, str], bool]
    not_permitted: Message
    unavailable: Message
    refused: Message | None = None
    error: type[ServiceError] = ServiceError
    forbidden: type[NotPermitted] = NotPermitted
    state: Callable[[T], str] = field(default=lambda obj: obj.status)
    by_name: dict[str, Step] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {step.name: step for step in self.steps}
        self.steps = tuple(self.by_name.values())

    def __getitem__(self, name: str) -> Step:
        return self.by_name[name]

    def forbids(self, name: str, obj: T, actor: Any) -> NotPermitted | None:
        """Who may not take the step at all (the right, then the forbidden conditions): a page
        answers 403 from this, whatever the object's state."""
        step = self.by_name[name]
        if step.right is not None and not self.has_right(actor, step.right):
            return self.forbidden(_text(self.not_permitted, obj, actor))
        for check in step.conditions:
            if check.forbidden and (problem := check.refusal(obj, actor, (self.error, self.forbidden))) is not None:
                return problem  # type: ignore[return-value]
        return None

    def refusal(self, name: str, obj: T, actor: Any, *, acting: bool = False) -> ServiceError | None:
        """Why `actor` may not take the step now, or None. Who comes before when: the right, then
        the forbidden conditions (403), then the state, then the other conditions in order.
        `acting`: the service asks (a post met a state the page did not show: say it was stale)."""
        if (forbidden := self.forbids(name, obj, actor)) is not None:
            return forbidden
        step = self.by_name[name]
        if self.state(obj) not in step.source:
            message = step.wrong_state or (self.refused if acting and self.refused else self.unavailable)
            return self.error(_text(message, obj, actor))
        for check in step.conditions:
            if not check.forbidden and (problem := check.refusal(obj, actor, (self.error, self.forbidden))):
                return problem
        return None

    def check_right(self, name: str, actor: Any) -> None:
        """Refuse early (before any lock) an actor whose role lacks the step's right."""
        step = self.by_name[name]
        if step.right is not None and not self.has_right(actor, step.right):
            raise self.forbidden(_text(self.not_permitted, None, actor))

    def check(self, name: str, obj: T, actor: Any) -> None:
        """Raise the refusal (ServiceError, or NotPermitted for 403) unless the step may be taken."""
        if (problem := self.refusal(name, obj, actor, acting=True)) is not None:
            raise problem

    def allows(self, name: str, obj: T, actor: Any) -> bool:
        return self.refusal(name, obj, actor) is None

    def steps_for(self, obj: T, actor: Any) -> dict[str, str | None]:
        """Every step with None (may take it now) or the reason why not, for a page to show."""
        return {
            step.name: (problem.message if (problem := self.refusal(step.name, obj, actor)) else None)
            for step in self.by_name.values()
        }

    def available(self, obj: T, actor: Any) -> set[str]:
        return {name for name, reason in self.steps_for(obj, actor).items() if reason is None}


class Offered:
    """What a template needs: `steps.verify` is True when the step is offered, `steps.any` when one is."""

    def __init__(self, reasons: Mapping[str, str | None]) -> None:
        self.reasons = dict(reasons)

    def __getitem__(self, name: str) -> bool:
        if name not in self.reasons:
            raise KeyError(name)
        return self.reasons[name] is None

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_") or name not in self.__dict__.get("reasons", {}):
            raise AttributeError(name)
        return self.reasons[name] is None

    @property
    def any(self) -> bool:
        return any(reason is None for reason in self.reasons.values())

    def reason(self, name: str) -> str:
        return self.reasons.get(name) or ""
