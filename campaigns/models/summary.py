"""A campaign's summary (工作总结): the document the organiser drafts from the records once the
campaign has ended, edits, and publishes. Publishing takes the campaign to 已总结 and has a worker
render the PDF (safetyops/core/jobs.py claims the row); the figures it shows are the snapshot taken
at publishing, so the PDF says what was published whatever the records do later."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.campaign import Campaign
from safetyops.core.models import ClaimedJob
from safetyops.orgs.models import User


def summary_path(instance: Summary | None, filename: str) -> str:
    return f"campaigns/summaries/{secrets.token_hex(16)}.pdf"


class Summary(ClaimedJob):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        QUEUED = "queued", _("排队生成")
        RENDERING = "rendering", _("生成中")
        PUBLISHED = "published", _("已发布")
        FAILED = "failed", _("生成失败")

    IN_FLIGHT = (Status.QUEUED, Status.RENDERING)

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="summary")
    text = models.TextField(_("总结正文"), blank=True, db_default="")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    drafted_at = models.DateTimeField(_("起草时间"))
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"))
    # The figures and ranking printed in the PDF, taken when it was published.
    figures = models.JSONField(_("统计数据"), default=dict, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    file = models.FileField(_("PDF文件"), upload_to=summary_path, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file_size = models.PositiveIntegerField(_("文件大小"), default=0)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("行动总结")
        verbose_name_plural = _("行动总结")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="summary_published_has_time"
            ),
            models.CheckConstraint(condition=~Q(status="published") | ~Q(file=""), name="summary_published_has_file"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}（总结）"

    @property
    def has_file(self) -> bool:
        return self.status == self.Status.PUBLISHED and bool(self.file)

    @property
    def download_name(self) -> str:
        return f"{self.campaign.name}工作总结.pdf"
