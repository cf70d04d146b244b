"""Services: the scan that claims due reminders, their delivery, and the inbox.

Exactly once: a reminder is a unique row (reason, object, recipient, day). The scan inserts the
rows it finds due with ON CONFLICT DO NOTHING and sends only the rows it inserted itself (they
carry its claim token), so a second scan, a second beat or a second worker finds nothing new.
Delivery holds the row with a lease (a conditional UPDATE), records every channel as a Delivery,
and a re-run after a crash skips the channels already sent. A due may carry an AuditNote (提醒 on a
hazard's timeline): the claim that first inserts rows for its object that day writes it, in the
same transaction, so it is written once however often the scan runs.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyops.core.audit import log_action, log_actions
from safetyops.notify.channels import (
    Message,
    PermanentDeliveryError,
    TransientDeliveryError,
    absolute_url,
    email_send,
    sms_backend,
    sms_text,
    webhook_post,
)
from safetyops.notify.models import ChannelPreference, Delivery, Notification, Reminder, WebhookEndpoint
from safetyops.notify.rules import Due, Rule, registered_rules
from safetyops.orgs.models import Node, User

logger = logging.getLogger(__name__)

CLAIM_BATCH = 5000  # dues per claim transaction (fewer commits: each one waits for the disk)
ENQUEUE_GRACE = timedelta(minutes=10)  # a pending row never tried after this was not enqueued: requeue it
RETRY_GRACE = timedelta(minutes=40)  # longer than the task's longest backoff (retry_backoff_max)
REQUEUE_LIMIT = 10_000

__all__ = [
    "PermanentDeliveryError",
    "TransientDeliveryError",
    "notify_users",
    "reminder_deliver",
    "reminders_claim",
    "reminders_requeue_stale",
    "reminders_retry",
    "reminders_scan",
]


# Claiming ----------------------------------------------------------------------------------------


ENQUEUE_BATCH = 200


def _enqueue(reminder_ids: Sequence[int]) -> None:
    """One broker message per 200 reminders: publishing 50,000 single messages took 13 s of a scan."""
    from safetyops.notify.tasks import deliver_reminder, deliver_reminders

    ids = list(reminder_ids)
    if len(ids) == 1:
        deliver_reminder.delay(ids[0])
        return
    for start in range(0, len(ids), ENQUEUE_BATCH):
        deliver_reminders.delay(ids[start : start + ENQUEUE_BATCH])


INSERT_BATCH = 1000  # rows per INSERT statement (7 parameters each: within SQLite's limit too)
# Filled per row by the claim; every other column of Reminder is the same for the whole claim.
_ROW_COLUMNS = ("target_type_id", "target_id", "recipient_id", "node_id", "title", "body", "url")


def _insert_new(rows: Sequence[tuple[Any, ...]], *, reason: str, day: date, token: str) -> list[tuple[int, int, str]]:
    """INSERT the rows … ON CONFLICT DO NOTHING RETURNING what was inserted: (id, type id, object id).

    One statement per INSERT_BATCH rows and no model instances: the database tells which rows are
    new (RETURNING lists only the rows this statement inserted), so no second query looks them up.
    A row another transaction is inserting at the same moment waits on the unique index and is then
    skipped, so each row is returned to exactly one caller. The columns every row shares (reason,
    day, the claim, the defaults) are written once per statement, not once per row: 16 values a
    row were half of the client's and the server's work.
    """
    fields = {str(f.column): f for f in Reminder._meta.concrete_fields if not f.primary_key}
    constant = {column: field.get_default() for column, field in fields.items() if column not in _ROW_COLUMNS}
    constant.update(reason=reason, day=day, claim=token, created_at=timezone.now())
    constant_values = [fields[column].get_db_prep_save(value, connection) for column, value in constant.items()]
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"

    def typed(column: str) -> str:
        # PostgreSQL gives a bare parameter outside VALUES the type text, and an all-NULL VALUES
        # column too: the column's own type says what it is.
        return f"CAST(%s AS {fields[column].db_type(connection)})" if postgres else "%s"

    # Names and types from the model, quoted; every value is a parameter.
    sql_head = (
        f"INSERT INTO {quote(Reminder._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(c) for c in (*_ROW_COLUMNS, *constant))}) "
        f"SELECT v.*, {', '.join(typed(c) for c in constant)} FROM (VALUES "
    )
    first = "(" + ", ".join(typed(c) for c in _ROW_COLUMNS) + ")"
    placeholder = "(" + ", ".join(["%s"] * len(_ROW_COLUMNS)) + ")"
    # WHERE true: SQLite needs it to read ON CONFLICT after INSERT … SELECT.
    tail = (
        ") AS v WHERE true "
        f"ON CONFLICT DO NOTHING RETURNING {quote(str(Reminder._meta.pk.column))}, "
        f"{quote('target_type_id')}, {quote('target_id')}"
    )
    inserted: list[tuple[int, int, str]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            part = rows[start : start + INSERT_BATCH]
            params = [*constant_values, *(value for row in part for value in row)]
            values = ", ".join([first, *[placeholder] * (len(part) - 1)])
            cursor.execute(sql_head + values + tail, params)
            inserted += [(int(pk), int(type_id), str(target_id)) for pk, type_id, target_id in cursor.fetchall()]
    return inserted


def reminders_claim(dues: Iterable[Due], *, reason: str, day: date) -> list[int]:
    """Insert one row per (due, recipient) unless it exists, and return the ids this call inserted.

    Their delivery is enqueued after the commit. A concurrent claim of the same rows waits for
    ours on the unique index and then inserts nothing, so each row is sent by exactly one caller.
    """
    return _claim(dues, reason=reason, day=day)[0]


def _claim(dues: Iterable[Due], *, reason: str, day: date, look_up: bool = True) -> tuple[list[int], bool]:
    """reminders_claim(), and whether some of these rows were there already. `look_up=False` skips
    reading which rows were sent today before the INSERT, except for the dues with an audit note."""
    token = uuid.uuid4().hex
    dues = [due for due in dues if due.recipients]
    if not dues:
        return [], False
    with transaction.atomic():
        # Rows sent already (a second scan the same day) are left out before the INSERT: one
        # indexed read instead of an INSERT that conflicts on every row. ON CONFLICT still decides.
        sent = _sent_today(dues if look_up else [due for due in dues if due.audit], reason=reason, day=day)
        rows = [
            (due.target_type_id, due.target_id, user_id, due.node_id, due.title[:200], due.body, due.url[:300])
            for due in dues
            for user_id in due.recipients
            if user_id not in sent.get((due.target_type_id, due.target_id), ())
        ]
        inserted = _insert_new(rows, reason=reason, day=day, token=token) if rows else []
        claimed = [pk for pk, _type_id, _target_id in inserted]
        ours = {(type_id, target_id) for _pk, type_id, target_id in inserted}
        _write_audit_notes(
            [
                due
                for due in dues
                if due.audit is not None
                and (due.target_type_id, due.target_id) in ours
                and (due.target_type_id, due.target_id) not in sent
            ]
        )
        if claimed:
            transaction.on_commit(functools.partial(_enqueue, claimed))
    return claimed, bool(sent) or len(inserted) < len(rows)


def _sent_today(dues: Sequence[Due], *, reason: str, day: date) -> dict[tuple[int, str], set[int]]:
    """Who already had this reminder today about each of these objects (an object in here had its
    audit note written then)."""
    found: dict[tuple[int, str], set[int]] = defaultdict(set)
    by_type: dict[int, list[str]] = defaultdict(list)
    for due in dues:
        by_type[due.target_type_id].append(due.target_id)
    for type_id, target_ids in by_type.items():  # one query per kind of object, usually one
        for target_id, user_id in Reminder.objects.filter(
            reason=reason, target_type_id=type_id, target_id__in=target_ids, day=day
        ).values_list("target_id", "recipient_id"):
            found[(type_id, target_id)].add(user_id)
    return found


def _write_audit_notes(dues: Sequence[Due]) -> None:
    """The first claim of a due that carries an AuditNote writes it on the object, in bulk."""
    grouped: dict[tuple[int, str], list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for due in dues:
        assert due.audit is not None
        data = {**due.audit.data, "recipients": len(due.recipients)}
        grouped[(due.target_type_id, due.audit.action)].append((due.target_id, due.audit.target_repr, data))
    for (type_id, action), entries in grouped.items():
        log_actions(ContentType.objects.get_for_id(type_id), action, entries)


def _chunks(items: Iterable[Due], size: int) -> Iterator[list[Due]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _claim_rule(rule: Rule, today: date) -> int:
    """Claim what the rule says is due, CLAIM_BATCH dues a transaction; returns the rows claimed."""
    total, look_up = 0, True
    for chunk in _chunks(rule.due(today), CLAIM_BATCH):
        claimed, seen = _claim(chunk, reason=rule.reason, day=today, look_up=look_up)
        total += len(claimed)
        # A chunk none of which was there before: the day's first scan of this rule, so its other
        # chunks are new too and reading them first is wasted. A conflict turns the reading on again.
        look_up = seen
    return total


def reminders_scan(*, today: date | None = None) -> dict[str, int]:
    """Ask every registered rule what is due today and claim it; returns new reminders per reason.

    A rule that fails is logged and the others still run; the scan then raises so that the
    task shows the failure.
    """
    today = today or timezone.localdate()
    counts: dict[str, int] = {}
    failed: list[str] = []
    for rule in registered_rules():
        try:
            rule.prepare(today)
            counts[rule.reason] = _claim_rule(rule, today)
        except Exception:
            logger.exception("reminder rule %s failed", rule.reason)
            failed.append(rule.reason)
    logger.info("reminder scan %s: %s", today, counts)
    if failed:
        raise RuntimeError(f"reminder rules failed: {', '.join(failed)} (others done: {counts})")
    return counts


def notify_users(
    *,
    reason: str,
    target: models.Model,
    users: Iterable[Any],
    title: str,
    body: str,
    url: str = "",
    node: Node | None = None,
    day: date | None = None,
) -> list[int]:
    """Send a reminder now, outside the daily scan (e.g. "简报已生成"): inbox, e-mail and, with a
    node, its group robots. Once per (reason, target, user, day): calling it twice sends nothing new."""
    user_ids = [getattr(user, "pk", user) for user in users]
    due = Due.of(target, recipients=user_ids, title=title, body=body, url=url, node_id=node.pk if node else None)
    return reminders_claim([due], reason=reason, day=day or timezone.localdate())


# Delivering --------------------------------------------------------------------------------------


def _max_attempts() -> int:
    return settings.REMINDER_MAX_RETRIES + 1


def _lease() -> timedelta:
    # Longer than the task's hard time limit: a lease that runs out means the worker is gone.
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _lease_free(now: Any) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lt=now)


def _endpoints_for(node: Node | None, reason: str) -> list[WebhookEndpoint]:
    """Active robots of the object's area and of every area above it."""
    if node is None:
        return []
    codes = [code for code in node.path.strip("/").split("/") if code]
    endpoints = WebhookEndpoint.objects.filter(active=True, node__code__in=codes).order_by("pk")
    return [endpoint for endpoint in endpoints if endpoint.wants(reason)]


def _plan_deliveries(reminder: Reminder) -> None:
    """Record the channels this reminder goes to (once; a retry finds them already recorded)."""
    user = reminder.recipient
    preference = ChannelPreference.objects.filter(user=user).first()
    rows = []
    if (preference is None or preference.email) and user.email:
        rows.append(Delivery(reminder=reminder, channel=Delivery.Channel.EMAIL, target=user.email.strip().lower()))
    if preference is not None and preference.sms and user.phone and sms_backend() is not None:
        rows.append(Delivery(reminder=reminder, channel=Delivery.Channel.SMS, target=user.phone))
    group_key = f"{reminder.reason}|{reminder.target_type_id}|{reminder.target_id}|{reminder.day.isoformat()}"
    rows += [
        Delivery(reminder=reminder, channel=endpoint.kind, target=str(endpoint.pk), group_key=group_key)
        for endpoint in _endpoints_for(reminder.node, reminder.reason)
    ]
    # A robot post already owned by another recipient's reminder is skipped by its unique index.
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)


def _message(reminder: Reminder, channel: str) -> Message:
    return Message(
        title=reminder.title,
        body=reminder.body,
        url=absolute_url(reminder.url),
        key=f"reminder-{reminder.pk}-{channel}",
    )


def _send(delivery: Delivery, reminder: Reminder) -> None:
    message = _message(reminder, delivery.channel)
    if delivery.channel == Delivery.Channel.EMAIL:
        email_send(message=message, address=delivery.target)
    elif delivery.channel == Delivery.Channel.SMS:
        backend = sms_backend()
        if backend is None:
            raise PermanentDeliveryError(_("短信通道未开通（REMINDER_SMS_BACKEND 为空）"))
        backend.send(phone=delivery.target, text=sms_text(message))
    else:
        endpoint = WebhookEndpoint.objects.filter(pk=int(delivery.target), active=True).first()
        if endpoint is None:
            raise PermanentDeliveryError(_("群机器人已停用或已删除"))
        webhook_post(kind=endpoint.kind, url=endpoint.url, secret=endpoint.secret, message=message)


def _deliver_channel(delivery: Delivery, reminder: Reminder) -> str:
    """Send one channel unless it is sent already; returns its status afterwards."""
    now = timezone.now()
    if delivery.status == Delivery.Status.SENDING:
        # We hold the reminder's lease, so whoever marked this "sending" died mid-send: it may
        # have gone out. Not sending again keeps the promise of at most one copy.
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.FAILED,
            last_error=_("上次发送时进程中断，无法确认是否已送达；为避免重复未再发送。可在后台“重新投递”。"),
        )
        return Delivery.Status.FAILED
    if not Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENDING, attempts=F("attempts") + 1
    ):
        return Delivery.objects.get(pk=delivery.pk).status
    try:
        _send(delivery, reminder)
    except PermanentDeliveryError as exc:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=str(exc))
        return Delivery.Status.FAILED
    except Exception as exc:  # transient, or a bug: both are retried a bounded number of times
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING, last_error=str(exc)[:2000])
        if not isinstance(exc, TransientDeliveryError):
            logger.exception("reminder %s: %s failed", reminder.pk, delivery.channel)
        return Delivery.Status.PENDING
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=now, last_error="")
    return Delivery.Status.SENT


def reminder_deliver(*, reminder_id: int) -> str:
    """Deliver one reminder: inbox, then each channel once. Raises TransientDeliveryError while a
    channel may still work (the task retries with backoff); after the last try marks it failed."""
    now = timezone.now()
    claimed = Reminder.objects.filter(
        _lease_free(now), pk=reminder_id, status=Reminder.Status.PENDING, attempts__lt=_max_attempts()
    ).update(attempts=F("attempts") + 1, locked_until=now + _lease(), claimed_at=now)
    if not claimed:
        # Sent, failed, held by another worker, or out of attempts (then it is failed now).
        Reminder.objects.filter(
            _lease_free(now), pk=reminder_id, status=Reminder.Status.PENDING, attempts__gte=_max_attempts()
        ).update(status=Reminder.Status.FAILED, locked_until=None)
        return "skipped"
    reminder = Reminder.objects.select_related("recipient", "node").get(pk=reminder_id)
    Notification.objects.get_or_create(
        reminder=reminder,
        defaults={"user": reminder.recipient, "title": reminder.title, "body": reminder.body, "url": reminder.url},
    )
    _plan_deliveries(reminder)
    pending = list(
        reminder.deliveries.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).order_by("pk")
    )
    outcomes = {delivery.pk: _deliver_channel(delivery, reminder) for delivery in pending}
    retry = [pk for pk, status in outcomes.items() if status == Delivery.Status.PENDING]
    if retry:
        errors = "; ".join(f"{d.get_channel_display()}: {d.last_error}" for d in Delivery.objects.filter(pk__in=retry))
        if reminder.attempts < _max_attempts():
            Reminder.objects.filter(pk=reminder.pk).update(locked_until=None, last_error=errors)
            raise TransientDeliveryError(errors)
        Delivery.objects.filter(pk__in=retry).update(status=Delivery.Status.FAILED)
    failed = list(reminder.deliveries.filter(status=Delivery.Status.FAILED))
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.FAILED if failed else Reminder.Status.SENT,
        sent_at=now,
        locked_until=None,
        last_error="; ".join(f"{d.get_channel_display()}: {d.last_error}" for d in failed),
    )
    return "failed" if failed else "sent"


def reminders_requeue_stale(*, now: Any = None) -> int:
    """Enqueue again what was lost: rows never enqueued (the process died before on_commit),
    rows whose worker died (lease ran out), and retries whose message was lost."""
    now = now or timezone.now()
    stale = Reminder.objects.filter(status=Reminder.Status.PENDING).filter(
        Q(locked_until__lt=now)
        | Q(locked_until__isnull=True, claimed_at__lt=now - RETRY_GRACE)
        | Q(locked_until__isnull=True, claimed_at__isnull=True, created_at__lt=now - ENQUEUE_GRACE)
    )
    ids = list(stale.order_by("created_at").values_list("pk", flat=True)[:REQUEUE_LIMIT])
    _enqueue(ids)
    return len(ids)


def reminders_retry(*, actor: User, reminder_ids: Iterable[int]) -> int:
    """An admin sends failed reminders again: their failed channels start over."""
    with transaction.atomic():
        reminders = list(
            Reminder.objects.select_for_update().filter(pk__in=list(reminder_ids), status=Reminder.Status.FAILED)
        )
        ids = [reminder.pk for reminder in reminders]
        Delivery.objects.filter(
            reminder_id__in=ids, status__in=[Delivery.Status.FAILED, Delivery.Status.SENDING]
        ).update(status=Delivery.Status.PENDING, attempts=0)
        Reminder.objects.filter(pk__in=ids).update(
            status=Reminder.Status.PENDING, attempts=0, locked_until=None, last_error=""
        )
        for reminder in reminders:
            log_action(reminder, "notify.reminder.retried", actor=actor)
        transaction.on_commit(functools.partial(_enqueue, ids))
    return len(ids)


# Inbox and preferences ---------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification: Notification) -> None:
    if notification.user_id != user.pk:  # the views pass only the user's own; keep it true here too
        raise PermissionError
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.read_at = timezone.now()
        user.__dict__.pop("inbox_unread", None)  # the count the request's user carries is old now


def notifications_mark_all_read(*, user: User) -> int:
    user.__dict__.pop("inbox_unread", None)  # the count the request's user carries is old now
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def channel_preferences_update(*, user: User, email_address: str, email: bool, sms: bool) -> ChannelPreference:
    """Save which channels the user wants (the inbox is always on) and where e-mail goes."""
    with transaction.atomic():
        preference, _created = ChannelPreference.objects.select_for_update().get_or_create(user=user)
        before = {"email": preference.email, "sms": preference.sms, "address": user.email}
        preference.email, preference.sms = email, sms
        preference.save()
        if user.email != email_address:
            user.email = email_address
            user.save(update_fields=["email"])
        after = {"email": email, "sms": sms, "address": email_address}
        if before != after:
            log_action(user, "notify.preferences.updated", actor=user, data={"before": before, "after": after})
    return preference
