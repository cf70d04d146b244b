"""Export jobs: asking for one, running it in a worker, the scoped download, and the daily clean-up.

Only this module changes ExportJob rows. A job is claimed with one conditional UPDATE
(safetyops/core/jobs.py), so a second delivery of its task writes nothing; progress and the result
are written only while the row is still this worker's claim.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyops.core import jobs
from safetyops.core.audit import log_action
from safetyops.core.dbrouting import reading_from_replica
from safetyops.exports.models import ExportJob, export_path
from safetyops.exports.registry import ExportRefused, ExportRun, export_kind
from safetyops.orgs.scope import Scope, has_right, scope_for

logger = logging.getLogger(__name__)
Status = ExportJob.Status

KEPT_FOR = timedelta(days=1)
ENQUEUE_GRACE = timedelta(minutes=5)  # a queued job older than this lost its message


# Params and scope -----------------------------------------------------------------------------


def export_params(query: QueryDict) -> dict[str, list[str]]:
    """A query string as the job keeps it: keys sorted, empty values dropped (what htmx adds)."""
    params = {key: [value for value in query.getlist(key) if value] for key in sorted(query)}
    return {key: values for key, values in params.items() if values}


def params_query(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    return query


def scope_snapshot(scope: Scope) -> dict[str, Any]:
    return {
        "everything": scope.everything,
        "node_path": scope.node_path,
        "sector_ids": None if scope.sector_ids is None else sorted(scope.sector_ids),
        "enterprise_id": scope.enterprise_id,
    }


def scope_covers(scope: Scope, snapshot: dict[str, Any]) -> bool:
    """Whether `scope` (the user's today) still sees everything the snapshot (at the request) saw."""
    if scope.everything:
        return True
    if snapshot.get("everything"):
        return False
    if snapshot.get("enterprise_id") is not None:
        return scope.enterprise_id == snapshot["enterprise_id"]
    path = snapshot.get("node_path")
    if path is None or scope.node_path is None or not path.startswith(scope.node_path):
        return False
    if scope.sector_ids is None:
        return True
    return snapshot.get("sector_ids") is not None and set(snapshot["sector_ids"]) <= scope.sector_ids


# Asking ---------------------------------------------------------------------------------------


def _params_key(kind: str, params: dict[str, list[str]]) -> str:
    return hashlib.sha256(json.dumps([kind, params], sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def export_job_request(*, user: Any, kind: str, params: dict[str, list[str]], run: ExportRun) -> ExportJob:
    """A job for this export, sent to a worker once the transaction commits. The same export asked
    again (a double click, a reload) while one is queued or running is that job, not a second one."""
    key = _params_key(kind, params)
    in_flight = ExportJob.objects.filter(requested_by=user, kind=kind, params_key=key, status__in=ExportJob.IN_FLIGHT)
    with transaction.atomic():
        if (existing := in_flight.first()) is not None:
            return existing
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(
                    kind=kind,
                    params=params,
                    params_key=key,
                    scope=scope_snapshot(scope_for(user)),
                    requested_by=user,
                    rows_total=run.total,
                    filename=run.filename,
                    queued_at=timezone.now(),
                    expires_at=timezone.now() + KEPT_FOR,
                )
        except IntegrityError:
            # A concurrent copy of the same request created it first (export_job_one_in_flight).
            return in_flight.get()
        log_action(job, "exports.job.requested", actor=user, data={"kind": kind, "rows": run.total})
        transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    from safetyops.exports.tasks import run_export

    run_export.delay(job_id)


# Running --------------------------------------------------------------------------------------


def export_job_run(*, job_id: int) -> None:
    """Write one queued export's workbook into storage; leaves the job done or failed. A second
    delivery finds the row claimed (or finished) and does nothing."""
    claimed_at = jobs.claim(ExportJob, job_id, waiting=Q(status=Status.QUEUED), running=Status.RUNNING, rows_done=0)
    if claimed_at is None:
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    mine = ExportJob.objects.filter(pk=job_id, status=Status.RUNNING, started_at=claimed_at)
    try:
        with jobs.heartbeat(ExportJob, job_id, claimed_at=claimed_at):
            jobs.slow_down_for_tests()
            kind = export_kind(job.kind)
            # The same scoped selector and filter as the page, for the requester as they are now.
            run = kind.build(job.requested_by, params_query(job.params))
            mine.update(rows_total=run.total)
            with tempfile.TemporaryFile() as out:
                # The rows from the read replica where there is one; the progress and the claim on default.
                with reading_from_replica():
                    rows = run.write(out, lambda n: mine.update(rows_done=n))
                out.seek(0)
                _store(job, out, claimed_at, rows=rows)
    except ExportRefused as exc:
        mine.update(status=Status.FAILED, error=exc.message)
    except (Http404, PermissionDenied):
        # The requester no longer sees what they asked for (a campaign left their scope, a right was taken).
        mine.update(status=Status.FAILED, error=_("您已无权导出这些数据，未生成文件。"))
    except Exception as exc:
        logger.exception("export %s failed", job_id)
        mine.update(
            status=Status.FAILED,
            error=_("导出时发生系统错误（%(kind)s），未生成文件。请返回原页面重新导出；如仍失败，请联系管理员。")
            % {"kind": type(exc).__name__},
        )


def _store(job: ExportJob, out: Any, claimed_at: datetime, *, rows: int) -> None:
    name = default_storage.save(export_path(job, job.filename), File(out))
    size = default_storage.size(name)
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != Status.RUNNING or locked.started_at != claimed_at:
            # Another worker took the row over (this one was presumed dead): its file stands.
            transaction.on_commit(lambda: default_storage.delete(name), robust=True)
            return
        locked.file.name = name
        locked.file_size = size
        locked.rows_done = locked.rows_total = rows
        locked.status, locked.error = Status.DONE, ""
        now = timezone.now()
        locked.finished_at, locked.expires_at = now, now + KEPT_FOR
        locked.save(
            update_fields=[
                "file",
                "file_size",
                "rows_done",
                "rows_total",
                "status",
                "error",
                "finished_at",
                "expires_at",
            ]
        )
        log_action(locked, "exports.job.finished", data={"rows": rows, "bytes": size})


def export_jobs_requeue_stale(*, now: datetime | None = None) -> int:
    """Sweeper (beat): send again the exports whose worker is gone and the queued ones whose message
    was lost; one that took its worker down JOB_MAX_ATTEMPTS times is recorded as failed."""
    now = now or timezone.now()
    lost = jobs.lost(ExportJob, running=Status.RUNNING, now=now)
    ExportJob.objects.filter(lost & jobs.given_up(running=Status.RUNNING, now=now)).update(
        status=Status.FAILED,
        error=_("导出过程中后台进程多次中断（可能是数据量过大或内存不足），已停止自动重试。请缩小筛选范围后重新导出。"),
    )
    ids = list(
        ExportJob.objects.filter(lost | Q(status=Status.QUEUED, queued_at__lt=now - ENQUEUE_GRACE))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        _send(pk)
    return len(ids)


def export_jobs_delete_expired(*, now: datetime | None = None) -> int:
    """Housekeeping: the jobs past `expires_at`, with their files. Returns how many rows went."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(expires_at__lt=now)
    count = 0
    for pk, name in expired.values_list("pk", "file"):
        if name:
            default_storage.delete(name)
        count += ExportJob.objects.filter(pk=pk).delete()[0]
    return count


# Reading --------------------------------------------------------------------------------------


def get_export_job_for_user(user: Any, pk: Any) -> ExportJob:
    """The user's own export while their scope still covers what it saw (else 404, as for any object
    outside the scope), and while they hold the kind's right (else 403)."""
    try:
        job = ExportJob.objects.get(pk=int(pk), requested_by_id=user.pk)
    except (ExportJob.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not scope_covers(scope_for(user), job.scope):
        raise Http404
    if not has_right(user, export_kind(job.kind).right):
        raise PermissionDenied
    return job


def is_expired(job: ExportJob, now: datetime | None = None) -> bool:
    return job.expires_at <= (now or timezone.now())


def sync_max_rows() -> int:
    return int(settings.EXPORT_SYNC_MAX_ROWS)
