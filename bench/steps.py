"""Heavy benchmark jobs, each run in its own process by bench/run.py so that its peak memory is its own.

    python -m bench.steps export 100000 | export_job | reminders | briefing county|city | campaign_export
                        | export_kinds

Prints one line `STEP{json}` with seconds, peak_mb and details.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from typing import Any

import django

RUNS = 5  # briefing: the job and WeasyPrint alone, alternated, medians


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


def export_job() -> dict[str, Any]:
    """The ledger of the first county (about 100,000 hazards in the city data) as the city's admin
    asks for it: the request's part (filter and count, then the job row) and the worker's part
    (export_job_run, exactly what the `reports` worker runs), the file in default storage."""
    from django.core.files.storage import default_storage
    from django.http import QueryDict

    from inspections.ledger_export import HAZARD_LEDGER
    from safetyops.exports import services
    from safetyops.exports.models import ExportJob
    from safetyops.exports.registry import export_kind
    from safetyops.orgs.models import Node, User

    user = (
        User.objects.get(username="bench_city_admin")
        if User.objects.filter(username="bench_city_admin").exists()
        else User.objects.get(username="bench_admin_0")
    )
    county = Node.objects.filter(level="county").order_by("sort_order", "pk").first()
    assert county is not None
    services._send = lambda job_id: None  # type: ignore[assignment] # run below in this process
    baseline = peak_mb()
    started = time.perf_counter()
    params = services.export_params(QueryDict(f"node={county.pk}"))
    run = export_kind(HAZARD_LEDGER).build(user, services.params_query(params))
    job = services.export_job_request(user=user, kind=HAZARD_LEDGER, params=params, run=run)
    requested = time.perf_counter()
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    seconds = time.perf_counter() - started
    try:
        assert job.status == ExportJob.Status.DONE, job.error
        return {
            "seconds": seconds,
            "request_s": round(requested - started, 2),
            "worker_s": round(seconds - (requested - started), 2),
            "peak_mb": peak_mb(),
            "baseline_mb": round(baseline),
            "rows": job.rows_done,
            "file_mb": round(job.file_size / 1e6, 1),
        }
    finally:
        if job.file:
            default_storage.delete(job.file.name)
        ExportJob.objects.filter(pk=job.pk).delete()


def campaign_export() -> dict[str, Any]:
    """The city campaign's progress workbook for the city admin: the figures, the ranking and every
    target not yet inspected (tens of thousands of rows)."""
    from campaigns.exports import progress_workbook
    from campaigns.models import Campaign
    from campaigns.progress import campaign_progress, targets_not_inspected
    from safetyops.orgs.models import User

    campaign = Campaign.objects.filter(node__level="city", status="active").order_by("pk").first()
    if campaign is None:
        raise SystemExit("no city campaign in this data set")
    user = User.objects.get(username="bench_city_admin")
    started = time.perf_counter()
    progress = campaign_progress(user=user, campaign=campaign)
    with tempfile.TemporaryFile(suffix=".xlsx") as out:
        progress_workbook(progress, targets_not_inspected(user=user, campaign=campaign)).save(out)
        size = out.tell()
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_mb(),
        "not_inspected": progress.whole.not_inspected,
        "file_mb": round(size / 1e6, 1),
    }


def export_kinds() -> dict[str, Any]:
    """Every export kind but the ledger (see `export`) for the city admin and a county admin, as the
    request below its limit makes it: the count (what the request costs above it) and the whole file."""
    from django.http import QueryDict

    from campaigns.models import Campaign, ReportTask
    from safetyops.exports.registry import export_kind, ignored
    from safetyops.orgs.models import User

    campaign = Campaign.objects.filter(node__level="city", status="active").order_by("pk").first()
    task = ReportTask.objects.filter(campaign=campaign).order_by("pk").first()
    if campaign is None or task is None:
        raise SystemExit("no city campaign with a report task in this data set")
    kinds = {
        "campaigns.campaign_progress": f"campaign={campaign.pk}",
        "accountability.coverage": "",
        "accountability.accidents": "",
        "accountability.daily_board": "",
        "campaigns.task_reports_pdf": f"task={task.pk}",
    }
    started = time.perf_counter()
    rows: dict[str, Any] = {}
    for username in ("bench_city_admin", "bench_admin_0"):
        user = User.objects.get(username=username)
        for name, params in kinds.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run = export_kind(name).build(user, QueryDict(params))
            count_s = time.perf_counter() - wall
            with tempfile.TemporaryFile() as out:
                written = run.write(out, ignored)
            rows[f"{name} ({username})"] = {
                "rows": written,
                "count_s": round(count_s, 3),
                "wall_s": round(time.perf_counter() - wall, 2),
                "cpu_s": round(time.process_time() - cpu, 2),
            }
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "kinds": rows}


def reminders() -> dict[str, Any]:
    from safetyops.notify import services as notify_services  # noqa: F401 - fails clearly if not landed
    from safetyops.notify.models import Reminder
    from safetyops.notify.tasks import scan_reminders

    before = Reminder.objects.count()
    started, cpu = time.perf_counter(), time.process_time()
    scan_reminders.apply()  # the scan runs here; the deliveries it claims are queued on the broker
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        # The scan's own CPU (the database's is not in it): on a busy machine the wall time is mostly waiting.
        "cpu_s": round(time.process_time() - cpu, 2),
        "peak_mb": peak_mb(),
        "new_reminders": Reminder.objects.count() - before,
    }


def briefing(scope: str) -> dict[str, Any]:
    """Last month's briefing of the first county (or of the city): the whole job, then WeasyPrint
    alone on the same HTML, so the ratio shows what the figures and the rest cost."""
    from datetime import timedelta
    from pathlib import Path

    from django.utils import timezone

    from safetyops.briefings.figures import briefing_figures
    from safetyops.briefings.models import Briefing
    from safetyops.briefings.services import briefing_html, briefing_render, write_pdf
    from safetyops.orgs.models import Node, User

    level = "city" if scope == "city" else "county"
    node = Node.objects.filter(level=level).order_by("path").first()
    if node is None:
        raise SystemExit(f"no {level} node in this data set")
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    requester = User.objects.order_by("pk").first()
    briefing = Briefing.objects.create(
        node=node, kind="monthly", period_start=start, period_end=end, year=end.year, requested_by=requester
    )
    # Both timings below are of a warm worker: the first render in a process loads and subsets the
    # fonts (about a second), which a long-running worker pays once, not per briefing. Warm up on
    # the month before, then measure.
    warm_end = start - timedelta(days=1)
    warm = Briefing.objects.create(
        node=node,
        kind="monthly",
        period_start=warm_end.replace(day=1),
        period_end=warm_end,
        year=warm_end.year,
        requested_by=requester,
    )
    briefing_render(briefing_id=warm.pk)
    Briefing.objects.filter(pk=warm.pk).delete()
    # The job and WeasyPrint alone, alternated RUNS times; the ratio is of their medians. On two shared
    # cores one render of the same HTML varies by a third from run to run: a single pair says little.
    totals, weasys, figure_times = [], [], []
    for _ in range(RUNS):
        Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.QUEUED, started_at=None)
        started = time.perf_counter()
        briefing_render(briefing_id=briefing.pk)
        totals.append(time.perf_counter() - started)
        briefing.refresh_from_db()
        t0 = time.perf_counter()
        figures = briefing_figures(node, start, end)
        figure_times.append(time.perf_counter() - t0)
        html = briefing_html(briefing, figures, issue_number=None, issued_on=timezone.localdate())
        with tempfile.TemporaryDirectory() as folder:
            t1 = time.perf_counter()
            write_pdf(html, Path(folder) / "alone.pdf")
            weasys.append(time.perf_counter() - t1)
    total, weasy, figures_seconds = (statistics.median(times) for times in (totals, weasys, figure_times))
    Briefing.objects.filter(pk=briefing.pk).delete()
    return {
        "seconds": total,
        "peak_mb": peak_mb(),
        "status": briefing.status,
        "figures_s": round(figures_seconds, 2),
        "weasyprint_alone_s": round(weasy, 2),
        "ratio_to_weasyprint": round(total / weasy, 2),
        "runs": RUNS,
    }


def main() -> None:
    django.setup()
    name, *args = sys.argv[1:]
    steps = {
        "export": export,
        "export_job": export_job,
        "reminders": reminders,
        "briefing": briefing,
        "campaign_export": campaign_export,
        "export_kinds": export_kinds,
    }
    result = steps[name](*args)
    result["seconds"] = round(result["seconds"], 2)
    result["peak_mb"] = round(result["peak_mb"])
    print("STEP" + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyops.settings")
    main()
