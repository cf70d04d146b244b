"""Campaigns (专项行动). The hazard lifecycle links to them; the campaigns issue adds scope,
activities, tasks and progress on top of this model."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from safetyops.orgs.models import Node


class Campaign(models.Model):
    class Kind(models.TextChoices):
        SAFETY_MONTH = "safety_month", _("安全生产月")
        GREAT_INSPECTION = "great_inspection", _("大排查大整治")
        ILLEGAL_CRACKDOWN = "illegal_crackdown", _("打非治违")
        SPECIAL = "special", _("专项整治")
        DIALOGUE = "dialogue", _("安全生产对话谈心")
        SUMMER_FIRE = "summer_fire", _("夏季消防安全专项行动")
        WINTER_SPRING = "winter_spring", _("冬春大排查")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("进行中")
        ENDED = "ended", _("已结束")
        SUMMARISED = "summarised", _("已总结")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=128)
    year = models.PositiveIntegerField(_("年度"))
    theme = models.CharField(_("主题"), max_length=128, blank=True)
    node = models.ForeignKey(Node, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="campaigns")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="campaign_period_order")]

    def __str__(self) -> str:
        return self.name
