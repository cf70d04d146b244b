"""Who hears of campaign work, and when (DOMAIN §7).

At once, after the step commits (safetyops.notify.services.notify_users, once per reason, object
and person): a unit hears that a report task or an activity was addressed to it when the campaign
is launched (or when the task is issued to a running campaign), and that its report was returned.
Daily, by the rules registered here: a report due in REMINDER_DAYS_BEFORE days, due today, or
late, to the unit's people, until it is submitted; an activity's result still missing
ACTIVITY_RESULT_DAYS days after the activity's day, once, to the unit's people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.lifecycle import REPORTABLE
from campaigns.models import Activity, ActivityAssignment, Campaign, ReportTask, UnitReport
from safetyops.notify.rules import Due, Rule, keyset_batches, register, register_reason, untold_batches
from safetyops.notify.services import notify_users, reminders_claim
from safetyops.orgs.models import Membership, Role

OFFICE_ROLES = (Role.TOWNSHIP_OFFICIAL, Role.COUNTY_ADMIN)
ENDING_DAYS = 7  # the organiser hears this many days before the end when coverage is below the goal
ACTIVITY_RESULT_DAYS = 3  # a unit hears once when its activity's result is this many days overdue
REASONS = {
    "campaign_task_issued": gettext_lazy("专项行动报送任务下达（告知承办单位）"),
    "campaign_activity_assigned": gettext_lazy("专项行动活动安排（告知承办单位）"),
    "campaign_report_returned": gettext_lazy("专项行动报告被退回（告知承办单位）"),
    "campaign_report_due": gettext_lazy("专项行动报告即将到期、今日到期或逾期未报"),
    "campaign_ending_below_goal": gettext_lazy("专项行动即将结束而覆盖率未达目标（告知组织单位）"),
    "campaign_activity_result_missing": gettext_lazy("专项行动活动结果逾期未报（告知承办单位，一次）"),
}


def unit_people(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, int], list[int]]:
    """The active people of units given as rows with node_id / department_id / enterprise_id:
    a node's officials, a department's supervisors, an enterprise's users. One query."""
    nodes, departments, enterprises = set(), set(), set()
    for row in rows:
        if row.get("node_id"):
            nodes.add(row["node_id"])
        elif row.get("department_id"):
            departments.add(row["department_id"])
        elif row.get("enterprise_id"):
            enterprises.add(row["enterprise_id"])
    people: dict[tuple[str, int], list[int]] = defaultdict(list)
    memberships = Membership.objects.filter(user__is_active=True).filter(
        Q(role__in=OFFICE_ROLES, node_id__in=nodes)
        | Q(role=Role.DEPARTMENT_SUPERVISOR, department_id__in=departments)
        | Q(role=Role.ENTERPRISE_USER, enterprise_id__in=enterprises)
    )
    for role, node_id, department_id, enterprise_id, user_id in memberships.order_by("user_id").values_list(
        "role", "node_id", "department_id", "enterprise_id", "user_id"
    ):
        if role == Role.ENTERPRISE_USER:
            people[("enterprise", enterprise_id)].append(user_id)
        elif role == Role.DEPARTMENT_SUPERVISOR:
            people[("department", department_id)].append(user_id)
        else:
            people[("node", node_id)].append(user_id)
    return people


def unit_key(row: dict[str, Any]) -> tuple[str, int]:
    if row.get("node_id"):
        return ("node", row["node_id"])
    if row.get("department_id"):
        return ("department", row["department_id"])
    return ("enterprise", row["enterprise_id"])


UNIT_FIELDS = ("pk", "node_id", "department_id", "enterprise_id", "area_id")


def tell_task_issued(task_ids: Iterable[int]) -> None:
    """Each unit of these tasks hears at once that a report is wanted from it, and by when, with a
    link to its report form: one claim per task for all its units."""
    report_type = ContentType.objects.get_for_model(UnitReport)
    today = timezone.localdate()
    for task in ReportTask.objects.filter(pk__in=list(task_ids)).select_related("campaign"):
        facts = {"campaign": task.campaign.name, "deadline": task.deadline.isoformat(), "title": task.title}
        for rows in keyset_batches(UnitReport.objects.filter(task=task), fields=UNIT_FIELDS):
            people = unit_people(rows)
            dues = [
                Due.of(
                    (report_type, row["pk"]),
                    recipients=people.get(unit_key(row), []),
                    title=_("报送任务：%(title)s") % facts,
                    body=_("%(campaign)s：请于%(deadline)s前报送“%(title)s”。") % facts,
                    url=reverse("campaigns:report_detail", args=[row["pk"]]),
                )
                for row in rows
            ]
            reminders_claim(dues, reason="campaign_task_issued", day=today)


def tell_report_returned(report: UnitReport, reason: str) -> None:
    row = {"node_id": report.node_id, "department_id": report.department_id, "enterprise_id": report.enterprise_id}
    people = unit_people([row]).get(unit_key(row), [])

    def send() -> None:
        notify_users(
            reason="campaign_report_returned",
            target=report,
            users=people,
            title=_("报告被退回：%(title)s") % {"title": report.task.title},
            body=_("退回原因：%(reason)s。请修改后重新报送。") % {"reason": reason},
            url=reverse("campaigns:report_detail", args=[report.pk]),
        )

    transaction.on_commit(send)


def tell_activity_assigned(activity_ids: Iterable[int]) -> None:
    """Each unit of these activities hears at once what it is asked to hold and when, with a link to
    the page where it reports the result: one claim per activity for all its units."""
    assignment_type = ContentType.objects.get_for_model(ActivityAssignment)
    today = timezone.localdate()
    for activity in Activity.objects.filter(pk__in=list(activity_ids)).select_related("campaign"):
        day = activity.planned_on or activity.due_on
        facts = {
            "campaign": activity.campaign.name,
            "title": activity.title,
            "when": _("（%(day)s）") % {"day": day.isoformat()} if day else "",
        }
        for rows in keyset_batches(ActivityAssignment.objects.filter(activity=activity), fields=UNIT_FIELDS):
            people = unit_people(rows)
            dues = [
                Due.of(
                    (assignment_type, row["pk"]),
                    recipients=people.get(unit_key(row), []),
                    title=_("活动安排：%(title)s") % facts,
                    body=_("%(campaign)s：请组织开展“%(title)s”%(when)s，并报送开展情况。") % facts,
                    url=reverse("campaigns:assignment_report", args=[row["pk"]]),
                )
                for row in rows
            ]
            reminders_claim(dues, reason="campaign_activity_assigned", day=today)


def campaign_launched(sender: Any, campaign_id: int, **kwargs: Any) -> None:
    tell_task_issued(ReportTask.objects.filter(campaign_id=campaign_id).values_list("pk", flat=True))
    tell_activity_assigned(Activity.objects.filter(campaign_id=campaign_id).values_list("pk", flat=True))


class ReportDueRule(Rule):
    """A unit's report of an active or ended campaign, not submitted (pending or returned): from
    REMINDER_DAYS_BEFORE days before the deadline, on the day, and every day late."""

    reason = "campaign_report_due"
    label = str(REASONS["campaign_report_due"])

    def due(self, today: date) -> Iterator[Due]:
        soon = today + timedelta(days=max(settings.REMINDER_DAYS_BEFORE, 0))
        open_reports = UnitReport.objects.filter(
            task__campaign__status__in=REPORTABLE,
            status__in=[UnitReport.Status.PENDING, UnitReport.Status.RETURNED],
            task__deadline__lte=soon,
        )
        report_type = ContentType.objects.get_for_model(UnitReport)
        for rows in keyset_batches(
            open_reports, fields=(*UNIT_FIELDS, "task__title", "task__deadline", "task__campaign__name")
        ):
            people = unit_people(rows)
            for row in rows:
                deadline = row["task__deadline"]
                if deadline > today:
                    when = _("将于%(day)s到期") % {"day": deadline.isoformat()}
                elif deadline == today:
                    when = _("今日到期")
                else:
                    when = _("已逾期%(days)s天") % {"days": (today - deadline).days}
                yield Due.of(
                    (report_type, row["pk"]),
                    recipients=people.get(unit_key(row), []),
                    title=_("报送提醒：%(title)s") % {"title": row["task__title"]},
                    body=_("%(campaign)s“%(title)s”%(when)s，尚未报送。")
                    % {"campaign": row["task__campaign__name"], "title": row["task__title"], "when": when},
                    url=reverse("campaigns:report_detail", args=[row["pk"]]),
                    node_id=row["area_id"],
                )


def register_rules() -> None:
    for reason, label in REASONS.items():
        register_reason(reason, str(label))
    register(ReportDueRule())
    register(CampaignEndingRule())
    register(ActivityResultMissingRule())


class CampaignEndingRule(Rule):
    """An active campaign ending in CAMPAIGN_ENDING_DAYS (7) days or fewer whose coverage is below
    its goal: daily to the organiser's officials, with the coverage and the targets left."""

    reason = "campaign_ending_below_goal"
    label = str(REASONS["campaign_ending_below_goal"])

    def due(self, today: date) -> Iterator[Due]:
        from campaigns.progress import whole_coverage

        ending = Campaign.objects.filter(
            status=Campaign.Status.ACTIVE, ends_on__gte=today, ends_on__lte=today + timedelta(days=ENDING_DAYS)
        ).select_related("node")
        for campaign in ending:
            targets, inspected = whole_coverage(campaign, today=today)
            coverage = inspected * 100 / targets if targets else 100
            if coverage >= campaign.goal_coverage:
                continue
            people = unit_people([{"node_id": campaign.node_id}]).get(("node", campaign.node_id), [])
            yield Due.of(
                campaign,
                recipients=people,
                title=_("专项行动即将结束：%(name)s") % {"name": campaign.name},
                body=_(
                    "%(name)s将于%(day)s结束，目前检查覆盖率%(coverage).1f%%（目标%(goal)s%%），尚有%(left)s家目标企业未检查。"
                )
                % {
                    "name": campaign.name,
                    "day": campaign.ends_on.isoformat(),
                    "coverage": coverage,
                    "goal": campaign.goal_coverage,
                    "left": targets - inspected,
                },
                node_id=campaign.node_id,
            )


class ActivityResultMissingRule(Rule):
    """An assignment of an activity of an active or ended campaign with no result
    ACTIVITY_RESULT_DAYS days after the activity's day (its result deadline, else its planned date):
    its unit's people hear once. Once ever, not once a day: an assignment already told is left out."""

    reason = "campaign_activity_result_missing"
    label = str(REASONS["campaign_activity_result_missing"])

    def due(self, today: date) -> Iterator[Due]:
        assignment_type = ContentType.objects.get_for_model(ActivityAssignment)
        missing = (
            ActivityAssignment.objects.filter(activity__campaign__status__in=REPORTABLE, reported_at__isnull=True)
            .annotate(day=Coalesce("activity__due_on", "activity__planned_on"))
            .filter(day__lte=today - timedelta(days=ACTIVITY_RESULT_DAYS))
        )
        fields = (*UNIT_FIELDS, "day", "activity__title", "activity__campaign__name")
        batches = keyset_batches(missing, fields=fields)
        for rows in untold_batches(batches, reason=self.reason, content_type=assignment_type):
            people = unit_people(rows)
            for row in rows:
                facts = {
                    "campaign": row["activity__campaign__name"],
                    "title": row["activity__title"],
                    "day": row["day"].isoformat(),
                    "days": (today - row["day"]).days,
                }
                yield Due.of(
                    (assignment_type, row["pk"]),
                    recipients=people.get(unit_key(row), []),
                    title=_("活动结果未报：%(title)s") % facts,
                    body=_(
                        "%(campaign)s的活动“%(title)s”（%(day)s）已过%(days)s天，本单位尚未报送开展情况，请尽快报送。"
                    )
                    % facts,
                    url=reverse("campaigns:assignment_report", args=[row["pk"]]),
                    node_id=row["area_id"],
                )
