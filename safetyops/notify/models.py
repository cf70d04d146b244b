"""Reminders and where they went: the inbox, e-mail, group robots (企业微信/钉钉) and SMS.

Generic and domain-free: a Reminder points at its object through a content type and an id, so
that any app can send one without this app importing it. The unique (reason, object, recipient,
day) row is claimed before anything is sent, which is what makes a reminder go out once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyops.orgs.models import Node

User = settings.AUTH_USER_MODEL


class Reminder(models.Model):
    """One reminder for one person about one object on one day."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    reason = models.CharField(_("提醒事由"), max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    recipient = models.ForeignKey(User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("日期"))
    # The area the object belongs to: its group robots (and those of the areas above) get it too.
    node = models.ForeignKey(
        Node, verbose_name=_("地区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    # The token of the scan that inserted the row: a scan sends only the rows it inserted itself.
    claim = models.CharField(max_length=32, editable=False)
    # A delivery holds the row until locked_until; a worker that dies lets the lease run out.
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reason", "target_type", "target_id", "recipient", "day"], name="reminder_once_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="reminder_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} → {self.recipient_id}"


class Notification(models.Model):
    """A message in a user's inbox (站内消息). Every reminder lands here, whatever else is chosen."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None


class Delivery(models.Model):
    """One channel of one reminder: an e-mail address, a group robot or a phone number."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    target = models.CharField(_("发送对象"), max_length=254)  # address, phone, or the endpoint's id
    # Group robots: one post per (reason, object, day) and robot, however many people it concerns.
    group_key = models.CharField(max_length=200, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "channel", "target"], name="delivery_once_per_channel"),
            models.UniqueConstraint(
                fields=["channel", "target", "group_key"],
                condition=~Q(group_key=""),
                name="delivery_once_per_group_robot",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status_created")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.target}"


class ChannelPreference(models.Model):
    """Which channels a user wants besides the inbox (which is always on)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="channel_preference")
    email = models.BooleanField(_("接收电子邮件"), default=True)
    sms = models.BooleanField(_("接收短信"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("提醒方式")
        verbose_name_plural = _("提醒方式")

    def __str__(self) -> str:
        return str(self.user)


class WebhookEndpoint(models.Model):
    """A group robot (群机器人) of an office. It receives the reminders about objects in its area
    and in every area below it; `reasons` narrows that to some kinds of reminder."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")

    name = models.CharField(_("名称"), max_length=64)
    node = models.ForeignKey(Node, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    url = models.URLField(
        _("Webhook 地址"),
        max_length=500,
        help_text=_(
            "企业微信：https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…；"
            "钉钉：https://oapi.dingtalk.com/robot/send?access_token=…"
        ),
    )
    secret = models.CharField(
        _("加签密钥"),
        max_length=128,
        blank=True,
        help_text=_("仅钉钉：机器人安全设置选择“加签”时显示的 SEC 开头的密钥。"),
    )
    reasons = models.CharField(
        _("只推送这些提醒"),
        max_length=500,
        blank=True,
        help_text=_("提醒事由代码，逗号分隔；留空表示推送本区域及下级区域的全部提醒。"),
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["node__path", "name"]

    def __str__(self) -> str:
        return f"{self.node} · {self.name}"

    def reason_list(self) -> list[str]:
        return [part.strip() for part in self.reasons.split(",") if part.strip()]

    def wants(self, reason: str) -> bool:
        wanted = self.reason_list()
        return not wanted or reason in wanted

    def clean(self) -> None:
        from safetyops.notify.rules import known_reasons

        errors: dict[str, Any] = {}
        if urlsplit(self.url).scheme not in {"http", "https"}:
            errors["url"] = _("请填写以 https:// 开头的机器人地址。")
        if self.kind == self.Kind.WECOM and self.secret:
            errors["secret"] = _("企业微信群机器人没有加签密钥，请留空。")
        unknown = [reason for reason in self.reason_list() if reason not in known_reasons()]
        if unknown:
            errors["reasons"] = _("未知的提醒事由：%(unknown)s。可选：%(known)s") % {
                "unknown": "，".join(unknown),
                "known": "，".join(sorted(known_reasons().values())),
            }
        if errors:
            raise ValidationError(errors)
