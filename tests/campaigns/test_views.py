"""The campaign pages end to end through the test client: a 安全生产月 created from its proposal,
launched, a township's activity result with a photo and its pre-filled report (a corrected figure
needs a note), the organiser's overview and return, the progress page's queries, and bad input
that changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.activities import activity_create
from campaigns.models import Activity, ActivityAssignment, Campaign, ReportTask, ReportVersion, UnitReport
from campaigns.progress import campaign_progress
from campaigns.proposals import SAFETY_MONTH_THEMES
from campaigns.reports import report_submit, task_create
from inspections.models import Inspection
from safetyops.core.models import AuditEvent
from tests.campaigns.factories import county_campaign, travel
from tests.conftest import World
from tests.inspections.conftest import jpeg, pdf
from tests.orgs.factories import EnterpriseFactory


def _form_fields(response: Any, prefix: str) -> dict[str, Any]:
    """The initial values of a proposal formset as rendered (what the browser would post back)."""
    formset = response.context[prefix]
    data: dict[str, Any] = {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
    }
    for form in formset:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if callable(value):
                value = value()
            if name == "include":
                if value:
                    data[f"{form.prefix}-include"] = "on"
                continue
            if isinstance(value, date):
                value = value.isoformat()
            data[f"{form.prefix}-{name}"] = "" if value is None else value
    return data


def _campaign_post(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "safety_month",
        "name": "2025年安全生产月活动",
        "year": "2025",
        "theme": SAFETY_MONTH_THEMES[2025],
        "starts_on": "2025-06-01",
        "ends_on": "2025-06-30",
        "goal_coverage": "100",
        "goal_rectification": "90",
        "u-units": [f"node:{world.town_a.pk}", f"node:{world.town_b.pk}"],
        **{f"{p}-{n}_FORMS": "0" for p in "at" for n in ("TOTAL", "INITIAL")},
        **overrides,
    }


@travel(date(2025, 5, 20))
def test_a_safety_month_is_created_from_its_proposal_with_the_eight_activities(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    response = client.get(reverse("campaigns:campaign_create"), {"kind": "safety_month", "year": "2025"})
    assert response.status_code == 200
    assert SAFETY_MONTH_THEMES[2025] in response.content.decode()
    activities = _form_fields(response, "activities")
    tasks = _form_fields(response, "tasks")
    assert activities["a-TOTAL_FORMS"] == "9"  # eight activities and the 七进
    assert activities["a-1-planned_on"] == "2025-06-16"  # 安全宣传咨询日
    activities["a-2-include"] = ""  # the official drops one and renames another
    del activities["a-2-include"]
    activities["a-0-title"] = "安平县安全生产月启动仪式"

    response = client.post(
        reverse("campaigns:campaign_create") + "?kind=safety_month&year=2025",
        {**_campaign_post(world), **activities, **tasks},
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:campaign_detail", args=[campaign.pk])
    assert (campaign.status, campaign.theme, campaign.node) == ("draft", SAFETY_MONTH_THEMES[2025], world.county)
    titles = list(Activity.objects.filter(campaign=campaign).values_list("title", flat=True))
    assert len(titles) == 8 and "安平县安全生产月启动仪式" in titles and "主要负责人讲安全主题宣讲" not in titles
    assert ActivityAssignment.objects.filter(activity__campaign=campaign).count() == 16  # 8 × two townships
    task = ReportTask.objects.get(campaign=campaign)
    assert task.deadline == date(2025, 6, 30) and {"key": "trained"} in task.figures

    # Launch from the confirmation page: the targets are fixed, the townships told.
    assert client.get(reverse("campaigns:campaign_launch", args=[campaign.pk])).status_code == 200
    client.post(reverse("campaigns:campaign_launch", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == "active" and campaign.targets.count() == 3


@travel(date(2025, 5, 20))
def test_bad_campaign_input_is_refused_in_chinese_and_creates_nothing(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    url = reverse("campaigns:campaign_create") + "?kind=other"
    response = client.post(url, {**_campaign_post(world, kind="other", ends_on="2025-05-01")})
    assert "结束日期不能早于开始日期" in response.content.decode()
    response = client.post(url, {**_campaign_post(world, kind="other", scope_codes="91330000MA00000000")})
    assert "在本辖区没有对应企业" in response.content.decode()
    assert not Campaign.objects.exists()
    # A township official cannot organise at the county: the page offers their own node only.
    client.force_login(world.official_a)
    response = client.post(url, _campaign_post(world, kind="other"))
    assert response.status_code == 302, response.context["form"].errors
    assert Campaign.objects.get().node == world.town_a


def _active_with_task(world: World, **task: Any) -> tuple[Campaign, ReportTask]:
    campaign = county_campaign(world)
    values = {
        "title": "隐患整治情况",
        "deadline": timezone.localdate() + timedelta(days=3),
        "units": [world.town_a, world.town_b],
        "figures": [{"key": "hazards_found"}, {"key": "targets"}, {"key": "fines"}],
        **task,
    }
    return campaign, task_create(actor=world.county_admin, campaign_id=campaign.pk, **values)


def test_a_township_reports_an_activity_with_a_photo(client: Any, world: World) -> None:
    campaign = county_campaign(world)
    client.force_login(world.county_admin)
    client.post(
        reverse("campaigns:activity_create", args=[campaign.pk]),
        {"kind": "drill", "title": "应急疏散演练", "units": [f"node:{world.town_a.pk}"]},
    )
    assignment = ActivityAssignment.objects.get(activity__campaign=campaign)
    url = reverse("campaigns:assignment_report", args=[assignment.pk])

    client.force_login(world.official_b)  # the other township: not its work
    assert client.get(url).status_code == 404
    client.force_login(world.leader_a)  # sees it, cannot report it
    assert client.post(url, {"held_on": timezone.localdate().isoformat(), "summary": "x"}).status_code == 403

    client.force_login(world.official_a)
    response = client.post(url, {"held_on": timezone.localdate().isoformat(), "summary": ""})
    assert "请填写活动开展情况" in response.content.decode()
    response = client.post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "place": "镇政府广场",
            "participants": "120",
            "summary": "组织企业员工开展疏散演练",
            "photos": [jpeg("演练.jpg")],
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.reported and assignment.participants == 120 and assignment.attachments.count() == 1
    # The organiser sees the result and the photo on the activity page.
    client.force_login(world.county_admin)
    page = client.get(reverse("campaigns:activity_detail", args=[assignment.activity_id])).content.decode()
    assert "组织企业员工开展疏散演练" in page and "照片 1 张" in page


def test_the_prefilled_report_keeps_the_system_value_and_needs_a_note_to_change_it(client: Any, world: World) -> None:
    _campaign, task = _active_with_task(world)
    report = UnitReport.objects.get(task=task, node=world.town_a)
    url = reverse("campaigns:report_detail", args=[report.pk])
    client.force_login(world.official_a)
    page = client.get(url)
    form = page.context["form"]
    assert form.fields["value_targets"].initial == "2"  # ent_a and ent_a2 are town A's targets
    assert "系统统计 2" in page.content.decode()

    key = form.fields["key"].initial()
    corrected = {"value_hazards_found": "0", "value_targets": "3", "value_fines": "1.5", "text": "已完成", "key": key}
    response = client.post(url, corrected)
    assert "与系统统计（2）不一致：修改须填写说明" in response.content.decode()
    assert not ReportVersion.objects.exists()

    response = client.post(url, {**corrected, "note_targets": "含一家新开业企业"})
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert version.figures["targets"] == {"value": "3", "system": "2", "note": "含一家新开业企业"}
    assert client.post(url, {**corrected, "note_targets": "含一家新开业企业"}).status_code == 302  # the same key
    assert ReportVersion.objects.count() == 1

    # The organiser sees it as reported, returns it; the township's page says so.
    client.force_login(world.county_admin)
    overview = client.get(reverse("campaigns:task_overview", args=[task.pk])).content.decode()
    assert "已报 1" in overview and "待报 1" in overview
    response = client.post(reverse("campaigns:report_return", args=[report.pk]), {"reason": ""})
    assert "退回须写明原因" in response.content.decode()
    client.post(reverse("campaigns:report_return", args=[report.pk]), {"reason": "罚款金额请核实"})
    report.refresh_from_db()
    assert report.status == "returned"
    assert AuditEvent.objects.filter(action="campaigns.report.returned").count() == 1
    client.force_login(world.official_a)
    assert "报告已被退回" in client.get(url).content.decode()


def test_a_figure_that_is_not_a_number_changes_nothing(client: Any, world: World) -> None:
    _campaign, task = _active_with_task(world)
    report = UnitReport.objects.get(task=task, node=world.town_b)
    client.force_login(world.official_b)
    response = client.post(
        reverse("campaigns:report_detail", args=[report.pk]),
        {"value_hazards_found": "0", "value_targets": "1", "value_fines": "三万"},
    )
    assert "“罚款金额”应为数字" in response.content.decode()
    assert not ReportVersion.objects.exists()


def test_a_task_deadline_outside_the_period_is_refused(client: Any, world: World) -> None:
    campaign = county_campaign(world)
    client.force_login(world.county_admin)
    response = client.post(
        reverse("campaigns:task_create", args=[campaign.pk]),
        {
            "title": "总结",
            "deadline": (campaign.ends_on + timedelta(days=1)).isoformat(),
            "figures": ["hazards_found"],
            "units": [f"node:{world.town_a.pk}"],
        },
    )
    assert "报送期限应在行动期限" in response.content.decode()
    assert not ReportTask.objects.exists()


def _targets(world: World, n: int) -> None:
    for i in range(n):
        EnterpriseFactory(name=f"测试企业{i}", node=world.town_a if i % 2 else world.town_b)


def _progress_queries(client: Any, campaign: Campaign) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("campaigns:campaign_progress", args=[campaign.pk])).status_code == 200
    return len(queries)


def test_the_progress_page_queries_do_not_grow_with_the_targets(
    client: Any, world: World, django_assert_num_queries: Any
) -> None:
    client.force_login(world.county_admin)
    small = county_campaign(world, name="小")
    few = _progress_queries(client, small)
    _targets(world, 40)
    large = county_campaign(world, name="大")
    for target in large.targets.all()[:25]:
        Inspection.objects.create(
            enterprise_id=target.enterprise_id,
            inspected_at=timezone.now() - timedelta(days=1),
            created_by=world.official_a,
        )
    assert large.targets.count() == 43
    with django_assert_num_queries(few):
        response = client.get(reverse("campaigns:campaign_progress", args=[large.pk]))
    page = response.content.decode()
    assert "覆盖率 58.1%（25/43）" in page  # 25 of 43 inspected
    assert "安排检查" in page and f"campaign={large.pk}" in page


@travel(date(2026, 12, 2))
def test_the_daily_chart_counts_each_target_once_on_its_first_inspection(client: Any, world: World) -> None:
    campaign = county_campaign(world, starts_on=date(2026, 11, 28), ends_on=date(2026, 12, 31))
    for enterprise, day in ((world.ent_a, 29), (world.ent_a, 30), (world.ent_b, 30)):
        Inspection.objects.create(
            enterprise=enterprise,
            inspected_at=timezone.make_aware(datetime(2026, 11, day, 10)),
            created_by=world.official_a,
        )
    client.force_login(world.county_admin)
    chart = client.get(reverse("campaigns:campaign_progress", args=[campaign.pk])).context["chart"]["daily"]
    assert chart["labels"][:3] == ["11-28", "11-29", "11-30"]
    assert chart["values"] == [0, 1, 2, 2, 2]  # through today, 12-02
    assert chart["goal"] == 3


def test_the_ranking_counts_each_townships_reports_on_time(world: World) -> None:
    start = date(2026, 11, 1)
    with travel(start):
        campaign = county_campaign(world, starts_on=start, ends_on=date(2026, 12, 31))
        task = task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="中期",
            deadline=date(2026, 11, 20),
            units=[world.town_a, world.town_b],
            figures=[{"key": "fines"}],
        )
    reports = {r.node_id: r for r in task.reports.all()}
    with travel(date(2026, 11, 19)):
        report_submit(actor=world.official_a, report_id=reports[world.town_a.pk].pk, values={"fines": "0"})
    with travel(date(2026, 11, 22)):
        report_submit(actor=world.official_b, report_id=reports[world.town_b.pk].pk, values={"fines": "2"})
        progress = campaign_progress(user=world.county_admin, campaign=campaign)
    by_name = {part.name: (part.reports_on_time, part.reports_due) for part in progress.ranking}
    assert by_name == {"东城镇": (1, 1), "西山镇": (0, 1)}
    assert progress.reports_ranked
    with travel(date(2026, 11, 22)):  # a township ranks its villages, which report nothing
        assert not campaign_progress(user=world.official_a, campaign=campaign).reports_ranked


def test_a_report_carries_its_attachments_and_a_file_that_is_not_one_changes_nothing(client: Any, world: World) -> None:
    _campaign, task = _active_with_task(world, figures=[{"key": "fines"}])
    report = UnitReport.objects.get(task=task, node=world.town_b)
    url = reverse("campaigns:report_detail", args=[report.pk])
    client.force_login(world.official_b)
    fake = SimpleUploadedFile("照片.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(url, {"value_fines": "0", "attachments": [fake]})
    assert response.status_code == 200 and not ReportVersion.objects.exists()
    assert "照片.jpg" in response.content.decode()  # named in the refusal
    response = client.post(url, {"value_fines": "0", "attachments": [pdf("罚款明细.pdf")]})
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert [a.original_name for a in version.attachments.all()] == ["罚款明细.pdf"]
    client.force_login(world.county_admin)  # the organiser sees the file with the version
    assert "罚款明细.pdf" in client.get(url).content.decode()


def test_the_organiser_removes_proposed_work_from_a_draft_but_not_after_launch(client: Any, world: World) -> None:
    draft = county_campaign(world, launch=False)
    drill = activity_create(
        actor=world.county_admin, campaign_id=draft.pk, kind="drill", title="应急演练", units=[world.town_a]
    )
    task = task_create(
        actor=world.county_admin,
        campaign_id=draft.pk,
        title="中期报送",
        deadline=draft.ends_on,
        units=[world.town_a],
        figures=[{"key": "fines"}],
    )
    client.force_login(world.official_a)  # a county's draft is not the township's to see
    assert client.post(reverse("campaigns:activity_remove", args=[drill.pk])).status_code == 404
    client.force_login(world.county_admin)
    client.post(reverse("campaigns:activity_remove", args=[drill.pk]))
    assert not Activity.objects.filter(pk=drill.pk).exists()
    assert AuditEvent.objects.filter(action="campaigns.activity.removed").count() == 1
    client.post(reverse("campaigns:campaign_launch", args=[draft.pk]))
    page = client.get(reverse("campaigns:task_remove", args=[task.pk])).content.decode()
    assert "行动已启动" in page  # the step's own refusal, in Chinese
    client.post(reverse("campaigns:task_remove", args=[task.pk]))
    assert ReportTask.objects.filter(pk=task.pk).exists() and UnitReport.objects.filter(task=task).count() == 1


def test_the_campaign_list_counts_every_campaigns_coverage_in_one_query(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    county_campaign(world, name="第一项")
    client.get(reverse("campaigns:campaign_list"))  # the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("campaigns:campaign_list"))
    for name in ("第二项", "第三项"):
        county_campaign(world, name=name)
    Inspection.objects.create(enterprise=world.ent_a, inspected_at=timezone.now(), created_by=world.official_a)
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("campaigns:campaign_list")).content.decode()
    assert len(three.captured_queries) == len(one.captured_queries)
    assert page.count("覆盖率 50.0%（1/2）") == 3  # town A's part of each: ent_a of ent_a and ent_a2
