"""Job claims (safetyops/core/jobs.py): a running job whose claimant is gone (no heartbeat for a
minute, or a dead process on this host) is taken over at once; a live claimant keeps it; a job that
keeps killing its worker is given up; the heartbeat thread keeps a long job's row fresh."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from safetyops.briefings import services as briefing_services
from safetyops.briefings.models import Briefing
from safetyops.core import jobs
from safetyops.orgs.importing import enterprise_import_run, enterprise_imports_requeue_stale
from safetyops.orgs.models import EnterpriseImport
from tests.briefings.conftest import MARCH
from tests.conftest import World
from tests.core.test_celery_worker import csv_upload

pytestmark = pytest.mark.django_db

HOST = socket.gethostname()


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_job(world: World, **fields: Any) -> EnterpriseImport:
    job = EnterpriseImport(created_by=world.official_a, original_name="企业.csv")
    job.file.save("upload.csv", ContentFile(csv_upload(world, 2)), save=False)
    job.status = EnterpriseImport.Status.RUNNING
    job.started_at = timezone.now() - timedelta(seconds=90)
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    return job


def test_identity_and_liveness_of_claimants() -> None:
    assert jobs.worker_identity() == f"{HOST}:{os.getpid()}"
    assert jobs.claimant_alive(jobs.worker_identity()) is True
    assert jobs.claimant_alive(f"{HOST}:{dead_pid()}") is False
    assert jobs.claimant_alive("another-host:1") is None  # only its heartbeat can tell


def test_a_zombie_claimant_counts_as_dead() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # exited but not reaped: a zombie
        with open(f"/proc/{process.pid}/stat") as handle:
            if handle.read().rsplit(")", 1)[1].split()[0] == "Z":
                break
        time.sleep(0.05)
    try:
        assert jobs.claimant_alive(f"{HOST}:{process.pid}") is False
    finally:
        process.wait()


def test_a_live_claimant_elsewhere_keeps_its_job_while_it_beats(world: World) -> None:
    job = running_job(world, claimed_by="worker-2:4242", heartbeat_at=timezone.now() - timedelta(seconds=20))
    enterprise_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == "running" and job.claimed_by == "worker-2:4242" and job.takeovers == 0


def test_a_claimant_elsewhere_that_stopped_beating_is_taken_over(world: World) -> None:
    job = running_job(world, claimed_by="worker-2:4242", heartbeat_at=timezone.now() - timedelta(seconds=61))
    enterprise_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 2
    assert job.claimed_by == jobs.worker_identity() and job.takeovers == 1


def test_a_dead_claimant_on_this_host_is_taken_over_even_with_a_fresh_heartbeat(world: World) -> None:
    job = running_job(world, claimed_by=f"{HOST}:{dead_pid()}", heartbeat_at=timezone.now())
    enterprise_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.takeovers == 1


def test_the_sweeper_requeues_lost_imports_and_gives_up_on_poison(world: World, settings: Any) -> None:
    settings.JOB_MAX_ATTEMPTS = 3
    alive = running_job(world, claimed_by="worker-2:1", heartbeat_at=timezone.now())
    lost = running_job(world, claimed_by=f"{HOST}:{dead_pid()}", heartbeat_at=timezone.now())
    poison = running_job(
        world, claimed_by="worker-2:2", heartbeat_at=timezone.now() - timedelta(minutes=2), takeovers=2
    )
    assert enterprise_imports_requeue_stale() == 1  # runs eagerly in tests
    for job in (alive, lost, poison):
        job.refresh_from_db()
    assert alive.status == "running"
    assert lost.status == "done" and lost.takeovers == 1
    assert poison.status == "failed" and "连续 3 次中断" in poison.errors[0]["message"]
    enterprise_import_run(import_id=poison.pk)  # a late redelivery does nothing
    poison.refresh_from_db()
    assert poison.status == "failed"


def test_the_heartbeat_thread_refreshes_the_row_while_the_job_runs(
    world: World, settings: Any, transactional_db: Any
) -> None:
    settings.JOB_HEARTBEAT_SECONDS = 0.2
    job = running_job(world)
    claimed_at = jobs.claim(EnterpriseImport, job.pk, waiting=Q(status="running"), running="running")
    assert claimed_at is not None
    first = EnterpriseImport.objects.get(pk=job.pk).heartbeat_at
    with jobs.heartbeat(EnterpriseImport, job.pk, claimed_at=claimed_at):
        time.sleep(1)
        during = EnterpriseImport.objects.get(pk=job.pk).heartbeat_at
    after = EnterpriseImport.objects.get(pk=job.pk).heartbeat_at
    time.sleep(0.5)
    assert first < during <= after == EnterpriseImport.objects.get(pk=job.pk).heartbeat_at  # stopped with the block


def test_briefing_renders_whose_worker_is_gone_are_sent_again(world: World, monkeypatch: Any) -> None:
    sent: list[int] = []
    monkeypatch.setattr("safetyops.briefings.tasks.render_briefing.delay", sent.append)
    briefing = briefing_services.briefing_request(
        actor=world.official_a, node=world.town_a, start=MARCH[0], end=MARCH[1]
    )
    sent.clear()
    now = timezone.now()
    Briefing.objects.filter(pk=briefing.pk).update(
        status="rendering", started_at=now, heartbeat_at=now, claimed_by="worker-2:7"
    )
    assert briefing_services.briefings_requeue_stale() == 0 and sent == []
    briefing.refresh_from_db()
    assert not briefing.is_stale(timezone.now(), briefing_services.STALE_AFTER)

    Briefing.objects.filter(pk=briefing.pk).update(heartbeat_at=now - timedelta(seconds=61))
    briefing.refresh_from_db()
    assert briefing.is_stale(timezone.now(), briefing_services.STALE_AFTER)  # the page offers a retry
    assert briefing_services.briefings_requeue_stale() == 1 and sent == [briefing.pk]

    Briefing.objects.filter(pk=briefing.pk).update(takeovers=2)
    assert briefing_services.briefings_requeue_stale() == 0
    briefing.refresh_from_db()
    assert briefing.status == "failed" and "连续 3 次中断" in briefing.error


def test_a_queued_briefing_whose_message_was_lost_is_sent_again(world: World, monkeypatch: Any) -> None:
    sent: list[int] = []
    monkeypatch.setattr("safetyops.briefings.tasks.render_briefing.delay", sent.append)
    briefing = briefing_services.briefing_request(
        actor=world.official_a, node=world.town_a, start=MARCH[0], end=MARCH[1]
    )
    sent.clear()
    assert briefing_services.briefings_requeue_stale() == 0
    Briefing.objects.filter(pk=briefing.pk).update(queued_at=timezone.now() - timedelta(minutes=6))
    assert briefing_services.briefings_requeue_stale() == 1 and sent == [briefing.pk]
