"""The ledger export above EXPORT_SYNC_MAX_ROWS: a job on the `reports` queue whose workbook is the
one the request would have sent, its progress, the scoped download, expiry, and a real worker."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from inspections.ledger_export import HAZARD_LEDGER, build_ledger_export
from safetyops.celery import app
from safetyops.core.housekeeping import run_cleaners
from safetyops.exports import registry
from safetyops.exports.models import ExportJob
from safetyops.exports.registry import export_kind
from safetyops.exports.services import export_job_run, export_jobs_requeue_stale, params_query
from safetyops.exports.tasks import run_export
from safetyops.orgs.models import Membership, Role
from tests.conftest import World
from tests.exports.workbooks import active_cells as _cells
from tests.inspections import test_ledger
from tests.inspections.test_ledger import Ledger
from tests.orgs.factories import make_user
from tests.races import at_once
from tests.workers import celery_worker

EXPORT = reverse("inspections:hazard_export")
ledger = test_ledger.ledger  # the fixture


def _job_after(client: Any, params: dict[str, str], capture: Any) -> tuple[Any, ExportJob]:
    with capture(execute=True):
        response = client.get(EXPORT, params)
    job = ExportJob.objects.get()
    return response, job


def _download(client: Any, job: ExportJob) -> Any:
    return client.get(reverse("exports:job_download", args=[job.pk]))


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_below_the_threshold_the_file_is_in_the_response(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.leader_county)
    settings.EXPORT_SYNC_MAX_ROWS = 100
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get(EXPORT, {"level": "general"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists() and not callbacks


def test_above_the_threshold_a_job_and_its_page(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.leader_county)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    response, job = _job_after(client, {"level": "general"}, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("exports:job_detail", args=[job.pk])
    assert (job.kind, job.params, job.requested_by) == (HAZARD_LEDGER, {"level": ["general"]}, world.leader_county)
    assert job.status == "done" and job.rows_total == job.rows_done > 1
    page = client.get(response["Location"]).content.decode()
    assert f"已导出 {job.rows_done} / {job.rows_total} 行" in page
    assert reverse("exports:job_download", args=[job.pk]) in page
    # htmx asks for the status partial, which stops polling once the job is done.
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'id="export-status"' in partial
    assert "hx-trigger" not in partial and "<html" not in partial


def test_the_ledgers_export_link_follows_a_redirect(client: Any, world: World, ledger: Ledger) -> None:
    """A `download` attribute would save the job page's HTML as the file: the link is a plain one,
    the workbook comes as an attachment anyway."""
    client.force_login(world.leader_county)
    page = client.get(reverse("inspections:hazard_ledger")).content.decode()
    link = next(tag for tag in page.split("<a ")[1:] if EXPORT in tag.split(">")[0])
    assert " download" not in link.split(">")[0] and 'hx-boost="false"' in link


def test_an_htmx_request_is_sent_to_the_jobs_page(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.leader_county)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=False):
        response = client.get(EXPORT, {}, headers={"HX-Request": "true"})
    job = ExportJob.objects.get()
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("exports:job_detail", args=[job.pk])


def test_a_queued_job_polls_and_shows_its_progress(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.leader_county)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=False):
        client.get(EXPORT, {})
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status="running", rows_done=2)
    partial = client.get(reverse("exports:job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in partial and f"已导出 2 / {job.rows_total} 行" in partial
    assert f'aria-valuenow="{2 * 100 // job.rows_total}"' in partial
    assert "exports:job_download" not in partial and "/download/" not in partial


def test_the_jobs_workbook_is_the_one_the_request_sends(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any, frozen: Any
) -> None:
    client.force_login(world.official_a)
    params = {"status": "open", "sort": "number"}
    settings.EXPORT_SYNC_MAX_ROWS = 10_000
    sync = b"".join(client.get(EXPORT, params).streaming_content)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    _, job = _job_after(client, params, django_capture_on_commit_callbacks)
    response = _download(client, job)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    from_job = b"".join(response.streaming_content)
    assert _cells(from_job) == _cells(sync)
    assert len(_cells(sync)["cells"]) == 3 + job.rows_total and job.rows_total >= 2
    # The scope is official_a's: nothing of town B.
    assert all(row[1][0] != ledger.b_general.number for row in _cells(from_job)["cells"][3:])


def test_progress_is_reported_while_the_rows_are_written(world: World, ledger: Ledger, monkeypatch: Any) -> None:
    monkeypatch.setattr(registry, "PROGRESS_EVERY", 1)
    seen: list[int] = []
    run = build_ledger_export(world.leader_county, params_query({}))
    written = run.write(io.BytesIO(), seen.append)
    assert written == run.total >= 3 and seen[:3] == [1, 2, 3] and seen[-1] == run.total


def test_the_same_export_asked_twice_is_one_job(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.official_a)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.get(EXPORT, {"level": "general", "q": ""})
        second = client.get(EXPORT, {"level": "general"})  # the same filter, without htmx's empty field
    assert first["Location"] == second["Location"]
    assert ExportJob.objects.count() == 1 and len(callbacks) == 1
    # Another order is another export.
    with django_capture_on_commit_callbacks(execute=False):
        client.get(EXPORT, {"level": "general", "sort": "number"})
    assert ExportJob.objects.count() == 2


def test_a_second_delivery_writes_nothing(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.official_a)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    _, job = _job_after(client, {}, django_capture_on_commit_callbacks)
    name, finished_at = job.file.name, job.finished_at
    export_job_run(job_id=job.pk)  # the message delivered again
    job.refresh_from_db()
    assert (job.file.name, job.finished_at, job.attempts) == (name, finished_at, 0)
    assert default_storage.listdir("exports")[1] == [Path(name).name]


def test_only_the_requester_downloads_while_their_scope_covers_it(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.official_a)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    _, job = _job_after(client, {}, django_capture_on_commit_callbacks)
    assert _download(client, job).status_code == 200
    colleague = make_user(Role.TOWNSHIP_OFFICIAL, node=world.town_a, username="official_a_colleague")
    client.force_login(colleague)  # the same scope, not the requester
    assert _download(client, job).status_code == 404
    assert client.get(reverse("exports:job_detail", args=[job.pk])).status_code == 404
    # The requester moved down to a village: the export shows more than they may see now.
    Membership.objects.filter(user=world.official_a).update(node=world.village_a)
    client.force_login(world.official_a)
    assert _download(client, job).status_code == 404
    assert client.get(reverse("exports:job_detail", args=[job.pk])).status_code == 404
    # Moved up to the county, the scope covers it again.
    Membership.objects.filter(user=world.official_a).update(node=world.county, role=Role.LEADER)
    assert _download(client, job).status_code == 200


def test_a_requester_who_lost_the_right_is_refused(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    client.force_login(world.official_a)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    _, job = _job_after(client, {}, django_capture_on_commit_callbacks)
    kind = export_kind(HAZARD_LEDGER)
    monkeypatch.setitem(registry._KINDS, HAZARD_LEDGER, registry.ExportKind(**{**kind.__dict__, "right": "nobody.has"}))
    assert _download(client, job).status_code == 403


def test_after_a_day_the_download_is_refused_and_housekeeping_deletes_it(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.official_a)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    _, job = _job_after(client, {}, django_capture_on_commit_callbacks)
    assert job.expires_at - job.finished_at == timedelta(days=1)
    with time_machine.travel(job.expires_at - timedelta(minutes=1)):
        assert run_cleaners()["expired_exports"] == 0
        assert _download(client, job).status_code == 200
    with time_machine.travel(job.expires_at + timedelta(minutes=1)):
        response = _download(client, job)
        assert response.status_code == 410 and "导出文件已过期" in response.content.decode()
        assert f'href="{reverse("inspections:hazard_ledger")}"' in response.content.decode()
        assert "已超过保留期限" in client.get(reverse("exports:job_detail", args=[job.pk])).content.decode()
        assert default_storage.exists(job.file.name)
        assert run_cleaners()["expired_exports"] == 1
    assert not ExportJob.objects.exists() and not default_storage.exists(job.file.name)
    assert _download(client, job).status_code == 404


def test_a_failing_export_is_recorded_and_shown(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    client.force_login(world.official_a)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=False):
        client.get(EXPORT, {})
    job = ExportJob.objects.get()

    def broken(out: Any, progress: Any) -> int:
        raise RuntimeError("disk full")

    kind = export_kind(HAZARD_LEDGER)
    build = lambda user, params: registry.ExportRun(total=3, filename="x.xlsx", write=broken)  # noqa: E731
    monkeypatch.setitem(registry._KINDS, HAZARD_LEDGER, registry.ExportKind(**{**kind.__dict__, "build": build}))
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "RuntimeError" in job.error and not job.file
    page = client.get(reverse("exports:job_detail", args=[job.pk])).content.decode()
    assert "导出时发生系统错误" in page and "hx-trigger" not in page
    assert _download(client, job).status_code == 404
    # A failed job does not hold the place: asking again makes a new one.
    with django_capture_on_commit_callbacks(execute=False):
        client.get(EXPORT, {})
    assert ExportJob.objects.filter(status="queued").count() == 1


def test_the_sweeper_sends_lost_jobs_again(
    client: Any, world: World, ledger: Ledger, settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    client.force_login(world.official_a)
    settings.EXPORT_SYNC_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=False):
        client.get(EXPORT, {})
    job = ExportJob.objects.get()
    sent: list[int] = []
    monkeypatch.setattr(run_export, "delay", sent.append)
    assert export_jobs_requeue_stale() == 0  # just queued: its message is on its way
    assert export_jobs_requeue_stale(now=timezone.now() + timedelta(minutes=6)) == 1 and sent == [job.pk]
    # A running job whose worker stopped beating is sent again and taken over by the next delivery.
    long_ago = timezone.now() - timedelta(hours=1)
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=long_ago, heartbeat_at=long_ago, claimed_by="elsewhere:1"
    )
    assert export_jobs_requeue_stale() == 1 and sent == [job.pk, job.pk]
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.takeovers == 1 and job.rows_done == job.rows_total


def test_the_task_is_routed_to_the_reports_queue() -> None:
    assert app.amqp.router.route({}, "safetyops.exports.tasks.run_export")["queue"].name == "reports"
    assert run_export.acks_late


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_the_export(
    client: Any, world: World, ledger: Ledger, settings: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(run_export, "delay", lambda *args, **kwargs: None)  # sent below, to the worker
    settings.EXPORT_SYNC_MAX_ROWS = 1
    client.force_login(world.leader_county)
    response = client.get(EXPORT, {"sort": "number"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == "queued"
    with celery_worker(tmp_path, queues="reports") as worker:
        worker.send(run_export, job.pk, queue="reports")
        worker.wait_until(lambda: ExportJob.objects.get(pk=job.pk).status not in ExportJob.IN_FLIGHT)
        job.refresh_from_db()
        assert job.status == "done", f"{job.status} {job.error}\n{worker.text()[-3000:]}"
        assert "run_export" in worker.text()
    assert job.rows_done == job.rows_total == len(ledger.all())
    rows = _cells(b"".join(_download(client, job).streaming_content))["cells"][3:]
    assert {row[1][0] for row in rows} == ledger.numbers(*ledger.all())


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_job(world: World, ledger: Ledger, monkeypatch: Any) -> None:
    from safetyops.exports.services import export_job_request

    monkeypatch.setattr(run_export, "delay", lambda *args, **kwargs: None)
    run = build_ledger_export(world.official_a, params_query({}))

    def ask() -> int:
        return export_job_request(user=world.official_a, kind=HAZARD_LEDGER, params={}, run=run).pk

    made = at_once(ask, ask)
    assert all(isinstance(pk, int) for pk in made), made
    assert len(made) == 2 and len(set(made)) == 1
    assert ExportJob.objects.count() == 1
