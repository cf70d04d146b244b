"""A long export (a workbook of more than EXPORT_SYNC_MAX_ROWS rows) made by a worker and kept for a day.

The row records what was asked (kind and the query string), who asked and what they could see then
(`scope`), so that the download can check that the requester still sees it. The file lives in
Django's default storage under a random name; housekeeping deletes it with the row after `expires_at`.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetyops.core.models import ClaimedJob


def export_path(instance: ExportJob | None, filename: str) -> str:
    suffix = PurePath(instance.filename).suffix if instance is not None else ""
    return f"exports/{secrets.token_hex(16)}{suffix or '.xlsx'}"


class ExportJob(ClaimedJob):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导出中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("导出失败")

    IN_FLIGHT = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("导出类型"), max_length=64)
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)
    # SHA-256 of (kind, params): the same export asked twice while the first runs is one job.
    params_key = models.CharField(_("条件摘要"), max_length=64)
    scope = models.JSONField(_("申请时的数据范围"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已导出行数"), default=0)
    file = models.FileField(_("文件"), upload_to=export_path, blank=True)
    filename = models.CharField(_("下载文件名"), max_length=200)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("保留至"))
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("后台导出")
        verbose_name_plural = _("后台导出")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"], name="export_job_expiry")]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "kind", "params_key"],
                condition=Q(status__in=["queued", "running"]),
                name="export_job_one_in_flight",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def in_flight(self) -> bool:
        return self.status in self.IN_FLIGHT

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
