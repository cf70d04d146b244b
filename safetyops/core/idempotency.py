"""Idempotent steps: a form carries a key; the service claims it for (actor, object, step) in its
transaction, so the same post applied twice (a retry, a double click, two copies at once) takes
effect once and the repeat is answered with the first result.

Claiming is an INSERT on a unique column inside the service's transaction: a concurrent copy waits
on that row until the first commits, then finds it. Nothing reads database error texts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from safetyops.core.errors import ServiceError
from safetyops.core.models import IdempotencyKey

P = ParamSpec("P")
R = TypeVar("R")


class AlreadyApplied(Exception):
    """This very post was applied before; `result` is the object it acted on (raised to unwind)."""

    def __init__(self, claim: IdempotencyKey) -> None:
        super().__init__(claim.key)
        self.claim = claim

    @property
    def result(self) -> Any:
        return self.claim.target


class Claim:
    """A key claimed by the running service; `bind(obj)` records the object once it exists."""

    def __init__(self, row: IdempotencyKey | None) -> None:
        self.row = row

    def bind(self, obj: models.Model) -> None:
        if self.row is None:
            return
        self.row.target_type = ContentType.objects.get_for_model(obj)
        self.row.target_id = str(obj.pk)
        self.row.save(update_fields=["target_type", "target_id"])


def _target(obj: models.Model | None) -> tuple[int | None, str]:
    if obj is None:
        return None, ""
    return ContentType.objects.get_for_model(obj).pk, str(obj.pk)


def claim_key(
    *,
    actor: Any,
    step: str,
    key: str | None,
    obj: models.Model | None = None,
    error: type[ServiceError] = ServiceError,
) -> Claim:
    """Claim `key` for this actor, step and object (call inside the service's transaction).

    Raises AlreadyApplied when the same actor already applied this step with it, and ServiceError
    (`error`, the app's subclass) when the key belongs to another actor, object or step: a stale or
    forged form."""
    if not key:
        return Claim(None)
    type_id, target_id = _target(obj)
    row, created = IdempotencyKey.objects.get_or_create(
        key=key, defaults={"actor": actor, "step": step, "target_type_id": type_id, "target_id": target_id}
    )
    if created:
        return Claim(row)
    elsewhere = obj is not None and (row.target_type_id, row.target_id) != (type_id, target_id)
    if row.actor_id != actor.pk or row.step != step or elsewhere:
        raise error(_("该表单已提交过，不能用于此次操作，请刷新页面后重新填写。"))
    raise AlreadyApplied(row)


@contextmanager
def idempotency(
    *,
    actor: Any,
    step: str,
    key: str | None,
    obj: models.Model | None = None,
    error: type[ServiceError] = ServiceError,
) -> Iterator[Claim]:
    """`with idempotency(actor=, step=, key=, obj=) as claim:` claims the key in a transaction that
    also holds the body; a replay raises AlreadyApplied before the body runs (see `idempotent`)."""
    with transaction.atomic():
        yield claim_key(actor=actor, step=step, key=key, obj=obj, error=error)


def idempotent(service: Callable[P, R]) -> Callable[P, R]:
    """Answer a replayed post with the object the first one acted on, without applying it again."""

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except AlreadyApplied as done:
            return done.result  # type: ignore[no-any-return]

    return wrapper
