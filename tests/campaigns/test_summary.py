"""The campaign summary (总结): the draft's figures equal counts by hand of the same records; the
refusals change nothing; publishing makes the campaign 已总结 and a real worker renders the PDF,
which prints the user's text escaped and in the vendored font; the printed reports of a task."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import activities, reports, services
from campaigns import summary as summaries
from campaigns.errors import CampaignError, NotPermitted
from campaigns.models import Campaign, Summary, Target, UnitReport
from campaigns.tasks import render_summary
from inspections.models import Hazard, Inspection
from safetyops.celery import app
from safetyops.core.models import AuditEvent
from tests.briefings.conftest import pdf_text, squeezed
from tests.campaigns.factories import SHANGHAI, county_campaign, travel
from tests.conftest import World
from tests.workers import celery_worker

START, END, DEADLINE = date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 20)
NAME = "2026年冬季安全生产大排查大整治"
RARE = "王堃"  # 堃 is outside GB2312
ACTIVITY_TEXT = f"{RARE}主持启动仪式，<b>全镇</b>120人参加"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture
def campaign(world: World, hazard_factory: Any) -> Campaign:
    """A county campaign of November 2026 (targets ent_a, ent_a2 in town A, ent_b in town B): one
    inspection, three hazards, one activity reported by town A, one task reported by town A only."""
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(
            world, name=NAME, year=2026, starts_on=START, ends_on=END, goal_coverage=60, goal_rectification=90
        )
        activity = activities.activity_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            kind="launch",
            title="动员启动",
            units=[world.town_a, world.town_b],
        )
        task = reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="11月20日前上报隐患整治情况",
            deadline=DEADLINE,
            units=[world.town_a, world.town_b],
            figures=[{"key": "hazards_found"}, {"key": "fines"}],
        )
    with travel(date(2026, 11, 5)):
        inspected_at = _at(date(2026, 11, 5))
        Inspection.objects.create(enterprise=world.ent_a, inspected_at=inspected_at, created_by=world.official_a)
        hazard_factory(level="general", status="closed", enterprise=world.ent_a)
        hazard_factory(level="major", enterprise=world.ent_a2, deadline=date(2026, 11, 15))  # overdue
        hazard_factory(level="general", enterprise=world.ent_b, deadline=date(2026, 12, 20))
        assignment = activity.assignments.get(node=world.town_a)
        activities.activity_report(
            actor=world.official_a,
            assignment_id=assignment.pk,
            held_on=date(2026, 11, 3),
            summary=ACTIVITY_TEXT,
            participants=120,
        )
    with travel(date(2026, 11, 10)):
        report = UnitReport.objects.get(task=task, node=world.town_a)
        system = {p.key: p.value for p in reports.report_prefill(report)}
        reports.report_submit(
            actor=world.official_a,
            report_id=report.pk,
            values={"hazards_found": str(int(system["hazards_found"] or 0) + 1), "fines": "1.5"},
            notes={"hazards_found": "含复查发现1条"},
            text="东城镇已完成辖区企业排查。",
        )
    with travel(date(2026, 12, 1)):
        services.campaign_end(actor=world.county_admin, campaign_id=campaign.pk)
    campaign.refresh_from_db()
    return campaign


def _draft(world: World, campaign: Campaign, **kwargs: Any) -> Summary:
    with travel(date(2026, 12, 2)):
        return summaries.summary_draft(actor=world.county_admin, campaign_id=campaign.pk, **kwargs)


def test_the_draft_states_the_figures_counted_by_hand(world: World, campaign: Campaign) -> None:
    text = _draft(world, campaign).text
    # By hand, from the rows themselves.
    targets = Target.objects.filter(campaign=campaign, removed_at__isnull=True)
    period = {"inspected_at__gte": _at(START, 0), "inspected_at__lt": _at(END + timedelta(days=1), 0)}
    inspected = Inspection.objects.filter(enterprise__in=targets.values("enterprise"), **period)
    hazards = Hazard.objects.filter(
        enterprise__in=targets.values("enterprise"),
        registered_at__gte=_at(START, 0),
        registered_at__lt=_at(END + timedelta(days=1), 0),
    )
    found, closed = hazards.count(), hazards.filter(status="closed").count()
    overdue = sum(1 for h in hazards if h.status != "closed" and h.deadline < END)
    n_targets, n_inspected = targets.count(), inspected.values("enterprise").distinct().count()
    assert (n_targets, n_inspected, found, closed, overdue) == (3, 1, 3, 1, 1)  # the scenario, as meant
    coverage, rate = f"{100 * n_inspected / n_targets:.1f}", f"{100 * closed / found:.1f}"

    assert "2026年11月1日至2026年11月30日，安平县在安平县范围内组织开展" + NAME in text
    assert f"共列入目标企业{n_targets}家" in text
    assert (
        f"行动期间对目标企业开展检查{inspected.count()}次，已检查目标企业{n_inspected}家，"
        f"检查覆盖率{coverage}%（目标60%，未达到目标）" in text
    )
    assert (
        f"共发现隐患{found}条，其中一般隐患{hazards.filter(level='general').count()}条、"
        f"重大隐患{hazards.filter(level='major').count()}条；已整改{closed}条，整改率{rate}%（目标90%，未达到目标）；"
        f"逾期未整改{overdue}条。" in text
    )
    assert "1. 动员启动（动员启动/启动仪式）：安排2个单位，已报送1个，参加120人次。" in text
    assert f"东城镇：{ACTIVITY_TEXT}" in text
    assert "应报2个单位，按时报送1个，迟报0个，未报1个，零报告0个，退回修改0个。" in text
    assert "东城镇：东城镇已完成辖区企业排查。" in text
    # Ranked: 东城镇 (1 of 2 inspected) before 西山镇 (0 of 1).
    first, second = "1. 东城镇：目标企业2家，已检查1家，覆盖率50.0%", "2. 西山镇：目标企业1家，已检查0家"
    assert first in text and second in text and text.index(first) < text.index(second)
    assert "检查覆盖率未达到60%目标的单位：东城镇（50.0%）、西山镇（0.0%）。" in text
    assert f"逾期未整改隐患{overdue}条" in text
    assert "“11月20日前上报隐患整治情况”未报单位：西山镇。" in text
    headings = [line for line in text.splitlines() if line[1:2] == "、" and line[0] in "一二三四五六七八九"]
    assert headings[-1] == "七、下步工作" and len(headings) == 7


def test_refusals_change_nothing(world: World, hazard_factory: Any) -> None:
    with travel(date(2026, 11, 2)):
        running = county_campaign(world, name=NAME, year=2026, starts_on=START, ends_on=END)
        with pytest.raises(CampaignError, match="行动结束后才能起草总结"):
            summaries.summary_draft(actor=world.county_admin, campaign_id=running.pk)
        services.campaign_end(actor=world.county_admin, campaign_id=running.pk)
        for outsider in (world.official_a, world.leader_county, world.supervisor_a):
            with pytest.raises(NotPermitted):
                summaries.summary_draft(actor=outsider, campaign_id=running.pk)
            with pytest.raises(NotPermitted):
                summaries.summary_save(actor=outsider, campaign_id=running.pk, text="改写")
        with pytest.raises(CampaignError, match="请先起草并保存总结"):
            summaries.summary_publish(actor=world.county_admin, campaign_id=running.pk)
        assert not Summary.objects.exists()

        draft = summaries.summary_draft(actor=world.county_admin, campaign_id=running.pk)
        for empty in ("", "   \n  "):
            with pytest.raises(CampaignError, match="总结正文不能为空"):
                summaries.summary_save(actor=world.county_admin, campaign_id=running.pk, text=empty)
        with pytest.raises(NotPermitted):
            summaries.summary_publish(actor=world.official_a, campaign_id=running.pk)
    stored = Summary.objects.get()
    assert stored.text == draft.text and stored.status == Summary.Status.DRAFT
    running.refresh_from_db()
    assert running.status == Campaign.Status.ENDED
    assert not AuditEvent.objects.filter(action__in=["campaigns.summary.saved", "campaigns.campaign.summarised"])


def test_a_redraft_replaces_the_text_only_when_asked(world: World, campaign: Campaign) -> None:
    _draft(world, campaign)
    summaries.summary_save(actor=world.county_admin, campaign_id=campaign.pk, text="一、基本情况\n已改写。")
    assert _draft(world, campaign).text == "一、基本情况\n已改写。\n"
    assert "共列入目标企业3家" in _draft(world, campaign, replace=True).text
    assert AuditEvent.objects.filter(action="campaigns.summary.drafted").count() == 2


def test_publish_then_the_text_is_fixed_and_a_second_render_does_nothing(world: World, campaign: Campaign) -> None:
    _draft(world, campaign)
    summary = summaries.summary_publish(actor=world.county_admin, campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUMMARISED and campaign.summarised_at
    assert summary.status == Summary.Status.QUEUED and summary.figures["targets"] == 3
    with pytest.raises(CampaignError, match="总结已发布，不能再修改"):
        summaries.summary_save(actor=world.county_admin, campaign_id=campaign.pk, text="再改")
    with pytest.raises(CampaignError):
        summaries.summary_publish(actor=world.county_admin, campaign_id=campaign.pk)
    summaries.summary_render(summary_id=summary.pk)
    summary.refresh_from_db()
    first = (summary.file.name, summary.checksum, summary.attempts)
    summaries.summary_render(summary_id=summary.pk)  # a second delivery
    summary.refresh_from_db()
    assert (summary.file.name, summary.checksum, summary.attempts) == first and summary.attempts == 1
    assert summary.status == Summary.Status.PUBLISHED
    assert hashlib.sha256(Path(summary.file.path).read_bytes()).hexdigest() == summary.checksum
    assert AuditEvent.objects.filter(action="campaigns.campaign.summarised", target_id=str(campaign.pk)).exists()


def test_render_is_routed_to_the_reports_queue() -> None:
    assert app.amqp.router.route({}, "campaigns.tasks.render_summary")["queue"].name == "reports"
    assert render_summary.acks_late


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_published_summary(
    world: World, campaign: Campaign, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(render_summary, "delay", lambda *args, **kwargs: None)  # sent below, to the worker
    _draft(world, campaign)
    with travel(date(2026, 12, 3)):
        summary = summaries.summary_publish(actor=world.county_admin, campaign_id=campaign.pk)
    assert Summary.objects.get(pk=summary.pk).status == Summary.Status.QUEUED
    with celery_worker(tmp_path, queues="reports") as worker:
        worker.send(render_summary, summary.pk, queue="reports")
        worker.wait_until(lambda: Summary.objects.get(pk=summary.pk).status not in Summary.IN_FLIGHT)
        summary.refresh_from_db()
        assert summary.status == Summary.Status.PUBLISHED, f"{summary.error}\n{worker.text()[-3000:]}"
        assert "render_summary" in worker.text()
    assert summary.checksum == hashlib.sha256(Path(summary.file.path).read_bytes()).hexdigest()
    assert summary.file_size == Path(summary.file.path).stat().st_size
    text = squeezed(pdf_text(summary.file.path))
    assert f"《{NAME}》工作总结" in text and "安平县" in text and "2026年12月3日" in text
    assert RARE in text and "<b>全镇</b>" in text  # the user's markup printed as text, not obeyed
    assert "附表二各地完成情况排名" in text
    fonts = subprocess.run(["pdffonts", summary.file.path], capture_output=True, text=True, check=True).stdout
    assert all("SafetyOps" in line for line in fonts.splitlines()[2:]), fonts


def test_the_summary_pages(client: Any, world: World, campaign: Campaign) -> None:
    client.force_login(world.county_admin)
    edit = reverse("campaigns:summary_edit", kwargs={"pk": campaign.pk})
    page = client.get(edit)  # the first visit drafts it
    assert page.status_code == 200 and "共列入目标企业3家" in page.content.decode()
    assert "&lt;b&gt;全镇&lt;/b&gt;" in page.content.decode()
    assert client.post(edit, {"text": "  "}).status_code == 400
    assert client.post(edit, {"text": "一、基本情况\n东城镇、西山镇均已完成。"}).status_code == 302
    assert Summary.objects.get().text == "一、基本情况\n东城镇、西山镇均已完成。\n"
    pdf = reverse("campaigns:summary_pdf", kwargs={"pk": campaign.pk})
    assert client.get(pdf).status_code == 404  # not published yet
    client.force_login(world.official_a)  # sees the campaign, does not organise it
    assert client.post(reverse("campaigns:summary_publish", kwargs={"pk": campaign.pk})).status_code == 403
    client.force_login(world.county_admin)
    assert client.post(reverse("campaigns:summary_publish", kwargs={"pk": campaign.pk})).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUMMARISED


def test_the_printed_reports_show_every_unit_the_reader_sees(client: Any, world: World, campaign: Campaign) -> None:
    task = campaign.tasks.get()
    client.force_login(world.county_admin)
    response = client.get(reverse("campaigns:task_reports_pdf", kwargs={"pk": task.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = squeezed(_text_of(b"".join(response.streaming_content)))
    report = UnitReport.objects.get(task=task, node=world.town_a).versions.get()
    figure = report.figures["hazards_found"]
    assert "共2个单位：已报1个，未报1个。" in text
    assert "1.东城镇已报" in text and "2.西山镇未报" in text
    assert f"发现隐患数（条）{figure['system']}{figure['value']}含复查发现1条" in text
    assert "罚款金额（万元）—1.5" in text and "东城镇已完成辖区企业排查。" in text

    client.force_login(world.official_b)  # a township: its own unit only
    response = client.get(reverse("campaigns:task_reports_pdf", kwargs={"pk": task.pk}))
    text = squeezed(_text_of(b"".join(response.streaming_content)))
    assert "西山镇未报" in text and "东城镇" not in text

    client.force_login(world.supervisor_a)  # a department: the task addresses no unit of its own
    response = client.get(reverse("campaigns:task_reports_pdf", kwargs={"pk": task.pk}))
    text = squeezed(_text_of(b"".join(response.streaming_content)))
    assert "共0个单位。" in text and "东城镇" not in text and "西山镇" not in text


def _text_of(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return pdf_text(handle.name)


def test_a_lost_or_failed_render_is_sent_again(world: World, campaign: Campaign, monkeypatch: Any) -> None:
    _draft(world, campaign)
    summary = summaries.summary_publish(actor=world.county_admin, campaign_id=campaign.pk)  # message never sent
    assert summaries.summaries_requeue_stale() == 0  # queued just now: not lost yet
    sent = summaries.summaries_requeue_stale(now=timezone.now() + timedelta(minutes=6))  # eager: renders here
    summary.refresh_from_db()
    assert sent == 1 and summary.status == Summary.Status.PUBLISHED

    Summary.objects.filter(pk=summary.pk).update(status=Summary.Status.FAILED, error="boom")
    with pytest.raises(NotPermitted):
        summaries.summary_render_again(actor=world.official_a, campaign_id=campaign.pk)
    assert Summary.objects.get(pk=summary.pk).status == Summary.Status.FAILED
    monkeypatch.setattr(render_summary, "delay", lambda *args, **kwargs: None)
    summaries.summary_render_again(actor=world.county_admin, campaign_id=campaign.pk)
    assert Summary.objects.get(pk=summary.pk).status == Summary.Status.QUEUED
    with pytest.raises(CampaignError, match="只有生成失败"):
        summaries.summary_render_again(actor=world.county_admin, campaign_id=campaign.pk)


def test_the_task_rows_of_the_summary_take_the_same_queries_for_more_units(
    world: World, django_assert_num_queries: Any
) -> None:
    def submitted_task(units: list[Any]) -> Any:
        campaign = county_campaign(world, name=f"行动{len(units)}")
        task = reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="情况报送",
            deadline=campaign.ends_on,
            units=units,
            figures=[{"key": "fines"}],
        )
        users = {world.town_a.pk: world.official_a, world.town_b.pk: world.official_b}
        users.update({("e", world.ent_a.pk): world.enterprise_a, ("e", world.ent_b.pk): world.enterprise_b})
        for report in task.reports.all():
            actor = users[report.node_id] if report.node_id else users[("e", report.enterprise_id)]
            reports.report_submit(actor=actor, report_id=report.pk, values={"fines": "1"})
        return task

    small = submitted_task([world.town_a])
    large = submitted_task([world.town_a, world.town_b, world.ent_a, world.ent_b])
    with django_assert_num_queries(2):  # the reports, their versions
        assert [r["state"] for r in summaries.task_rows(small)] == ["submitted"]
    with django_assert_num_queries(2):
        assert [r["state"] for r in summaries.task_rows(large)] == ["submitted"] * 4
