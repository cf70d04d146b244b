"""Checklists, inspections, hazards (事故隐患) and the records of the 五落实 lifecycle.

State lives on Hazard.status and changes only in inspections/services.py. Every other record
(events, plans, extensions, completion reports) is append-only, and so are their files and
signatures, kept by safetyops.evidence (reached here through GenericRelations).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyops.core.versions import cache_version_bump
from safetyops.evidence.models import _attachment_path, _thumbnail_path, evidence_of  # noqa: F401 (named by migrations 0001-0009)
from safetyops.orgs.models import Enterprise, Node, Sector

User = settings.AUTH_USER_MODEL


class ChecklistTemplate(models.Model):
    """A checklist for a sector (or for every enterprise when sector is empty)."""

    name = models.CharField(_("名称"), max_length=128)
    sector = models.ForeignKey(
        Sector, verbose_name=_("适用行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="checklists"
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("序号"), default=0)
    clause = models.CharField(_("条款"), max_length=120, blank=True)
    text = models.TextField(_("检查内容"))
    # Items taken from 重大事故隐患判定标准 suggest 重大 when they fail.
    suggests_major = models.BooleanField(_("判定为重大隐患"), default=False)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Inspection(models.Model):
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("日常检查")
        SPECIAL = "special", _("专项检查")
        UNANNOUNCED = "unannounced", _("四不两直")
        CROSS = "cross", _("交叉互查")
        REVIEW = "review", _("复查（回头看）")
        JOINT = "joint", _("联合执法")

    class Status(models.TextChoices):
        DRAFT = "draft", _("检查中")
        SIGNING = "signing", _("待签字")
        LOCKED = "locked", _("已签字归档")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("被检查企业"), on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("检查类型"), max_length=16, choices=Kind.choices, default=Kind.ROUTINE)
    inspected_at = models.DateTimeField(_("检查时间"), default=timezone.now)
    # Why a record dated more than INSPECTION_BACKDATE_DAYS back is entered late (补录); see inspections/dates.py.
    backdate_reason = models.CharField(_("补录原因"), max_length=200, blank=True, db_default="")
    inspectors = models.ManyToManyField(
        User, verbose_name=_("检查人员"), through="InspectionSignature", related_name="inspections"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("专项行动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    findings = models.TextField(_("检查情况"), blank=True)
    conclusion = models.TextField(_("检查结论"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    locked_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-inspected_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "inspected_at"], name="inspection_ent_time")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.inspected_at:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.LOCKED


class InspectionSignature(models.Model):
    """谁检查谁签字: one row per inspector; `signature` (safetyops.evidence) is set when they sign."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="signatures")
    inspector = models.ForeignKey(User, on_delete=models.PROTECT, related_name="inspection_signatures")
    signature = models.OneToOneField(
        "evidence.Signature", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "inspector"], name="one_signature_per_inspector")]

    @property
    def signed_at(self) -> datetime | None:
        return self.signature.signed_at if self.signature else None

    @property
    def signed_name(self) -> str:
        return self.signature.signed_name if self.signature else ""

    @property
    def signed_ip(self) -> str | None:
        return self.signature.ip if self.signature else None


class ChecklistResult(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", _("符合")
        FAIL = "fail", _("不符合")
        NOT_APPLICABLE = "na", _("不适用")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("结果"), max_length=8, choices=Result.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)
    attachments = evidence_of("checklist_result")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_result_per_item")]
        ordering = ["item__template__sort_order", "item__order", "item_id"]


class InspectionAddendum(models.Model):
    """A correction after the record is locked: added, never edited."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("补充说明"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class HazardSequence(models.Model):
    """The last number issued per year and area; incremented under a row lock, never reused."""

    year = models.PositiveIntegerField()
    node_code = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "node_code"], name="hazard_sequence_unique")]


class HazardBulkWriteError(RuntimeError):
    """A bulk write to hazards that would leave the per-node tally (inspections/tally.py) wrong."""


# The hazard columns the tally counts by (HazardTally.COUNTS are aggregates over these). A bulk
# write touching one must go through HazardQuerySet.tally_update / tally_bulk_create.
TALLY_FIELDS = frozenset(
    {
        "status",
        "level",
        "deadline",
        "listed_supervision",
        "registered_at",
        "node",
        "node_id",
        "enterprise",
        "enterprise_id",
    }
)


# The ledger filter's kept option lists (inspections/forms/ledger.py) are read under this version:
# a bulk write of hazards' campaigns replaces it here, single saves through signals.
LEDGER_OPTIONS_VERSION = "inspections:ledger-options"
_CAMPAIGN_FIELDS = frozenset({"campaign", "campaign_id"})


class HazardQuerySet(models.QuerySet["Hazard"]):
    """`update()` and `bulk_create()` send no signals, so they would bypass the tally's bookkeeping:
    a plain update of a counted column, and any bulk_create, is refused; `tally_update()` and
    `tally_bulk_create()` mark the affected nodes dirty in the same transaction and recount them after
    commit. (`delete()` sends post_delete per row because the tally listens, so it is safe as it is.)"""

    def update(self, **kwargs: Any) -> int:
        counted = sorted(TALLY_FIELDS.intersection(kwargs))
        if counted:
            raise HazardBulkWriteError(
                f"Hazard queryset update() of {', '.join(counted)} bypasses the hazard tally: "
                "use .tally_update(...), which marks the affected nodes dirty."
            )
        if _CAMPAIGN_FIELDS.intersection(kwargs):
            cache_version_bump(LEDGER_OPTIONS_VERSION)
        return super().update(**kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Hazard]:
        raise HazardBulkWriteError(
            "Hazard.objects.bulk_create() bypasses the hazard tally: use .tally_bulk_create(...)."
        )

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        raise HazardBulkWriteError("Hazard.objects.bulk_update() bypasses the hazard tally: use .tally_update(...).")

    def tally_update(self, **kwargs: Any) -> int:
        """update(), with the nodes of the rows it changes (and a node they move to) marked dirty."""
        from inspections.tally import mark_dirty

        with transaction.atomic(using=self.db):
            # The tally counts by the enterprise's node, which Hazard.node equals (see Hazard.node).
            nodes = {
                pk for pair in self.order_by().values_list("node_id", "enterprise__node_id").distinct() for pk in pair
            }
            if "node" in kwargs or "node_id" in kwargs:
                target = kwargs.get("node_id", kwargs.get("node"))
                nodes.add(target.pk if isinstance(target, models.Model) else target)
            mark_dirty(nodes)  # before the write: a reader never trusts a row being changed
            if _CAMPAIGN_FIELDS.intersection(kwargs):
                cache_version_bump(LEDGER_OPTIONS_VERSION)
            return super().update(**kwargs)

    def tally_bulk_create(self, objs: Any, **kwargs: Any) -> list[Hazard]:
        """bulk_create(), with the new hazards' nodes marked dirty."""
        from inspections.tally import mark_dirty

        objs = list(objs)
        with transaction.atomic(using=self.db):
            enterprises = {obj.enterprise_id for obj in objs}
            mark_dirty(
                {obj.node_id for obj in objs}
                | set(Enterprise.objects.filter(pk__in=enterprises).values_list("node_id", flat=True))
            )
            if any(obj.campaign_id is not None for obj in objs):
                cache_version_bump(LEDGER_OPTIONS_VERSION)
            return super().bulk_create(objs, **kwargs)


class Hazard(models.Model):
    class Level(models.TextChoices):
        GENERAL = "general", _("一般隐患")
        MAJOR = "major", _("重大隐患")

    class Category(models.TextChoices):
        THING = "thing", _("物的不安全状态")
        BEHAVIOUR = "behaviour", _("人的不安全行为")
        MANAGEMENT = "management", _("管理缺陷")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("监管检查")
        SELF = "self", _("企业自查")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("待报整改方案")
        PLAN_PENDING = "plan_pending", _("方案待审批")
        RECTIFYING = "rectifying", _("整改中")
        AWAITING_VERIFICATION = "awaiting_verification", _("待验收")
        CLOSED = "closed", _("已销号")

    OPEN_STATUSES = (Status.REGISTERED, Status.PLAN_PENDING, Status.RECTIFYING, Status.AWAITING_VERIFICATION)

    number = models.CharField(_("隐患编号"), max_length=40, unique=True)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="hazards")
    # The hazard's area: its enterprise's area, set at registration and moved with the enterprise
    # (inspections/tally.py), so that access, tally, ledger, briefing and reminders all agree.
    node = models.ForeignKey(Node, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="hazards")
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    level = models.CharField(_("隐患等级"), max_length=16, choices=Level.choices)
    category = models.CharField(_("隐患类别"), max_length=16, choices=Category.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    description = models.TextField(_("隐患描述"))
    location = models.CharField(_("隐患部位"), max_length=200, blank=True)
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name=_("检查项"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("专项行动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    status = models.CharField(_("状态"), max_length=32, choices=Status.choices, default=Status.REGISTERED)
    deadline = models.DateField(_("整改期限"))  # the official's deadline, moved only by an approved extension
    fixed_on_spot = models.BooleanField(_("当场整改"), default=False)
    registered_by = models.ForeignKey(User, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Escalation(models.TextChoices):
        NONE = "", _("无")
        URGED = "urged", _("催办")
        SUPERVISED = "supervised", _("督办")

    # The reminder ladder (提醒 → 催办 → 督办) marks the hazard on the way; see inspections/reminders.py.
    escalation = models.CharField(_("催督办"), max_length=16, choices=Escalation.choices, default="", blank=True)
    escalated_at = models.DateTimeField(_("催督办时间"), null=True, blank=True)
    listed_supervision = models.BooleanField(_("挂牌督办"), default=False)
    listed_at = models.DateTimeField(_("挂牌时间"), null=True, blank=True)
    attachments = evidence_of("hazard")

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-registered_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline"),
            # The reminder scan's 催办/督办 steps (inspections/reminders.py hazard_escalate): ranges only.
            models.Index(fields=["status", "escalation", "deadline"], name="hazard_escalation_ladder"),
            models.Index(fields=["enterprise", "status"], name="hazard_enterprise_status"),
            models.Index(fields=["node", "status"], name="hazard_node_status"),
            models.Index(fields=["registered_at"], name="hazard_registered_at"),
            # The ledger's pages by registration time inside a scope: keys from the index alone.
            models.Index(fields=["enterprise", "registered_at", "id"], name="hazard_enterprise_registered"),
            # A briefing's "longest overdue" and "挂牌督办" tables walk these in order (inspections/briefing.py).
            models.Index(
                fields=["deadline", "number"], condition=Q(closed_at__isnull=True), name="hazard_open_deadline"
            ),
            models.Index(fields=["closed_at"], name="hazard_closed_at"),
            models.Index(
                fields=["listed_at", "number"], condition=Q(listed_supervision=True), name="hazard_listed_order"
            ),
            # Counts over a scope (ledger summary, dashboards) are index-only scans on PostgreSQL.
            models.Index(
                fields=["enterprise", "status", "level", "deadline"],
                include=["registered_at", "listed_supervision"],
                name="hazard_scope_counts",
            ),
            # The briefing's pass over an area (inspections/briefing.py): every column its counts and
            # its sector table read, so a county's 100,000 hazards come from the index alone rather
            # than from heap pages spread over the whole table.
            models.Index(
                fields=["node", "registered_at"],
                include=[
                    "id",
                    "closed_at",
                    "level",
                    "source",
                    "fixed_on_spot",
                    "deadline",
                    "listed_supervision",
                    "listed_at",
                    "sector",
                    "enterprise",
                ],
                name="hazard_briefing_pass",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_on_spot=False) | Q(level="general"), name="hazard_fixed_on_spot_general_only"
            ),
            models.CheckConstraint(
                condition=Q(listed_supervision=False) | Q(level="major"), name="hazard_supervision_major_only"
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="hazard_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.deadline < today

    def days_overdue(self, today: date | None = None) -> int:
        today = today or timezone.localdate()
        return (today - self.deadline).days if self.is_overdue(today) else 0


def overdue_q(today: date | None = None) -> Q:
    """Q for hazards past their deadline and not closed (逾期 is derived, never stored)."""
    return Q(deadline__lt=today or timezone.localdate()) & ~Q(status=Hazard.Status.CLOSED)


class HazardEvent(models.Model):
    """One recorded step of the lifecycle: who, when, what, from which state to which."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("登记隐患")
        FIXED_ON_SPOT = "fixed_on_spot", _("当场整改销号")
        PLAN_SUBMITTED = "plan_submitted", _("提交整改方案")
        PLAN_APPROVED = "plan_approved", _("批准整改方案")
        PLAN_RETURNED = "plan_returned", _("退回整改方案")
        COMPLETION_REPORTED = "completion_reported", _("报告整改完成")
        VERIFIED = "verified", _("验收销号")
        VERIFICATION_REJECTED = "verification_rejected", _("验收不通过")
        EXTENSION_REQUESTED = "extension_requested", _("申请延期")
        EXTENSION_APPROVED = "extension_approved", _("同意延期")
        EXTENSION_REFUSED = "extension_refused", _("不同意延期")
        EXTENSION_WITHDRAWN = "extension_withdrawn", _("延期申请撤回")
        LISTED_SUPERVISION = "listed_supervision", _("挂牌督办")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=32, choices=Action.choices)
    actor = models.ForeignKey(User, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The files that came with this step (their owner is the hazard).
    attachments = GenericRelation(
        "evidence.Attachment", content_type_field="step_type", object_id_field="step_id", related_query_name="event"
    )

    class Meta:
        verbose_name = _("隐患处理记录")
        verbose_name_plural = _("隐患处理记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.hazard} {self.get_action_display()}"


class HazardPlan(models.Model):
    """五落实 plan: 措施、责任、资金、时限、预案; for 重大 also the six parts of 第十五条 治理方案."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已生效")
        RETURNED = "returned", _("已退回")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="plans")
    measures = models.TextField(_("整改措施"))
    responsible_name = models.CharField(_("责任人"), max_length=32)
    responsible_post = models.CharField(_("职务"), max_length=32)
    responsible_phone = models.CharField(_("联系电话"), max_length=32)
    funds = models.DecimalField(_("整改资金（元）"), max_digits=12, decimal_places=2)
    funds_reason = models.CharField(_("无需资金的理由"), max_length=200, blank=True)
    deadline = models.DateField(_("完成时限"))
    contingency = models.TextField(_("应急预案及整改期间安全措施"))
    # 重大事故隐患 reported with the plan (第十四条): its 现状及原因 and 危害程度和整改难易程度分析.
    situation = models.TextField(_("隐患的现状及其产生原因"), blank=True, db_default="")
    analysis = models.TextField(_("隐患的危害程度和整改难易程度分析"), blank=True, db_default="")
    # 重大事故隐患治理方案 (第十五条): the other four of its six parts.
    goal = models.TextField(_("治理的目标和任务"), blank=True)
    materials = models.TextField(_("经费和物资的落实"), blank=True)
    organisation = models.TextField(_("负责治理的机构和人员"), blank=True)
    requirements = models.TextField(_("治理的时限和要求"), blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(funds__gte=0), name="plan_funds_not_negative"),
            models.CheckConstraint(condition=Q(funds__gt=0) | ~Q(funds_reason=""), name="plan_zero_funds_has_reason"),
        ]


class CompletionReport(models.Model):
    """The enterprise's report that rectification is done: evidence, documents, money spent."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="completion_reports")
    description = models.TextField(_("整改情况"))
    money_spent = models.DecimalField(_("实际投入资金（元）"), max_digits=12, decimal_places=2)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(money_spent__gte=0), name="report_money_not_negative")]


class HazardExtension(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("不同意")
        # Resolved without a decision: the hazard moved on (completion reported, closed on the spot).
        WITHDRAWN = "withdrawn", _("已撤回")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    reason = models.TextField(_("延期理由"))
    old_deadline = models.DateField(_("原期限"))
    requested_deadline = models.DateField(_("申请延至"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_deadline = models.DateField(_("批准延至"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_deadline__gt=F("old_deadline")), name="extension_moves_deadline_later"
            ),
            models.UniqueConstraint(
                fields=["hazard"], condition=Q(decision="pending"), name="one_pending_extension_per_hazard"
            ),
        ]


class HazardTally(models.Model):
    """The hazard counts of the enterprises registered at one node, as of `day`.

    Dashboards and the ledger's summary add up these rows over a county or a city (a few thousand
    rows) instead of counting a million hazards; see inspections/tally.py. A row is trusted only
    when it is clean and of today: a change to a hazard marks its node's row dirty in the same
    transaction and recounts it after commit, and readers count dirty, stale or missing nodes live.
    """

    node = models.OneToOneField(Node, primary_key=True, on_delete=models.CASCADE, related_name="hazard_tally")
    day = models.DateField(null=True, blank=True)
    dirty = models.BooleanField(default=True)
    total = models.PositiveIntegerField(default=0)
    major = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    major_open = models.PositiveIntegerField(default=0)
    listed = models.PositiveIntegerField(default=0)
    found_this_year = models.PositiveIntegerField(default=0)
    closed_this_year = models.PositiveIntegerField(default=0)
    plan_pending = models.PositiveIntegerField(default=0)
    awaiting_verification = models.PositiveIntegerField(default=0)
    extensions_pending = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    COUNTS = (
        "total",
        "major",
        "open",
        "overdue",
        "major_open",
        "listed",
        "found_this_year",
        "closed_this_year",
        "plan_pending",
        "awaiting_verification",
        "extensions_pending",
    )

    class Meta:
        verbose_name = _("隐患统计（按地区）")
        verbose_name_plural = _("隐患统计（按地区）")

    def __str__(self) -> str:
        return f"{self.node_id} @ {self.day}"


# The enterprise's duties of 第十四条 and 安全生产法 第四十一条 (see inspections/statistics.py) --------


class HazardCongressReport(models.Model):
    """双报告 (安全生产法 第四十一条): a 重大 hazard also reported to the workers' congress. Append-only."""

    class Body(models.TextChoices):
        ASSEMBLY = "assembly", _("职工大会")
        REPRESENTATIVES = "representatives", _("职工代表大会")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="congress_reports")
    body = models.CharField(_("报告对象"), max_length=16, choices=Body.choices)
    reported_on = models.DateField(_("报告日期"))
    note = models.TextField(_("报告情况"))
    evidence = models.ForeignKey(
        "evidence.Attachment",
        verbose_name=_("证明材料"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("重大隐患向职工大会报告")
        verbose_name_plural = _("重大隐患向职工大会报告")
        ordering = ["reported_on", "pk"]


class HazardStatisticsReport(models.Model):
    """An enterprise's 隐患排查治理情况统计分析 for a quarter (1-4) or a year (quarter 0), signed by its
    主要负责人 (第十四条). A row exists once filed: the exact figures and text signed and their SHA-256."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="hazard_statistics"
    )
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), default=0)  # 0: the annual report
    period_start = models.DateField(_("报告期起"))
    period_end = models.DateField(_("报告期止"))
    due_on = models.DateField(_("报送期限"))
    figures = models.JSONField(_("统计数据"), default=dict)
    note = models.TextField(_("分析说明"), blank=True)
    # The exact text signed, its SHA-256, the signer, time and IP: safetyops.evidence.signing.
    signature = models.OneToOneField("evidence.Signature", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("隐患统计报告")
        verbose_name_plural = _("隐患统计报告")
        ordering = ["-year", "-quarter", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "quarter"], name="one_statistics_report_per_period"),
            models.CheckConstraint(condition=Q(quarter__lte=4), name="statistics_quarter_0_to_4"),
        ]
        indexes = [models.Index(fields=["year", "quarter", "enterprise"], name="statistics_period")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}" + (f" Q{self.quarter}" if self.quarter else "")

    # What the pages and the figures read, from the one signature record.
    @property
    def signed_text(self) -> str:
        return self.signature.text

    @property
    def sha256(self) -> str:
        return self.signature.sha256

    @property
    def signed_by(self) -> Any:
        return self.signature.signer

    @property
    def signed_name(self) -> str:
        return self.signature.signed_name

    @property
    def signed_at(self) -> datetime:
        return self.signature.signed_at

    @property
    def signed_ip(self) -> str | None:
        return self.signature.ip
