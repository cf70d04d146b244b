"""生产安全事故: the registry by 《生产安全事故报告和调查处理条例》 (国务院令第493号), DOMAIN §6.

An `Accident` is registered by a node's officials from the unit's report (the six items of 第十二条);
its level (第三条) is computed from deaths, serious injuries and direct loss (accountability/accidents/
levels.py) and stored, so that lists, indicators and the veto read it from the row. Casualty changes
are `AccidentRevision` rows (第十三条), append-only, each re-grading the accident. The investigation
(第十九条, 第三十二条) and the closure follow on the same row; who bears responsibility is an
`AccidentResponsibility` per unit (the yearly assessment's veto reads them); the 四不放过 items are
`AccidentFollowUp` rows, each closed with evidence.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyops.evidence.models import AppendOnly, evidence_of
from safetyops.orgs.models import Enterprise, Node, Sector, User
from safetyops.orgs.units import Unit, unit_constraints


class AccidentLevel(models.TextChoices):
    """第三条's four levels, lowest first (the order is the rank: accidents/levels.py RANK)."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    ESPECIALLY_MAJOR = "especially_major", _("特别重大事故")


class AccidentCategory(models.TextChoices):
    """The categories of the seeds' statistics (and of the control indicators)."""

    INDUSTRIAL = "industrial", _("工矿商贸")
    ROAD = "road", _("生产经营性道路交通")
    FIRE = "fire", _("火灾")
    CONSTRUCTION = "construction", _("建筑施工")
    OTHER = "other", _("其他")


class Accident(models.Model):
    """One accident. Declared states (accountability/accidents/lifecycle.py): draft (the report is
    being written) → registered → investigating → replied (the government's 批复) → closed (结案)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REGISTERED = "registered", _("已登记")
        INVESTIGATING = "investigating", _("调查中")
        REPLIED = "replied", _("已批复")
        CLOSED = "closed", _("已结案")

    class Misreport(models.TextChoices):
        NONE = "", _("无")
        FALSE = "false", _("谎报")
        CONCEALED = "concealed", _("瞒报")

    number = models.CharField(_("事故编号"), max_length=40, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("事故名称"), max_length=128)
    occurred_at = models.DateTimeField(_("发生时间"))
    # When the unit (or whoever learned of it) reported to the county's department (第九条: within 1 hour).
    reported_at = models.DateTimeField(_("报告时间"))
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("事故单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("事故地点"), max_length=200)
    # The accident's area: the enterprise's node, or the node where the place lies. Scope and
    # indicators count by it.
    node = models.ForeignKey(Node, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="accidents")
    category = models.CharField(_("事故类别"), max_length=16, choices=AccidentCategory.choices)
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Casualties and loss as now known (the latest revision's figures).
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数（含急性工业中毒）"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    missing = models.PositiveIntegerField(_("下落不明人数"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（万元）"), max_digits=12, decimal_places=2, default=Decimal("0"))
    level = models.CharField(_("事故等级"), max_length=20, choices=AccidentLevel.choices, default=AccidentLevel.GENERAL)
    # The six items of the report (第十二条); 4's figures are the fields above, its text is `casualties_note`.
    unit_overview = models.TextField(_("事故发生单位概况"), blank=True, db_default="")
    scene = models.TextField(_("事故发生的时间、地点以及事故现场情况"), blank=True, db_default="")
    account = models.TextField(_("事故的简要经过"), blank=True, db_default="")
    casualties_note = models.TextField(_("伤亡人数和初步估计的直接经济损失"), blank=True, db_default="")
    measures = models.TextField(_("已经采取的措施"), blank=True, db_default="")
    other = models.TextField(_("其他应当报告的情况"), blank=True, db_default="")
    # 迟报 (第九条): the report came more than an hour after the accident; stored at registration.
    reported_late = models.BooleanField(_("迟报"), default=False)
    # 第十一条: the county passes it up within 2 hours of receiving it.
    forwarded_at = models.DateTimeField(_("上报上级时间"), null=True, blank=True)
    forwarded_to = models.CharField(_("上报至"), max_length=64, blank=True, db_default="")
    misreport = models.CharField(_("谎报瞒报"), max_length=16, choices=Misreport.choices, blank=True, default="")
    misreport_reason = models.TextField(_("认定理由"), blank=True, db_default="")
    misreport_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    misreport_at = models.DateTimeField(null=True, blank=True)
    # Investigation (第十九条) and the government's reply (第三十二条).
    investigation_group = models.TextField(_("事故调查组"), blank=True, db_default="")
    investigation_started_on = models.DateField(_("调查组成立日期"), null=True, blank=True)
    report_submitted_on = models.DateField(_("调查报告提交日期"), null=True, blank=True)
    reply_due_on = models.DateField(_("批复期限"), null=True, blank=True)
    replied_on = models.DateField(_("批复日期"), null=True, blank=True)
    reply_reference = models.CharField(_("批复文号"), max_length=64, blank=True, db_default="")
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    registered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The investigation report (PDF) and other files: evidence anchored at the accident's node.
    attachments = evidence_of("accident")

    class Meta:
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(direct_loss__gte=0), name="accident_loss_not_negative"),
            models.CheckConstraint(condition=Q(reported_at__gte=models.F("occurred_at")), name="accident_report_after"),
            models.CheckConstraint(
                condition=Q(misreport="") | ~Q(misreport_reason=""), name="accident_misreport_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["node", "occurred_at"], name="accident_node_occurred"),
            models.Index(fields=["status", "occurred_at"], name="accident_status_occurred"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AccidentRevision(AppendOnly):
    """A change of the casualties or the loss after registration (第十三条: within 30 days, 7 for road
    traffic and fire); `within_window` False means it came later and carries its reason. The
    before and after figures and levels are kept."""

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("序号"))
    before = models.JSONField(_("修订前"))
    after = models.JSONField(_("修订后"))
    level_before = models.CharField(max_length=20, choices=AccidentLevel.choices)
    level_after = models.CharField(max_length=20, choices=AccidentLevel.choices)
    within_window = models.BooleanField(_("在补报期限内"))
    reason = models.TextField(_("原因"), blank=True, db_default="")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("事故伤亡补报")
        verbose_name_plural = _("事故伤亡补报")
        ordering = ["accident", "number"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "number"], name="accidentrevision_number_once"),
            models.CheckConstraint(
                condition=Q(within_window=True) | ~Q(reason=""), name="accidentrevision_late_reason"
            ),
        ]


class AccidentResponsibility(Unit):
    """A unit the investigation found responsible (a node's government: 属地管理责任; a department:
    监管责任; an enterprise: 主体责任). The yearly assessment's 一票否决 counts these."""

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="responsibilities")
    finding = models.TextField(_("责任认定"), blank=True, db_default="")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("事故责任认定")
        verbose_name_plural = _("事故责任认定")
        ordering = ["accident", "pk"]
        constraints = unit_constraints("accidentresp", "accident")


class AccidentFollowUp(models.Model):
    """One of the 四不放过 items of an accident, open until closed with evidence."""

    class Item(models.TextChoices):
        CAUSE = "cause", _("事故原因未查清不放过")
        PERSONS = "persons", _("责任人员未处理不放过")
        MEASURES = "measures", _("整改措施未落实不放过")
        EDUCATION = "education", _("有关人员未受到教育不放过")

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="follow_ups")
    item = models.CharField(_("事项"), max_length=16, choices=Item.choices)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("落实情况"), blank=True, db_default="")
    attachments = evidence_of("accident_follow_up")

    class Meta:
        verbose_name = _("四不放过事项")
        verbose_name_plural = _("四不放过事项")
        ordering = ["accident", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "item"], name="accidentfollowup_item_once"),
            models.CheckConstraint(condition=Q(done_at__isnull=True) | ~Q(note=""), name="accidentfollowup_done_note"),
        ]


class IndicatorLimit(models.Model):
    """A node's yearly control indicator set by the county admin where no 目标责任书 gives it
    (accountability/indicators.py reads the signed letter first). `key` is a control item of
    accountability/items.py."""

    year = models.PositiveIntegerField(_("年度"))
    node = models.ForeignKey(Node, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("指标"), max_length=40)
    value = models.PositiveIntegerField(_("控制数"))
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("控制指标")
        verbose_name_plural = _("控制指标")
        ordering = ["year", "node", "key"]
        constraints = [models.UniqueConstraint(fields=["year", "node", "key"], name="indicatorlimit_once")]
