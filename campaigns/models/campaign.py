"""Campaigns (专项行动), their target lists (底数) and the units work is assigned to.

A campaign's scope (nodes, sectors, risk levels, or a hand-picked list) gives its target
enterprises; launching fixes them as `Target` rows so that coverage is stable and fast. A `Unit`
(abstract) is whoever a piece of work is addressed to: a node (its officials), a department (its
supervisors) or an enterprise (its users); `area` is the unit's node, by which scope_part_q finds it.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from safetyops.evidence.models import evidence_of
from safetyops.orgs.models import Enterprise, Node, Sector, User
from safetyops.orgs.units import Unit, unit_constraints, unit_fields  # noqa: F401  (campaigns.models re-exports them)


class Campaign(models.Model):
    class Kind(models.TextChoices):
        SAFETY_MONTH = "safety_month", _("安全生产月")
        GREAT_INSPECTION = "great_inspection", _("大排查大整治")
        ILLEGAL_CRACKDOWN = "illegal_crackdown", _("打非治违")
        SPECIAL = "special", _("专项整治")
        DIALOGUE = "dialogue", _("安全生产对话谈心")
        SUMMER_FIRE = "summer_fire", _("夏季消防安全专项行动")
        WINTER_SPRING = "winter_spring", _("冬春大排查")
        OTHER = "other", _("其他")

    class Topic(models.TextChoices):
        """The subject of a 专项整治."""

        FIRE = "fire", _("消防")
        GAS = "gas", _("燃气")
        CONSTRUCTION = "construction", _("建筑施工")
        HAZCHEM = "hazchem", _("危化品")
        ROAD = "road", _("道路交通")
        SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
        PIPELINE = "pipeline", _("油气管道")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("进行中")
        ENDED = "ended", _("已结束")
        SUMMARISED = "summarised", _("已总结")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=128)
    year = models.PositiveIntegerField(_("年度"))
    theme = models.CharField(_("主题"), max_length=128, blank=True)
    topic = models.CharField(_("整治专题"), max_length=32, choices=Topic.choices, blank=True, db_default="")
    description = models.TextField(_("工作要求"), blank=True, db_default="")
    node = models.ForeignKey(Node, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="campaigns")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Scope: the organiser's subtree, narrowed by each non-empty part; a hand-picked list replaces it.
    scope_nodes = models.ManyToManyField(Node, verbose_name=_("范围（地区）"), blank=True, related_name="+")
    scope_sectors = models.ManyToManyField(Sector, verbose_name=_("范围（行业领域）"), blank=True, related_name="+")
    scope_risk_levels = models.JSONField(_("范围（风险等级）"), default=list, blank=True)
    scope_enterprises = models.ManyToManyField(Enterprise, verbose_name=_("指定企业"), blank=True, related_name="+")
    goal_coverage = models.PositiveSmallIntegerField(
        _("覆盖率目标（%）"), default=100, validators=[MaxValueValidator(100)]
    )
    goal_rectification = models.PositiveSmallIntegerField(
        _("整改率目标（%）"), default=90, validators=[MaxValueValidator(100)]
    )
    checklist_template = models.ForeignKey(
        "inspections.ChecklistTemplate",
        verbose_name=_("检查表"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    launched_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    summarised_at = models.DateTimeField(_("总结时间"), null=True, blank=True)
    # The plan document (实施方案) and other files of the campaign: evidence anchored at the node.
    attachments = evidence_of("campaign")

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="campaign_period_order"),
            models.CheckConstraint(condition=Q(goal_coverage__lte=100), name="campaign_goal_coverage_percent"),
            models.CheckConstraint(
                condition=Q(goal_rectification__lte=100), name="campaign_goal_rectification_percent"
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_on"], name="campaign_status_end")]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """One enterprise of a campaign's 底数. Fixed at launch; an enterprise that enters the scope
    while the campaign runs joins with `added_later`; one that closes leaves (`removed_at`, reason)
    and no longer counts. `node` is the enterprise's area, moved with it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="campaign_targets")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("列入时间"))
    added_later = models.BooleanField(_("启动后列入"), default=False)
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_reason = models.CharField(_("移出原因"), max_length=200, blank=True, db_default="")

    class Meta:
        verbose_name = _("目标企业")
        verbose_name_plural = _("目标企业")
        ordering = ["node__path", "enterprise__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise"], name="target_once_per_campaign")]
        indexes = [
            models.Index(fields=["campaign", "node"], condition=Q(removed_at__isnull=True), name="target_current"),
            models.Index(fields=["enterprise"], name="target_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.enterprise_id}"
