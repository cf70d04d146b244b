"""Claims of background jobs (an import, a briefing render) by one worker process.

A job row that a worker takes records who took it (`claimed_by`: host and pid) and a heartbeat
(`heartbeat_at`) that a thread refreshes while the job runs. Another delivery of the same task
takes the row over at once when its claimant is gone: the heartbeat is older than
JOB_HEARTBEAT_STALE_SECONDS, or the claimant ran on this host and its process no longer exists.
A live claimant keeps its row however long it works.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models import Case, F, Q, When
from django.utils import timezone

logger = logging.getLogger(__name__)


def worker_identity() -> str:
    """This process, as stored in `claimed_by`: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claimant_alive(claimed_by: str) -> bool | None:
    """True or False for a claimant on this host (its process exists, and is no zombie); None when
    it ran elsewhere (only its heartbeat can tell)."""
    host, _sep, pid_text = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in {"Z", "X"}  # killed but not yet reaped by its parent: dead all the same


def heartbeat_cutoff(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)


# A row claimed before heartbeats existed (heartbeat_at empty) counts as lost this long after its start.
UNBEATEN_STALE_AFTER = timedelta(minutes=15)


def claimant_lost(*, running: str, now: datetime) -> Q:
    """Rows in the `running` status whose heartbeat stopped."""
    return Q(status=running) & (
        Q(heartbeat_at__lt=heartbeat_cutoff(now))
        | Q(heartbeat_at__isnull=True, started_at__lt=now - UNBEATEN_STALE_AFTER)
    )


def dead_local_claimants(model: type[models.Model], *, running: str, pks: list[int] | None = None) -> list[str]:
    """The `claimed_by` values of running rows whose process on this host has died."""
    rows = model.objects.filter(status=running).exclude(claimed_by="")  # type: ignore[attr-defined]
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    claimants = set(rows.values_list("claimed_by", flat=True))
    return sorted(c for c in claimants if claimant_alive(c) is False)


def lost(model: type[models.Model], *, running: str, now: datetime, pks: list[int] | None = None) -> Q:
    """Running rows whose claimant is gone: no heartbeat for a while, or a dead process on this host."""
    condition = claimant_lost(running=running, now=now)
    dead = dead_local_claimants(model, running=running, pks=pks)
    if dead:
        condition |= Q(status=running, claimed_by__in=dead)
    return condition


def claim(model: type[models.Model], pk: int, *, waiting: Q, running: str, **fields: Any) -> datetime | None:
    """Take row `pk` for this process if it is waiting, or running with its claimant gone and fewer
    than JOB_MAX_ATTEMPTS - 1 takeovers (a job that kills its worker each time stops there), with
    one conditional UPDATE: a concurrent claimer changes 0 rows. Returns the claim time or None."""
    now = timezone.now()
    taken_over = lost(model, running=running, now=now, pks=[pk]) & Q(takeovers__lt=settings.JOB_MAX_ATTEMPTS - 1)
    changed = model.objects.filter(waiting | taken_over, pk=pk).update(  # type: ignore[attr-defined]
        # SET expressions see the row as it was: a row that was running counts one more takeover.
        takeovers=Case(
            When(status=running, then=F("takeovers") + 1),
            default=F("takeovers"),
            output_field=models.PositiveIntegerField(),
        ),
        status=running,
        started_at=now,
        heartbeat_at=now,
        claimed_by=worker_identity(),
        **fields,
    )
    return now if changed else None


def given_up(*, running: str, now: datetime) -> Q:
    """Lost rows that were taken over too often already: to be recorded as failed, not run again."""
    return Q(status=running, takeovers__gte=settings.JOB_MAX_ATTEMPTS - 1)


@contextmanager
def heartbeat(model: type[models.Model], pk: int, *, claimed_at: datetime) -> Iterator[None]:
    """Refresh the row's heartbeat every JOB_HEARTBEAT_SECONDS while the block runs (in a thread
    with its own database connection), as long as the row is still ours."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    model.objects.filter(pk=pk, started_at=claimed_at).update(  # type: ignore[attr-defined]
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a locked SQLite file, a lost connection: try at the next beat
                    logger.warning("heartbeat of %s %s failed", model.__name__, pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def slow_down_for_tests() -> None:
    """JOB_TEST_DELAY_SECONDS (tests only): a job sleeps this long after its claim, so that a test
    can kill the worker mid-job."""
    if settings.JOB_TEST_DELAY_SECONDS:
        time.sleep(settings.JOB_TEST_DELAY_SECONDS)
