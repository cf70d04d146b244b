"""A real Celery worker (queue `reports`) renders a briefing end to end against the test database:
through Redis in CI, through a private folder of the embedded broker elsewhere."""

from __future__ import annotations

import signal
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
from tests.workers import celery_worker

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
    with celery_worker(tmp_path, queues="reports") as worker:
        worker.send(render_briefing, briefing.pk, queue="reports")
        worker.wait_until(lambda: Briefing.objects.get(pk=briefing.pk).status not in Briefing.IN_FLIGHT)
        briefing.refresh_from_db()
        assert briefing.status == "draft", f"{briefing.status} {briefing.error}\n{worker.text()[-3000:]}"
        assert briefing.attempts == 1 and briefing.checksum and briefing.render_seconds
        text = squeezed(pdf_text(briefing.file.path))
        assert "东城镇2026年3月安全生产工作情况" in text and "第1页共" in text
        assert "render_briefing" in worker.text()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_render_whose_worker_is_killed_is_finished_by_the_next_worker_at_once(
    world: World, tmp_path: Path, monkeypatch: Any
) -> None:
    """kill -9 mid-render: the row stays "rendering" under the dead worker's pid; the next worker
    to start finds it (sweep on start), takes it over and renders it in seconds, not 15 minutes."""
    monkeypatch.setattr(render_briefing, "delay", lambda *args, **kwargs: None)  # sent below, to the worker
    briefing = services.briefing_request(actor=world.official_a, node=world.town_a, start=MARCH[0], end=MARCH[1])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with celery_worker(tmp_path / "a", queues="reports", env={"JOB_TEST_DELAY_SECONDS": "120"}) as first:
        first.send(render_briefing, briefing.pk, queue="reports")
        first.wait_until(lambda: Briefing.objects.get(pk=briefing.pk).status == "rendering", seconds=60)
        briefing.refresh_from_db()
        assert briefing.claimed_by.endswith(f":{first.process.pid}") and briefing.heartbeat_at
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        killed = time.monotonic()
    assert Briefing.objects.get(pk=briefing.pk).status == "rendering"  # nothing else noticed

    with celery_worker(tmp_path / "b", queues="reports") as second:
        second.wait_until(lambda: Briefing.objects.get(pk=briefing.pk).status not in Briefing.IN_FLIGHT, seconds=90)
        took = time.monotonic() - killed
        briefing.refresh_from_db()
        assert briefing.status == "draft", f"{briefing.status} {briefing.error}\n{second.text()[-3000:]}"
        assert briefing.claimed_by.endswith(f":{second.process.pid}")
        assert briefing.takeovers == 1 and briefing.attempts == 2 and briefing.checksum
    print(f"takeover after kill -9: a fresh worker finished the render {took:.1f} s later")
    assert took < 60
