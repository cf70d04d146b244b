"""Fixtures for the reminder tests: frozen days, hazards brought to a state through the real
services (hazard_factory), and a way to read which reminders fired."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safetyops.notify.models import Reminder
from tests.inspections.conftest import hazard_factory  # noqa: F401 (a fixture, used by the tests here)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def on(day: date, hour: int = 8) -> Iterator[None]:
    """Freeze the clock at `hour` o'clock, Beijing time, on `day`."""
    with time_machine.travel(datetime.combine(day, time(hour, 0), SHANGHAI), tick=False):
        yield


@pytest.fixture(autouse=True)
def _hazard_rules_only(monkeypatch: Any) -> None:
    """These tests pin the hazard reminders and the scanner; the 隐患统计报告 rules would add their own
    (no enterprise here has filed last quarter's report): they are tested in tests/inspections/test_statistics.py."""
    from safetyops.notify import rules

    for reason in ("statistics_quarterly_due", "statistics_annual_due"):
        monkeypatch.delitem(rules._RULES, reason, raising=False)


def fired(day: date) -> dict[str, set[str]]:
    """Reason → usernames of the reminders claimed for `day`."""
    found: dict[str, set[str]] = defaultdict(set)
    for reason, username in Reminder.objects.filter(day=day).values_list("reason", "recipient__username"):
        found[reason].add(username)
    return dict(found)


@pytest.fixture
def mail_settings(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://safety.example.gov.cn"
    return settings


@dataclass
class Robot:
    """A group-robot stand-in on 127.0.0.1: records each POST and answers from `answers`
    (status, JSON body) in turn, then {"errcode": 0, "errmsg": "ok"}."""

    server: ThreadingHTTPServer
    requests: list[dict[str, Any]] = field(default_factory=list)
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    always: tuple[int, dict[str, Any]] | None = None

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"


@pytest.fixture
def robot() -> Iterator[Robot]:
    holder: dict[str, Robot] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bot = holder["robot"]
            length = int(self.headers.get("Content-Length", 0))
            url = urlsplit(self.path)
            bot.requests.append(
                {
                    "path": url.path,
                    "query": parse_qs(url.query),
                    "raw_query": url.query,
                    "content_type": self.headers.get("Content-Type"),
                    "json": json.loads(self.rfile.read(length).decode("utf-8")),
                }
            )
            status, answer = bot.always or (
                bot.answers.pop(0) if bot.answers else (200, {"errcode": 0, "errmsg": "ok"})
            )
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["robot"] = Robot(server=server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["robot"]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def eager_retries() -> Iterator[None]:
    """Run a task's retries in-process at once (Celery re-raises Retry when eager tasks propagate)."""
    from safetyops.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        app.conf.task_eager_propagates = before
