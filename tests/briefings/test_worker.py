"""A real Celery worker (queue `reports`) renders a briefing end to end against the test database:
through Redis in CI, through a private folder of the embedded broker elsewhere."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from safetyops.briefings import services
from safetyops.briefings.models import Briefing
from safetyops.briefings.tasks import render_briefing
from safetyops.celery import app
from tests.briefings.conftest import MARCH, pdf_text, squeezed
from tests.conftest import World
from tests.core.test_celery_worker import database_url

BASE_DIR = Path(settings.BASE_DIR)


def test_tasks_are_routed_to_the_reports_queue() -> None:
    for task in ("safetyops.briefings.tasks.render_briefing", "safetyops.briefings.tasks.monthly_briefings"):
        assert app.amqp.router.route({}, task)["queue"].name == "reports"
    assert render_briefing.acks_late


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_real_worker_renders_a_briefing(world: World, settings: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(render_briefing, "delay", lambda *args, **kwargs: None)  # sent below, to the worker
    briefing = services.briefing_request(actor=world.official_a, node=world.town_a, start=MARCH[0], end=MARCH[1])
    assert Briefing.objects.get(pk=briefing.pk).status == "queued"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_SETTINGS_MODULE": "safetyops.settings",
    }
    saved_options = dict(app.conf.broker_transport_options or {})
    if not settings.REDIS_URL:
        # A private broker folder, so that a developer's running `bin/run` worker cannot take the task.
        broker_dir = tmp_path / "broker"
        broker_dir.mkdir()
        env["CELERY_BROKER_DIR"] = str(broker_dir)
        app.conf.broker_transport_options = {
            **saved_options,
            "data_folder_in": str(broker_dir),
            "data_folder_out": str(broker_dir),
        }
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "safetyops",
            "worker",
            "-Q",
            "reports",
            "--pool",
            "solo",
            "-l",
            "info",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"briefings-{os.getpid()}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        app.conf.task_always_eager = False
        with app.connection_for_write() as conn:  # built from the options above, not the shared pool
            render_briefing.apply_async(args=[briefing.pk], queue="reports", connection=conn)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            briefing.refresh_from_db()
            if briefing.status not in Briefing.IN_FLIGHT:
                break
            assert worker.poll() is None, log.read_text()
            time.sleep(0.3)
        assert briefing.status == "draft", f"{briefing.status} {briefing.error}\n{log.read_text()[-3000:]}"
        assert briefing.attempts == 1 and briefing.checksum and briefing.render_seconds
        text = squeezed(pdf_text(briefing.file.path))
        assert "东城镇2026年3月安全生产工作情况" in text and "第1页共" in text
        assert "render_briefing" in log.read_text()
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_transport_options = saved_options
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
