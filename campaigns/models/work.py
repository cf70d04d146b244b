"""The work a campaign hands out: activities (活动) and report tasks (报送任务), each addressed to
units. An activity's assignment carries the unit's result (date, place, summary, participants;
photos are evidence owned by the assignment). A report task's `UnitReport` is one unit's report;
its versions are kept one row per submission (campaigns/models/reports.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.campaign import Campaign, Unit, unit_constraints
from safetyops.evidence.models import evidence_of
from safetyops.orgs.models import User


class Activity(models.Model):
    class Kind(models.TextChoices):
        LAUNCH = "launch", _("动员启动/启动仪式")
        CONSULTATION_DAY = "consultation_day", _("安全宣传咨询日")
        LECTURE = "lecture", _("主题宣讲")
        PUBLICITY = "publicity", _("新闻宣传")
        DRILL = "drill", _("应急演练")
        TRAINING = "training", _("教育培训")
        WARNING = "warning", _("警示教育")
        ONLINE = "online", _("网上安全月")
        SEVEN_INTO = "seven_into", _("七进活动")
        SELF_INSPECTION = "self_inspection", _("企业自查自纠")
        INSPECTION = "inspection", _("检查督查")
        OTHER = "other", _("其他")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("活动类型"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=128)
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    due_on = models.DateField(_("结果报送期限"), null=True, blank=True)
    description = models.TextField(_("活动要求"), blank=True, db_default="")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ActivityAssignment(Unit):
    """One unit's part of an activity, and its result once reported."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="assignments")
    held_on = models.DateField(_("开展日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=128, blank=True, db_default="")
    summary = models.TextField(_("开展情况"), blank=True, db_default="")
    participants = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    reported_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    attachments = evidence_of("activity_assignment")

    class Meta:
        verbose_name = _("活动安排")
        verbose_name_plural = _("活动安排")
        ordering = ["activity", "area__path", "pk"]
        constraints = unit_constraints("activity", "activity")

    def __str__(self) -> str:
        return f"{self.activity} · {self.unit_name}"

    @property
    def reported(self) -> bool:
        return self.reported_at is not None


class ReportTask(models.Model):
    """A 报送任务: what figures are wanted from which units, for which period, by when.
    `figures` lists the figure keys (safetyops.core.records) and free figures, in order:
    [{"key": "hazards_found"}, {"key": "free_1", "label": "…", "unit": "…"}]."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务名称"), max_length=128)
    instructions = models.TextField(_("报送要求"), blank=True, db_default="")
    period_start = models.DateField(_("统计起始日"))
    period_end = models.DateField(_("统计截止日"))
    deadline = models.DateField(_("报送期限"))
    figures = models.JSONField(_("报送指标"), default=list, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报送任务")
        verbose_name_plural = _("报送任务")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="task_period_order")
        ]

    def __str__(self) -> str:
        return self.title


class UnitReport(Unit):
    """One unit's report for a task. Its submissions are ReportVersion rows (campaigns/models/reports.py);
    `status` is where it stands; late and zero are derived from the versions and the deadline."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未报")
        SUBMITTED = "submitted", _("已报")
        RETURNED = "returned", _("退回修改")

    task = models.ForeignKey(ReportTask, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)

    class Meta:
        verbose_name = _("单位报送")
        verbose_name_plural = _("单位报送")
        ordering = ["task", "area__path", "pk"]
        constraints = unit_constraints("report", "task")
        indexes = [models.Index(fields=["task", "status"], name="unit_report_task_status")]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit_name}"
