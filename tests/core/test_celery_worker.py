"""Celery end to end: a real worker process runs the enterprise import against the test database.

With REDIS_URL set (CI) the worker and this process talk through Redis; without it, through the
embedded filesystem broker that `bin/run` uses. The same task also runs eagerly in-process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from safetyops.celery import app
from safetyops.orgs.models import Enterprise, EnterpriseImport
from safetyops.orgs.tasks import enterprise_import_task
from tests.conftest import IN_CI, World
from tests.orgs.factories import make_credit_code
from tests.workers import celery_worker

BASE_DIR = Path(settings.BASE_DIR)


def csv_upload(world: World, rows: int) -> bytes:
    lines = ["企业名称,统一社会信用代码,所在地区,行业领域,主要负责人"]
    for i in range(rows):
        lines.append(f"工人新村{i}号加工厂,{make_credit_code(5000 + i)},{world.town_a.code},机械,王{i}")
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def make_job(world: World, rows: int = 3) -> EnterpriseImport:
    job = EnterpriseImport(created_by=world.official_a, original_name="企业.csv")
    job.file.save("upload.csv", ContentFile(csv_upload(world, rows)), save=False)
    job.save()
    return job


def test_task_runs_eagerly_without_a_broker(world: World) -> None:
    job = make_job(world)
    enterprise_import_task.delay(job.pk)  # eager in tests (conftest)
    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.DONE and job.created_count == 3
    assert Enterprise.objects.filter(name__startswith="工人新村").count() == 3


def test_ci_uses_redis_as_broker() -> None:
    if not IN_CI:
        pytest.skip("only CI promises Redis")
    assert settings.REDIS_URL and app.conf.broker_url.startswith("redis://")


def test_beat_schedule_names_registered_tasks() -> None:
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db(transaction=True)
def test_real_worker_processes_an_import(world: World, tmp_path: Path) -> None:
    job = make_job(world, rows=5)
    with celery_worker(tmp_path, queues="default") as worker:
        worker.send(enterprise_import_task, job.pk, queue="default")
        worker.wait_until(lambda: EnterpriseImport.objects.get(pk=job.pk).finished)
        job.refresh_from_db()
        assert job.status == EnterpriseImport.Status.DONE, f"{job.status} {job.errors}\n{worker.text()[-3000:]}"
        assert Enterprise.objects.filter(name__startswith="工人新村").count() == 5
        assert "enterprise_import_task" in worker.text()


def test_named_queues_route_to_themselves() -> None:
    """A task routed to `mail` must land in the mail queue, not in default."""
    queues = {queue.name: queue for queue in app.conf.task_queues}
    assert set(queues) == {"default", "mail", "reports"}
    for name, queue in queues.items():
        assert queue.routing_key == name and queue.exchange.name == name
    router = app.amqp.router
    route = router.route({}, "safetyops.notify.tasks.send_mail")
    assert route["queue"].name == "mail" and route["queue"].routing_key == "mail"
    route = router.route({}, "safetyops.briefings.tasks.render")
    assert route["queue"].name == "reports"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_redelivered_import_whose_worker_was_killed_is_taken_over_at_once(world: World, tmp_path: Path) -> None:
    """kill -9 mid-import, then the task is delivered again (as the broker does with acks_late):
    the second worker sees the claimant's process is gone and imports at once, not after 15 min."""
    job = make_job(world, rows=5)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with celery_worker(tmp_path / "a", queues="default", env={"JOB_TEST_DELAY_SECONDS": "120"}) as first:
        first.send(enterprise_import_task, job.pk, queue="default")
        first.wait_until(lambda: EnterpriseImport.objects.get(pk=job.pk).status == "running", seconds=60)
        job.refresh_from_db()
        assert job.claimed_by.endswith(f":{first.process.pid}")
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        killed = time.monotonic()
    with celery_worker(tmp_path / "b", queues="default", env={"JOB_SWEEP_ON_START": "0"}) as second:
        second.send(enterprise_import_task, job.pk, queue="default")  # the redelivery
        second.wait_until(lambda: EnterpriseImport.objects.get(pk=job.pk).finished, seconds=60)
        took = time.monotonic() - killed
        job.refresh_from_db()
        assert job.status == EnterpriseImport.Status.DONE, f"{job.status} {job.errors}\n{second.text()[-3000:]}"
        assert job.claimed_by.endswith(f":{second.process.pid}") and job.takeovers == 1
        assert Enterprise.objects.filter(name__startswith="工人新村").count() == 5
    print(f"takeover after kill -9: the redelivered import finished {took:.1f} s later")
    assert took < 30


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_with_beat_sweeps_up_an_import_whose_worker_was_killed(world: World, tmp_path: Path) -> None:
    """No redelivery at all (the message died with the worker) and no sweep on start: beat's sweeper
    finds the import whose claimant is gone and queues it again; it is finished within seconds."""
    job = make_job(world, rows=3)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    sweeper_env = {"JOB_SWEEP_ON_START": "0", "JOB_SWEEP_INTERVAL_SECONDS": "2"}
    with celery_worker(tmp_path / "a", queues="default", env={"JOB_TEST_DELAY_SECONDS": "120"}) as first:
        first.send(enterprise_import_task, job.pk, queue="default")
        first.wait_until(lambda: EnterpriseImport.objects.get(pk=job.pk).status == "running", seconds=60)
        assert EnterpriseImport.objects.get(pk=job.pk).claimed_by.endswith(f":{first.process.pid}")
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        killed = time.monotonic()
    with celery_worker(tmp_path / "b", queues="default", beat=True, env=sweeper_env) as second:
        second.wait_until(lambda: EnterpriseImport.objects.get(pk=job.pk).finished, seconds=60)
        took = time.monotonic() - killed
        job.refresh_from_db()
        assert job.status == EnterpriseImport.Status.DONE, f"{job.status} {job.errors}\n{second.text()[-3000:]}"
        assert job.claimed_by.endswith(f":{second.process.pid}")
    print(f"beat sweeper after kill -9: import finished {took:.1f} s later")
    assert took < 30


def test_worker_recycling_comes_from_the_environment() -> None:
    env = {**os.environ, "WORKER_MAX_TASKS_PER_CHILD": "7", "WORKER_MAX_MEMORY_PER_CHILD": "123456"}
    code = (
        "from safetyops.celery import app\n"
        "print(app.conf.worker_max_tasks_per_child, app.conf.worker_max_memory_per_child)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["7", "123456"]
    assert app.conf.worker_max_tasks_per_child == 100 and app.conf.worker_max_memory_per_child == 512_000


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_prefork_worker_recycles_its_child_after_max_tasks(world: World, tmp_path: Path) -> None:
    """WORKER_MAX_TASKS_PER_CHILD=1: each import runs in a fresh child process (its memory returned)."""
    first, second = make_job(world, rows=1), make_job(world, rows=1)
    with celery_worker(tmp_path, queues="default", pool="prefork", env={"WORKER_MAX_TASKS_PER_CHILD": "1"}) as worker:
        worker.send(enterprise_import_task, first.pk, queue="default")
        worker.wait_until(lambda: EnterpriseImport.objects.get(pk=first.pk).finished, seconds=60)
        worker.send(enterprise_import_task, second.pk, queue="default")
        worker.wait_until(lambda: EnterpriseImport.objects.get(pk=second.pk).finished, seconds=60)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.finished and second.finished, worker.text()[-3000:]
    pids = {int(job.claimed_by.rpartition(":")[2]) for job in (first, second)}
    assert len(pids) == 2 and worker.process.pid not in pids
