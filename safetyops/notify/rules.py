"""The reminder rules: small, self-contained units that the daily scan asks what is due today.

A domain app writes one `Rule` per kind of reminder and registers it in its AppConfig.ready();
the scanner (services.reminders_scan) knows nothing about hazards, campaigns or letters. A new
kind of reminder is one more rule, never a change to the scanner.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet


@dataclass(frozen=True, slots=True)
class AuditNote:
    """An entry for the object's audit trail, written when its due is first sent (e.g. 提醒 on a
    hazard's timeline): once per (reason, object, day), by the scan that claims it."""

    action: str
    target_repr: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Due:
    """What one rule says is due today about one object: who gets it, and what it says."""

    target_type_id: int
    target_id: str
    recipients: tuple[int, ...]  # user ids
    title: str
    body: str
    url: str = ""
    node_id: int | None = None  # the object's area, for the group robots
    audit: AuditNote | None = None

    @classmethod
    def of(
        cls,
        target: models.Model | tuple[ContentType | int, Any],
        *,
        recipients: Iterable[int],
        title: str,
        body: str,
        url: str = "",
        node_id: int | None = None,
        audit: AuditNote | None = None,
    ) -> Due:
        """`target` is a model instance, or (content type or its id, object id) when a rule works
        from values_list() rows and never loads the objects."""
        if isinstance(target, models.Model):
            type_id, object_id = ContentType.objects.get_for_model(target).pk, target.pk
        else:
            content_type, object_id = target
            type_id = content_type.pk if isinstance(content_type, ContentType) else int(content_type)
        return cls(
            target_type_id=type_id,
            target_id=str(object_id),
            recipients=tuple(dict.fromkeys(int(user_id) for user_id in recipients)),
            title=title,
            body=body,
            url=url,
            node_id=node_id,
            audit=audit,
        )


class Rule:
    """Subclass, set `reason` (a slug, part of the once-per-day key) and `label`, write `due()`."""

    reason: str = ""
    label: str = ""

    def prepare(self, today: date) -> None:
        """Runs once before due() in every scan (e.g. to mark hazards 催办/督办)."""

    def due(self, today: date) -> Iterable[Due]:
        """Everything due today. Query in batches; never load a whole table."""
        raise NotImplementedError


_RULES: dict[str, Rule] = {}
_LABELS: dict[str, str] = {}


def register(rule: Rule) -> Rule:
    if not rule.reason:
        raise ValueError(f"{type(rule).__name__} has no reason")
    existing = _RULES.get(rule.reason)
    if existing is not None and type(existing) is not type(rule):
        raise ValueError(f"two rules share the reason {rule.reason!r}")
    _RULES[rule.reason] = rule
    _LABELS[rule.reason] = str(rule.label or rule.reason)
    return rule


def register_reason(reason: str, label: str) -> None:
    """A reason sent with services.notify_users() rather than by a rule (e.g. a briefing ready)."""
    _LABELS[reason] = str(label)


def registered_rules() -> list[Rule]:
    return list(_RULES.values())


def known_reasons() -> dict[str, str]:
    return dict(_LABELS)


def reason_label(reason: str) -> str:
    return _LABELS.get(reason, reason)


def keyset_batches(
    queryset: QuerySet[Any], *, fields: Iterable[str], key: str = "pk", size: int = 2000
) -> Iterator[list[dict[str, Any]]]:
    """Rows of `queryset` as dicts, `size` at a time, in (key, pk) order.

    Each batch is a short query that starts where the last one ended (keyset pagination), so a
    scan holds no cursor or lock between batches and never re-reads what it has passed, whatever
    the table size. With key="deadline" it walks an index on (…, deadline).
    """
    first = key
    columns = list(dict.fromkeys([*fields, first, "pk"]))
    ordered = queryset.order_by(first, "pk") if first != "pk" else queryset.order_by("pk")
    last: dict[str, Any] | None = None
    while True:
        page = ordered
        if last is not None:
            if first == "pk":
                page = page.filter(pk__gt=last["pk"])
            else:
                # The redundant >= bound lets the database start the index scan at the last key.
                page = page.filter(**{f"{first}__gte": last[first]}).filter(
                    Q(**{f"{first}__gt": last[first]}) | Q(**{first: last[first], "pk__gt": last["pk"]})
                )
        rows = list(page.values(*columns)[:size])
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = rows[-1]


def untold_batches(
    batches: Iterable[list[dict[str, Any]]], *, reason: str, content_type: ContentType | int
) -> Iterator[list[dict[str, Any]]]:
    """The batches without the rows whose object was ever sent `reason` (rules that tell once).

    One lookup per batch on the unique (reason, object, …) index, by the batch's ids. A NOT EXISTS
    anti-join in the batch query did the same, but its plan rests on the reminder table's
    statistics: right after the day's first rows went in (or a TRUNCATE) the planner took the
    table for empty and compared every letter with every reminder (31 s over 17,594 letters).
    """
    from safetyops.notify.models import Reminder

    type_id = content_type.pk if isinstance(content_type, ContentType) else int(content_type)
    for rows in batches:
        told = set(
            Reminder.objects.filter(
                reason=reason, target_type_id=type_id, target_id__in=[str(row["pk"]) for row in rows]
            ).values_list("target_id", flat=True)
        )
        if untold := [row for row in rows if str(row["pk"]) not in told]:
            yield untold
