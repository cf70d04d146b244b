"""The audit trail: one row for every state change, written by the services (core/audit.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("动作"), max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("对象"), max_length=200)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"

    def get_action_label(self) -> str:
        from safetyops.core.audit import action_label  # audit.py imports this module

        return action_label(self.action)


class IdempotencyKey(models.Model):
    """A form post's key, claimed by the service that applies it: the same post sent again (a retry,
    a double click, two tabs) is answered with what the first did, never applied twice."""

    key = models.CharField(max_length=64, unique=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("表单提交记录")
        verbose_name_plural = _("表单提交记录")

    def __str__(self) -> str:
        return f"{self.step} {self.key}"

    @property
    def target(self) -> models.Model | None:
        if self.target_type_id is None:
            return None
        return self.target_type.get_object_for_this_type(pk=self.target_id)


class ClaimedJob(models.Model):
    """The columns a background job's row needs to be claimed by one worker (safetyops/core/jobs.py);
    the model adds its own `status` with the waiting and running states."""

    attempts = models.PositiveIntegerField(_("生成次数"), default=0)
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    # The worker process rendering it ("host:pid") and its last sign of life.
    claimed_by = models.CharField(_("生成进程"), max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    takeovers = models.PositiveIntegerField(_("中断后接续次数"), default=0)

    class Meta:
        abstract = True
