"""Start a real Celery worker process against the test database, for the end-to-end task tests.

With REDIS_URL set (CI) it talks through Redis; without, through a private folder of the embedded
filesystem broker, so that a developer's running `bin/run` worker cannot take the test's tasks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from safetyops.celery import app

BASE_DIR = Path(settings.BASE_DIR)


def database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text()

    def send(self, task: Any, *args: Any, queue: str) -> None:
        """Publish a task to this worker's broker (built from the options set up for it)."""
        with app.connection_for_write() as conn:
            task.apply_async(args=list(args), queue=queue, connection=conn)

    def wait_until(self, done: Callable[[], bool], *, seconds: float = 120, every: float = 0.3) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not done():
            assert self.process.poll() is None, self.text()[-3000:]
            time.sleep(every)


@contextmanager
def celery_worker(
    tmp_path: Path,
    *,
    queues: str,
    beat: bool = False,
    env: dict[str, str] | None = None,
    pool: str = "solo",
    concurrency: int = 1,
) -> Iterator[Worker]:
    worker_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "VAR_DIR": str(tmp_path / "worker-var"),  # its own beat schedule file
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_SETTINGS_MODULE": "safetyops.settings",
        # Only the task under test: no catch-up work when the worker starts.
        "BRIEFING_CATCH_UP_ON_START": "0",
        "REMINDER_SCAN_ON_START": "0",
        **(env or {}),
    }
    saved_options = dict(app.conf.broker_transport_options or {})
    if not settings.REDIS_URL:
        broker_dir = tmp_path / "broker"
        broker_dir.mkdir(exist_ok=True)
        worker_env["CELERY_BROKER_DIR"] = str(broker_dir)
        app.conf.broker_transport_options = {
            **saved_options,
            "data_folder_in": str(broker_dir),
            "data_folder_out": str(broker_dir),
        }
    log = tmp_path / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "safetyops",
        "worker",
        *(["-B"] if beat else []),
        "-Q",
        queues,
        "--pool",
        pool,
        *(["--concurrency", str(concurrency)] if pool != "solo" else []),
        "-l",
        "info",
        "--without-mingle",
        "--without-gossip",
        "-n",
        f"test-{os.getpid()}-{queues.replace(',', '-')}@%h",
    ]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=worker_env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    app.conf.task_always_eager = False
    try:
        yield Worker(process, log)
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_transport_options = saved_options
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
