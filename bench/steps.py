"""Heavy benchmark jobs, each run in its own process by bench/run.py so that its peak memory is its own.

    python -m bench.steps export 100000 | reminders | briefing county|city

Prints one line `STEP{json}` with seconds, peak_mb and details.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from typing import Any

import django


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export(limit: str) -> dict[str, Any]:
    from inspections.ledger import hazard_ledger_queryset, ledger_export_rows, write_ledger_xlsx
    from safetyops.orgs.models import User

    user = (
        User.objects.get(username="bench_city_admin")
        if User.objects.filter(username="bench_city_admin").exists()
        else User.objects.get(username="bench_admin_0")
    )
    baseline = peak_mb()
    started = time.perf_counter()
    queryset = hazard_ledger_queryset(user=user, filters={})[: int(limit)]
    with tempfile.TemporaryFile(suffix=".xlsx") as out:
        rows = write_ledger_xlsx(ledger_export_rows(queryset), out, filter_summary="benchmark")
        size = out.tell()
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_mb(),
        "baseline_mb": round(baseline),
        "rows": rows,
        "file_mb": round(size / 1e6, 1),
    }


def reminders() -> dict[str, Any]:
    from safetyops.notify import services as notify_services  # noqa: F401 - fails clearly if not landed
    from safetyops.notify.models import Reminder
    from safetyops.notify.tasks import scan_reminders

    before = Reminder.objects.count()
    started = time.perf_counter()
    scan_reminders.apply()  # in this process, without a broker; deliveries are only claimed
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": peak_mb(), "new_reminders": Reminder.objects.count() - before}


def briefing(scope: str) -> dict[str, Any]:
    from safetyops.briefings import bench as briefing_bench  # the briefing app's own timing hook

    return briefing_bench.measure(scope)


def main() -> None:
    django.setup()
    name, *args = sys.argv[1:]
    if name == "reminders":
        from django.conf import settings

        settings.CELERY_TASK_ALWAYS_EAGER = True
        from safetyops.celery import app

        app.conf.task_always_eager = True
    result = {"export": export, "reminders": reminders, "briefing": briefing}[name](*args)
    result["seconds"] = round(result["seconds"], 2)
    result["peak_mb"] = round(result["peak_mb"])
    print("STEP" + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyops.settings")
    main()
