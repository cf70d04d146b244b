"""Units hear of campaign work at once and exactly once (a task at launch, a returned report),
daily while a report is due or late, until it is submitted, and once when an activity's result is
three days overdue."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django.urls import reverse

from campaigns import activities, reports, services
from campaigns.models import Activity, ActivityAssignment, Campaign, UnitReport
from safetyops.notify.models import Reminder
from safetyops.notify.services import reminders_scan
from tests.campaigns.factories import county_campaign, travel
from tests.conftest import World


def _recipients(reason: str) -> list[str]:
    return sorted(Reminder.objects.filter(reason=reason).values_list("recipient__username", flat=True))


def test_units_hear_at_launch_once_and_when_returned(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(
            world,
            launch=False,
            kind=Campaign.Kind.ILLEGAL_CRACKDOWN,
            name="打非治违专项行动",
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 12, 31),
        )
        task = reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="打非治违情况",
            deadline=date(2026, 11, 30),
            units=[world.town_a, world.ent_b],
            figures=[{"key": "closed_down"}, {"key": "fines"}],
        )
        assert not Reminder.objects.exists()  # a draft's task is told at launch
        with django_capture_on_commit_callbacks(execute=True):
            services.campaign_launch(actor=world.county_admin, campaign_id=campaign.pk)
        assert _recipients("campaign_task_issued") == ["enterprise_b", "official_a"]
        from campaigns.notices import tell_task_issued

        tell_task_issued([task.pk])  # told again (a retried signal): nothing new
        assert _recipients("campaign_task_issued") == ["enterprise_b", "official_a"]

        report = UnitReport.objects.get(task=task, enterprise=world.ent_b)
        reports.report_submit(actor=world.enterprise_b, report_id=report.pk, values={"closed_down": "0", "fines": "0"})
        with django_capture_on_commit_callbacks(execute=True):
            reports.report_return(actor=world.county_admin, report_id=report.pk, reason="请补充罚款明细")
        assert _recipients("campaign_report_returned") == ["enterprise_b"]
        returned = Reminder.objects.get(reason="campaign_report_returned")
        assert returned.url == reverse("campaigns:report_detail", args=[report.pk])
        issued = Reminder.objects.get(reason="campaign_task_issued", recipient=world.official_a)
        assert issued.url == reverse("campaigns:report_detail", args=[task.reports.get(node=world.town_a).pk])


def test_a_due_report_is_reminded_daily_until_submitted(world: World) -> None:
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(world, starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31))
        task = reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="隐患整治情况",
            deadline=date(2026, 11, 30),
            units=[world.town_a, world.town_b],
            figures=[{"key": "free_1", "label": "宣传场次", "unit": "场"}],
        )
    with travel(date(2026, 11, 20)):  # ten days ahead: not yet
        reminders_scan()
    assert _recipients("campaign_report_due") == []
    with travel(date(2026, 11, 27)):  # three days before
        reminders_scan()
        reminders_scan()  # the schedule ran twice: still once
    assert _recipients("campaign_report_due") == ["official_a", "official_b"]
    report_a = UnitReport.objects.get(task=task, node=world.town_a)
    with travel(date(2026, 11, 28)):
        reports.report_submit(actor=world.official_a, report_id=report_a.pk, values={"free_1": "3"})
    with travel(date(2026, 12, 2)):  # late: only town B, which has not reported
        reminders_scan()
    late = Reminder.objects.filter(reason="campaign_report_due", created_at__date=date(2026, 12, 2))
    assert sorted(late.values_list("recipient__username", flat=True)) == ["official_b"]
    assert "已逾期2天" in late.get().body


def test_the_organiser_hears_when_the_campaign_ends_soon_below_its_goal(world: World) -> None:
    from inspections.models import Inspection

    with travel(date(2026, 12, 1)):
        county_campaign(world, starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 20), goal_coverage=60)
        Inspection.objects.create(enterprise=world.ent_a, created_by=world.official_a)  # 1 of 3: 33 %
    with travel(date(2026, 12, 10)):  # ten days before the end: not yet
        reminders_scan()
    assert _recipients("campaign_ending_below_goal") == []
    with travel(date(2026, 12, 13)):  # seven days before, 33 % < 60 %
        reminders_scan()
    assert _recipients("campaign_ending_below_goal") == ["county_admin"]
    assert "尚有2家目标企业未检查" in Reminder.objects.get(reason="campaign_ending_below_goal").body
    with travel(date(2026, 12, 14)):
        Inspection.objects.create(enterprise=world.ent_b, created_by=world.official_b)  # 2 of 3: 67 %
        reminders_scan()
    assert Reminder.objects.filter(reason="campaign_ending_below_goal").count() == 1  # goal met: quiet


def test_a_missing_activity_result_is_told_once_after_three_days(world: World) -> None:
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(world, starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31))
        plan = functools.partial(activities.activity_create, actor=world.county_admin, campaign_id=campaign.pk)
        plan(
            kind=Activity.Kind.DRILL,
            title="应急演练",
            units=[world.town_a, world.town_b],
            planned_on=date(2026, 11, 10),
        )
        # The result's deadline counts, not the planned day.
        consultation = plan(
            kind=Activity.Kind.CONSULTATION_DAY,
            title="安全宣传咨询日",
            units=[world.ent_b],
            planned_on=date(2026, 11, 15),
            due_on=date(2026, 11, 20),
        )
    reason = "campaign_activity_result_missing"
    with travel(date(2026, 11, 12)):  # two days after the drill: not yet
        reminders_scan()
        assert _recipients(reason) == []
        drill_a = ActivityAssignment.objects.get(activity__title="应急演练", node=world.town_a)
        activities.activity_report(
            actor=world.official_a, assignment_id=drill_a.pk, held_on=date(2026, 11, 10), summary="组织演练一次"
        )
    with travel(date(2026, 11, 13)):  # three days after: town B has not reported, town A has
        reminders_scan()
        reminders_scan()  # the schedule ran twice
    assert _recipients(reason) == ["official_b"]
    told = Reminder.objects.get(reason=reason)
    assert "应急演练" in told.body and "已过3天" in told.body
    drill_b = ActivityAssignment.objects.get(activity__title="应急演练", node=world.town_b)
    assert (told.target_id, told.url) == (str(drill_b.pk), reverse("campaigns:assignment_report", args=[drill_b.pk]))
    for day in (date(2026, 11, 14), date(2026, 11, 22)):  # once, not daily; the 咨询日 not due until the 23rd
        with travel(day):
            reminders_scan()
    assert _recipients(reason) == ["official_b"]
    with travel(date(2026, 11, 23)):
        reminders_scan()
    assert _recipients(reason) == ["enterprise_b", "official_b"]
    assert Reminder.objects.get(reason=reason, recipient=world.enterprise_b).target_id == str(
        consultation.assignments.get().pk
    )


def test_units_hear_of_an_activity_at_launch_and_when_added_to_a_running_campaign(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(world, launch=False, starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31))
        drill = activities.activity_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            kind="drill",
            title="应急演练",
            units=[world.town_a],
            planned_on=date(2026, 11, 20),
        )
        assert not Reminder.objects.exists()  # a draft's activity is told at launch
        with django_capture_on_commit_callbacks(execute=True):
            services.campaign_launch(actor=world.county_admin, campaign_id=campaign.pk)
        told = Reminder.objects.get(reason="campaign_activity_assigned")
        assignment = drill.assignments.get()
        assert (told.recipient, told.url) == (
            world.official_a,
            reverse("campaigns:assignment_report", args=[assignment.pk]),
        )
        assert "2026-11-20" in told.body
        with django_capture_on_commit_callbacks(execute=True):
            activities.activity_create(
                actor=world.county_admin,
                campaign_id=campaign.pk,
                kind="training",
                title="安全培训",
                units=[world.town_b, world.ent_a],
            )
        assert _recipients("campaign_activity_assigned") == ["enterprise_a", "official_a", "official_b"]
