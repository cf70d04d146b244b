"""Briefings (安全生产工作简报): one PDF per node and period, made by a Celery worker.

State changes only in services.py. A published briefing is immutable: its number, file, checksum
and the figures it was made from never change again.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from safetyops.core.models import ClaimedJob
from safetyops.orgs.models import Node


def _briefing_path(instance: Briefing, filename: str) -> str:
    return f"briefings/{secrets.token_hex(16)}.pdf"


class Briefing(ClaimedJob):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月度简报")
        CUSTOM = "custom", _("专题时段")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RENDERING = "rendering", _("生成中")
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        FAILED = "failed", _("生成失败")

    IN_FLIGHT = (Status.QUEUED, Status.RENDERING)

    node = models.ForeignKey(Node, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="briefings")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    period_start = models.DateField(_("统计开始日期"))
    period_end = models.DateField(_("统计截止日期"))
    # The year the issue belongs to (the year of the period's end); numbers restart every year.
    year = models.PositiveIntegerField(_("年度"))
    issue_number = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("PDF文件"), upload_to=_briefing_path, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file_size = models.PositiveIntegerField(_("文件大小"), default=0)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    render_seconds = models.FloatField(_("生成耗时（秒）"), null=True, blank=True)
    section7 = models.TextField(_("存在问题和下步工作"), blank=True)
    # The snapshot of figures the PDF was made from (briefings.figures.briefing_figures).
    figures = models.JSONField(_("统计数据"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作简报")
        verbose_name_plural = _("工作简报")
        ordering = ["-period_end", "node__path", "-pk"]
        indexes = [models.Index(fields=["node", "period_start", "period_end"], name="briefing_node_period")]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="briefing_period_order"),
            models.CheckConstraint(
                condition=Q(status="published", issue_number__isnull=False)
                | (~Q(status="published") & Q(issue_number__isnull=True)),
                name="briefing_number_iff_published",
            ),
            models.UniqueConstraint(
                fields=["node", "year", "issue_number"],
                condition=Q(issue_number__isnull=False),
                name="briefing_issue_number_unique",
            ),
            # One published issue per node and period: a period is reported once.
            models.UniqueConstraint(
                fields=["node", "period_start", "period_end"],
                condition=Q(status="published"),
                name="briefing_one_published_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node.name} {self.period_label}"

    @property
    def period_label(self) -> str:
        from safetyops.briefings.figures import period_label

        return period_label(self.period_start, self.period_end)

    @property
    def in_flight(self) -> bool:
        return self.status in self.IN_FLIGHT

    def is_stale(self, now: datetime, queued_after: timedelta) -> bool:
        """Queued for longer than `queued_after` (its message was lost), or rendering by a worker
        that stopped beating or died: anyone may take it up again."""
        from safetyops.core import jobs

        if self.status == self.Status.QUEUED:
            return self.queued_at is not None and self.queued_at < now - queued_after
        if self.status != self.Status.RENDERING:
            return False
        if self.claimed_by and jobs.claimant_alive(self.claimed_by) is False:
            return True
        if self.heartbeat_at is not None:
            return self.heartbeat_at < jobs.heartbeat_cutoff(now)
        return self.started_at is not None and self.started_at < now - jobs.UNBEATEN_STALE_AFTER

    @property
    def has_file(self) -> bool:
        return bool(self.file) and self.status in {self.Status.DRAFT, self.Status.PUBLISHED}

    @property
    def download_name(self) -> str:
        """安平县安全生产工作简报-2026年10月.pdf"""
        label = self.period_label.replace("至", "-").replace(" ", "")
        number = f"-第{self.issue_number}期" if self.issue_number else "-草稿"
        return f"{self.node.name}安全生产工作简报-{label}{number}.pdf"
