"""The other long downloads on the ledger's path (tests/inspections/test_ledger_export_job.py): a
campaign's progress, the accident list, the signing rates, the daily board and a task's printed
reports (a PDF). For
each: below the kind's limit the file is in the response; above it a job whose file is the one the
request sends (every sheet cell by cell, or the PDF's text), its progress, the download for the
requester only while their scope covers it (404) and while they hold the right (403), expiry, and
one job for two requests at once."""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from accountability import services as letter_services
from accountability.accidents.export import ACCIDENT_LEDGER
from accountability.daily.board_export import DAILY_BOARD
from accountability.exports import COVERAGE
from campaigns import reports
from campaigns.export_kinds import CAMPAIGN_PROGRESS, TASK_REPORTS_PDF
from campaigns.models import Campaign
from safetyops.core.housekeeping import run_cleaners
from safetyops.evidence import signing
from safetyops.exports import registry
from safetyops.exports.models import ExportJob
from safetyops.exports.registry import export_kind
from safetyops.exports.services import export_job_request, export_job_run, params_query
from safetyops.exports.tasks import run_export
from safetyops.orgs.models import Membership, Role, User
from tests.accountability.accident_factories import registered_accident
from tests.accountability.daily_factories import publish
from tests.accountability.factories import county_template
from tests.briefings.conftest import pdf_text, squeezed
from tests.campaigns.factories import county_campaign, travel
from tests.conftest import World
from tests.exports.workbooks import workbook_cells
from tests.orgs.factories import EnterpriseFactory, make_user
from tests.races import at_once

HEADING_ROWS = 2  # sheet_heading: the title, then the column names


@dataclass
class Case:
    kind: str
    url: str
    params: dict[str, str]
    requester: User
    long_sheet: str  # the sheet whose rows decide between the request and a worker
    back_url: str
    today: date  # the clock the case runs at
    job_params: dict[str, list[str]] = field(default_factory=dict)  # what the job keeps of `params`
    is_pdf: bool = False

    def read(self, content: bytes) -> Any:
        """What a reader sees: every sheet cell by cell, or a PDF's text."""
        return squeezed(_pdf_text(content)) if self.is_pdf else workbook_cells(content)

    def rows(self, content: bytes) -> tuple[int, str]:
        """The rows that decide between the request and a worker (the long sheet's, a PDF's units):
        how many, and their text."""
        if self.is_pdf:
            text = self.read(content)
            return int(re.search(r"共(\d+)个单位", text)[1]), text  # type: ignore[index]
        sheet = next(s for s in self.read(content) if s["title"] == self.long_sheet)
        rows = sheet["cells"][HEADING_ROWS:]
        return len(rows), str(rows)


def _campaign(world: World) -> Case:
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(world, year=2026, starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31))
    return Case(
        kind=CAMPAIGN_PROGRESS,
        url=reverse("campaigns:campaign_progress_export", args=[campaign.pk]),
        params={},
        requester=world.official_a,
        long_sheet="未检查企业",
        back_url=reverse("campaigns:campaign_progress", args=[campaign.pk]),
        today=date(2026, 12, 2),
        job_params={"campaign": [str(campaign.pk)]},
    )


def _accidents(world: World) -> Case:
    with travel(date(2026, 5, 10)):
        for title in ("厂房坍塌", '=HYPERLINK("x")', "叉车伤人"):
            registered_accident(world, title=title)
        registered_accident(
            world, actor=world.official_b, title="西山建筑高处坠落", enterprise=world.ent_b, place="西山工地"
        )
    return Case(
        kind=ACCIDENT_LEDGER,
        url=reverse("accountability:accident_export"),
        params={"year": "2026"},
        requester=world.official_a,
        long_sheet="事故台账",
        back_url=reverse("accountability:accident_list") + "?year=2026",
        today=date(2026, 5, 20),
        job_params={"year": ["2026"]},
    )


def _coverage(world: World) -> Case:
    with travel(date(2026, 3, 1)):
        pledges = county_template(world, kind="pledge", title="2026年度安全承诺书")
        units = [world.ent_a, world.ent_a2, world.ent_b, EnterpriseFactory(name="西山矿业", node=world.town_b)]
        letter_services.template_address(actor=world.county_admin, template=pledges, units=units)
        letter_services.template_issue(actor=world.county_admin, template=pledges)
        signed = pledges.letters.get(enterprise=world.ent_b)
        letter_services.letter_sign(
            actor=world.enterprise_b, letter=signed, typed_name=signing.name_of(world.enterprise_b), confirmed=True
        )
    return Case(
        kind=COVERAGE,
        url=reverse("accountability:coverage_export"),
        params={"year": "2026", "kind": "pledge"},
        requester=world.official_a,
        long_sheet="未签署名单",
        back_url=reverse("accountability:coverage") + "?kind=pledge&year=2026",
        today=date(2026, 3, 20),
        job_params={"kind": ["pledge"], "year": ["2026"]},
    )


def _task_reports(world: World) -> Case:
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(world, year=2026, starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31))
        task = reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="11月底前将隐患整治情况上报安委办",
            deadline=date(2026, 11, 30),
            units=[world.town_a, world.ent_a, world.ent_a2, world.town_b],
            figures=[{"key": "hazards_found"}],
        )
    return Case(
        kind=TASK_REPORTS_PDF,
        url=reverse("campaigns:task_reports_pdf", args=[task.pk]),
        params={},
        requester=world.official_a,
        long_sheet="",
        back_url=reverse("campaigns:task_overview", args=[task.pk]),
        today=date(2026, 11, 20),
        job_params={"task": [str(task.pk)]},
        is_pdf=True,
    )


def _daily_board(world: World) -> Case:
    for name, town in (
        ("东城第一化工厂", world.town_a),
        ("东城第二化工厂", world.town_a),
        ("西山化工厂", world.town_b),
    ):
        EnterpriseFactory(name=name, node=town, sectors=[world.sector_chem])
    with travel(date(2026, 12, 3), hour=8):
        publish(world)  # ent_a's 公告
    return Case(
        kind=DAILY_BOARD,
        url=reverse("accountability:daily_board_export"),
        params={"date": "2026-12-03"},
        requester=world.official_a,
        long_sheet="承诺公告情况",
        back_url=reverse("accountability:daily_board") + "?date=2026-12-03",
        today=date(2026, 12, 3),
        job_params={"date": ["2026-12-03"]},
    )


CASES: dict[str, Callable[[World], Case]] = {
    "daily_board": _daily_board,
    "campaign": _campaign,
    "accidents": _accidents,
    "coverage": _coverage,
    "task_reports_pdf": _task_reports,
}


@pytest.fixture(params=sorted(CASES))
def case(request: Any, world: World) -> Iterator[Case]:
    made = CASES[request.param](world)
    with travel(made.today):
        yield made


def _ask(client: Any, case: Case, capture: Any, *, execute: bool = True, **params: str) -> tuple[Any, ExportJob]:
    with capture(execute=execute):
        response = client.get(case.url, {**case.params, **params})
    return response, ExportJob.objects.latest("pk")


def _download(client: Any, job: ExportJob) -> Any:
    return client.get(reverse("exports:job_download", args=[job.pk]))


def _pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        return pdf_text(handle.name)


@pytest.fixture
def limit(case: Case, settings: Any, monkeypatch: Any) -> Callable[[int], None]:
    """Set the most rows made in the request, for the kind's own limit as for the setting."""

    def set_to(rows: int) -> None:
        settings.EXPORT_SYNC_MAX_ROWS = rows
        kind = export_kind(case.kind)
        if kind.sync_max_rows is not None:
            changed = registry.ExportKind(**{**kind.__dict__, "sync_max_rows": rows})
            monkeypatch.setitem(registry._KINDS, case.kind, changed)

    return set_to


def test_below_the_threshold_the_file_is_in_the_response(
    client: Any, case: Case, limit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(case.requester)
    limit(100)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get(case.url, case.params)
    assert response.status_code == 200 and response["Content-Type"] == export_kind(case.kind).content_type
    assert "no-store" in response["Cache-Control"] and "attachment" in response["Content-Disposition"]
    assert not ExportJob.objects.exists() and not callbacks


def test_above_the_threshold_the_jobs_file_is_the_one_the_request_sends(
    client: Any, case: Case, limit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(case.requester)
    limit(10_000)
    sync = b"".join(client.get(case.url, case.params).streaming_content)
    limit(1)
    response, job = _ask(client, case, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("exports:job_detail", args=[job.pk])
    assert (job.kind, job.params, job.requested_by) == (case.kind, case.job_params, case.requester)
    assert job.status == "done" and job.rows_total == job.rows_done == case.rows(sync)[0] >= 2
    kind = export_kind(case.kind)
    page = client.get(response["Location"]).content.decode()
    assert f"已导出 {job.rows_done} / {job.rows_total} {kind.unit or '行'}" in page and str(kind.label) in page
    downloaded = _download(client, job)
    assert downloaded.status_code == 200 and "no-store" in downloaded["Cache-Control"]
    assert downloaded["Content-Type"] == kind.content_type and "attachment" in downloaded["Content-Disposition"]
    assert job.file.name.endswith(".pdf" if case.is_pdf else ".xlsx")
    from_job = b"".join(downloaded.streaming_content)
    assert case.read(from_job) == case.read(sync)


def test_the_long_sheet_is_the_requesters_scope(
    client: Any, case: Case, world: World, limit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """official_a's export holds town A only; the county admin's holds more."""
    limit(1)
    client.force_login(case.requester)
    _, mine = _ask(client, case, django_capture_on_commit_callbacks)
    client.force_login(world.county_admin)
    _, county = _ask(client, case, django_capture_on_commit_callbacks)
    assert mine.pk != county.pk and county.rows_total > mine.rows_total
    assert "西山" in case.rows(b"".join(_download(client, county).streaming_content))[1]
    client.force_login(case.requester)
    assert "西山" not in case.rows(b"".join(_download(client, mine).streaming_content))[1]


def test_progress_is_reported_while_the_rows_are_written(case: Case, monkeypatch: Any) -> None:
    monkeypatch.setattr(registry, "PROGRESS_EVERY", 1)
    seen: list[int] = []
    run = export_kind(case.kind).build(case.requester, params_query(case.job_params))
    written = run.write(io.BytesIO(), seen.append)
    assert written == run.total >= 2 and seen[-1] == run.total
    # A workbook counts its rows as it writes them; a PDF is made at once.
    assert seen == [run.total] if case.is_pdf else seen[:2] == [1, 2]


def test_a_queued_job_shows_its_progress_and_no_link(
    client: Any, case: Case, limit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(case.requester)
    limit(1)
    _, job = _ask(client, case, django_capture_on_commit_callbacks, execute=False)
    assert job.status == "queued" and job.rows_total >= 2
    ExportJob.objects.filter(pk=job.pk).update(status="running", rows_done=1)
    partial = client.get(reverse("exports:job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    unit = export_kind(case.kind).unit or "行"
    assert 'hx-trigger="every 2s"' in partial and f"已导出 1 / {job.rows_total} {unit}" in partial
    assert "/download/" not in partial


def test_the_same_export_asked_twice_is_one_job(
    client: Any, case: Case, limit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(case.requester)
    limit(1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.get(case.url, {**case.params, "q": ""})
        second = client.get(case.url, case.params)
    assert first["Location"] == second["Location"]
    assert ExportJob.objects.count() == 1 and len(callbacks) == 1


def test_only_the_requester_downloads_while_their_scope_covers_it(
    client: Any, case: Case, world: World, limit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(case.requester)
    limit(1)
    _, job = _ask(client, case, django_capture_on_commit_callbacks)
    assert _download(client, job).status_code == 200
    colleague = make_user(Role.TOWNSHIP_OFFICIAL, node=world.town_a, username="official_a_colleague")
    client.force_login(colleague)
    assert _download(client, job).status_code == 404
    assert client.get(reverse("exports:job_detail", args=[job.pk])).status_code == 404
    Membership.objects.filter(user=case.requester).update(node=world.village_a)
    client.force_login(case.requester)
    assert _download(client, job).status_code == 404
    Membership.objects.filter(user=case.requester).update(node=world.county, role=Role.LEADER)
    assert _download(client, job).status_code == 200


def test_a_requester_who_lost_the_right_is_refused(
    client: Any, case: Case, limit: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    client.force_login(case.requester)
    limit(1)
    _, job = _ask(client, case, django_capture_on_commit_callbacks)
    kind = export_kind(case.kind)
    monkeypatch.setitem(registry._KINDS, case.kind, registry.ExportKind(**{**kind.__dict__, "right": "nobody.has"}))
    assert _download(client, job).status_code == 403


def test_after_a_day_the_download_is_refused_and_housekeeping_deletes_it(
    client: Any, case: Case, limit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(case.requester)
    limit(1)
    _, job = _ask(client, case, django_capture_on_commit_callbacks)
    assert job.expires_at - job.finished_at == timedelta(days=1)
    with time_machine.travel(job.expires_at - timedelta(minutes=1)):
        assert _download(client, job).status_code == 200
    with time_machine.travel(job.expires_at + timedelta(minutes=1)):
        response = _download(client, job)
        assert response.status_code == 410 and "导出文件已过期" in response.content.decode()
        assert f'href="{case.back_url.replace("&", "&amp;")}"' in response.content.decode()
        assert run_cleaners()["expired_exports"] == 1
    assert not ExportJob.objects.exists()


def test_the_campaign_is_the_urls_not_the_query_strings(
    client: Any, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = _campaign(world)
    with travel(case.today):
        other = county_campaign(world, name="打非治违", year=2026)
        client.force_login(case.requester)
        settings.EXPORT_SYNC_MAX_ROWS = 1
        _, job = _ask(client, case, django_capture_on_commit_callbacks, execute=False, campaign=str(other.pk))
    assert job.params == case.job_params


def test_a_campaign_gone_before_the_worker_runs_fails_with_a_message(
    client: Any, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = _campaign(world)
    with travel(case.today):
        client.force_login(case.requester)
        settings.EXPORT_SYNC_MAX_ROWS = 1
        _, job = _ask(client, case, django_capture_on_commit_callbacks, execute=False)
        Campaign.objects.filter(pk=int(case.job_params["campaign"][0])).delete()
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "无权导出" in job.error and not job.file


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_job(case: Case, monkeypatch: Any) -> None:
    monkeypatch.setattr(run_export, "delay", lambda *args, **kwargs: None)
    run = export_kind(case.kind).build(case.requester, params_query(case.job_params))

    def ask() -> int:
        return export_job_request(user=case.requester, kind=case.kind, params=case.job_params, run=run).pk

    made = at_once(ask, ask)
    assert all(isinstance(pk, int) for pk in made), made
    assert len(made) == 2 and len(set(made)) == 1
    assert ExportJob.objects.count() == 1
