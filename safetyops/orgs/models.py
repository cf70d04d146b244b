"""Jurisdictions, sectors, enterprises, users and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyops.orgs.creditcode import validate_credit_code


class Node(models.Model):
    """A node of the jurisdiction tree: 市 → 县/区 → 镇/街道/园区 → 社区/村."""

    class Level(models.TextChoices):
        CITY = "city", _("市")
        COUNTY = "county", _("县(区)")
        TOWNSHIP = "township", _("镇(街道、园区)")
        VILLAGE = "village", _("社区(村)")

    class Kind(models.TextChoices):
        CITY = "city", _("市")
        COUNTY = "county", _("县")
        DISTRICT = "district", _("区")
        TOWN = "town", _("镇")
        XIANG = "xiang", _("乡")
        STREET = "street", _("街道")
        PARK = "park", _("园区")
        COMMUNITY = "community", _("社区")
        VILLAGE = "village", _("村")

    CHILD_LEVEL = {
        Level.CITY: Level.COUNTY,
        Level.COUNTY: Level.TOWNSHIP,
        Level.TOWNSHIP: Level.VILLAGE,
    }

    code = models.CharField(_("区划代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/<root code>/.../<own code>/": a subtree is every path with this prefix.
    path = models.CharField(max_length=255, unique=True, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="node_path_prefix", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="node_code_not_empty"),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9A-Za-z]+$"), name="node_code_alnum"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_within(self, other: Node) -> bool:
        return self.path.startswith(other.path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestors(self) -> models.QuerySet[Node]:
        codes = [part for part in self.path.strip("/").split("/")[:-1]]
        return Node.objects.filter(code__in=codes).order_by("path")

    def full_name(self) -> str:
        return "".join(node.name for node in self.ancestors()) + self.name


class Sector(models.Model):
    """A 行业领域. Data, not code: loaded from fixtures/sectors.json and editable in admin."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    cross_cutting = models.BooleanField(_("跨行业专项风险"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行业领域")
        verbose_name_plural = _("行业领域")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class EnterpriseBulkMoveError(RuntimeError):
    """A queryset update that would move enterprises past the signals that move their hazards."""


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def update(self, **kwargs: Any) -> int:
        # A move must reach the apps that follow it (hazards, tallies) through save()'s signals.
        if {"node", "node_id"} & kwargs.keys():
            raise EnterpriseBulkMoveError(
                "Enterprise queryset update() of node skips the signals that move its hazards and tallies: "
                "move enterprises one at a time through safetyops.orgs.services.enterprise_update."
            )
        return super().update(**kwargs)

    def update_past_move_signals(self, **kwargs: Any) -> int:
        """An update that moves enterprises without telling anyone (data repairs and their tests only)."""
        return super().update(**kwargs)


class Enterprise(models.Model):
    class Status(models.TextChoices):
        OPERATING = "operating", _("在营")
        SUSPENDED = "suspended", _("停产")
        CLOSED = "closed", _("关闭")

    class RiskLevel(models.TextChoices):
        MAJOR = "major", _("重大风险（红）")
        SIGNIFICANT = "significant", _("较大风险（橙）")
        GENERAL = "general", _("一般风险（黄）")
        LOW = "low", _("低风险（蓝）")

    RISK_COLOURS = {"major": "red", "significant": "orange", "general": "yellow", "low": "blue"}

    name = models.CharField(_("企业名称"), max_length=128)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    address = models.CharField(_("地址"), max_length=255, blank=True)
    node = models.ForeignKey(Node, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="enterprises")
    sectors = models.ManyToManyField(Sector, verbose_name=_("行业领域"), related_name="enterprises")
    principal_name = models.CharField(_("主要负责人"), max_length=32)
    principal_phone = models.CharField(_("主要负责人电话"), max_length=32, blank=True)
    safety_officer_name = models.CharField(_("安全管理员"), max_length=32, blank=True)
    safety_officer_phone = models.CharField(_("安全管理员电话"), max_length=32, blank=True)
    status = models.CharField(_("经营状态"), max_length=16, choices=Status.choices, default=Status.OPERATING)
    risk_level = models.CharField(_("风险等级"), max_length=16, choices=RiskLevel.choices, default=RiskLevel.LOW)
    has_major_hazard_source = models.BooleanField(_("重大危险源"), default=False)
    employees = models.PositiveIntegerField(_("从业人员数"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # When the enterprise was closed (关闭): figures for a past period count an enterprise registered
    # by the period's end and not closed by then. Kept in step with status by save().
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True, editable=False)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["node", "name"], name="enterprise_node_name"),
            # The directory is sorted by name: a big scope reads its first page in index order.
            models.Index(fields=["name", "id"], name="enterprise_name_order"),
            models.Index(fields=["risk_level"], name="enterprise_risk"),
            models.Index(fields=["status"], name="enterprise_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("credit_code"), 18), name="enterprise_credit_code_len"),
            models.CheckConstraint(condition=~Q(name=""), name="enterprise_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.status == self.Status.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != self.Status.CLOSED:
            self.closed_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "closed_at"}
        super().save(*args, **kwargs)

    @property
    def risk_colour(self) -> str:
        return self.RISK_COLOURS.get(self.risk_level, "blue")


def on_register_at(moment: datetime) -> Q:
    """Enterprises on the register at `moment`: created before it and not closed by then.

    Figures for a past period use the state at its end, so a rerun later gives the same count. An
    enterprise closed without a closing time (imported as 关闭) was closed before it was registered
    here, so no moment counts it."""
    closed = Q(closed_at__lt=moment) | Q(status=Enterprise.Status.CLOSED, closed_at__isnull=True)
    return Q(created_at__lt=moment) & ~closed


class User(AbstractUser):
    """A person who logs in. Chinese names are not split, so full_name is the display name."""

    full_name = models.CharField(_("姓名"), max_length=32, blank=True)
    phone = models.CharField(_("手机号"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    TOWNSHIP_OFFICIAL = "township_official", _("乡镇安监人员")
    DEPARTMENT_SUPERVISOR = "department_supervisor", _("行业监管部门")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")
    LEADER = "leader", _("领导")


class Department(models.Model):
    """A 行业监管部门 of a node (县住建局, 县消防救援大队 ...) and the sectors it supervises:
    管行业必须管安全. Its supervisors see the enterprises of these sectors in their area."""

    node = models.ForeignKey(Node, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("部门名称"), max_length=64)
    sectors = models.ManyToManyField(Sector, verbose_name=_("监管行业"), blank=True, related_name="departments")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行业监管部门")
        verbose_name_plural = _("行业监管部门")
        ordering = ["sort_order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "name"],
                name="department_unique_name_per_node",
                violation_error_message=_("该区域已有同名部门。"),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="department_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """What a user is: their role and where it applies (a node, a department's sectors, or one enterprise)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    node = models.ForeignKey(
        Node, verbose_name=_("所属区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    # A department supervisor's department: their sectors are the department's.
    department = models.ForeignKey(
        Department,
        verbose_name=_("行业监管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    # Optional 分工 inside the department: empty means all of the department's sectors.
    sectors = models.ManyToManyField(Sector, verbose_name=_("分管行业"), blank=True, related_name="supervisors")
    unit = models.CharField(_("单位/部门"), max_length=64, blank=True)  # the 单位 shown by the name
    title = models.CharField(_("职务"), max_length=64, blank=True)
    # The unit's principal (镇长, 局长, 企业主要负责人): the one who signs its 目标责任书 and 安全承诺书.
    is_principal = models.BooleanField(
        _("单位主要负责人"), default=False, help_text=_("签署本单位的目标责任书和安全承诺书。")
    )

    class Meta:
        verbose_name = _("角色与范围")
        verbose_name_plural = _("角色与范围")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role=Role.ENTERPRISE_USER, enterprise__isnull=False, node__isnull=True)
                    | (~Q(role=Role.ENTERPRISE_USER) & Q(node__isnull=False, enterprise__isnull=True))
                ),
                name="membership_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.DEPARTMENT_SUPERVISOR, department__isnull=False)
                | (~Q(role=Role.DEPARTMENT_SUPERVISOR) & Q(department__isnull=True)),
                name="membership_department_iff_supervisor",
                violation_error_message=_("行业监管部门的用户须选择所属部门，其他角色不选部门。"),
            ),
        ]

    def __str__(self) -> str:
        where = self.enterprise or self.node
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        # A supervisor belongs to a department of their own area or of an area above it.
        if self.department_id and self.node_id and not self.node.is_within(self.department.node):
            raise ValidationError({"department": _("所选部门不属于该用户所在区域或其上级区域。")})


def _import_upload_path(instance: EnterpriseImport, filename: str) -> str:
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:6]
    return f"imports/{secrets.token_hex(16)}{suffix}"


class EnterpriseImport(models.Model):
    """One upload of an enterprise spreadsheet, processed by a Celery task: all rows or none."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="enterprise_imports")
    file = models.FileField(upload_to=_import_upload_path)
    original_name = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增企业数"), default=0)
    # [{"row": 3, "column": "统一社会信用代码", "message": "..."}]; row 0 means the whole file.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The worker process running it ("host:pid"), its last sign of life and how many times another
    # worker took it over (safetyops/core/jobs.py): a dead worker's import is taken over at once.
    claimed_by = models.CharField(_("导入进程"), max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    takeovers = models.PositiveIntegerField(_("中断后接续次数"), default=0)

    class Meta:
        verbose_name = _("企业导入")
        verbose_name_plural = _("企业导入")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
