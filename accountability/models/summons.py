"""约谈 and 督办 records (DOMAIN §6; 《安全生产约谈实施办法(试行)》, 安委〔2018〕2号).

A `Summons` is addressed to a unit (a node's government, a department, an enterprise: a Unit) by a
node's officials. Its reasons are records, chosen, not typed (`SummonsReason`: an overdue hazard, a
hazard at 督办 or 挂牌督办, an accident, a late campaign report), each with a frozen label. After
the talk: the minutes, the commitments with their deadlines (`SummonsCommitment`), the written
rectification report the target submits by a deadline, and the follow-up until it is closed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyops.evidence.models import evidence_of
from safetyops.orgs.models import Node, User
from safetyops.orgs.units import Unit, one_unit


class Summons(Unit):
    """Declared states (accountability/summons/lifecycle.py): planned → held (minutes recorded;
    the target's report is due) → reported (the written rectification report is in) → closed;
    cancelled (with a reason) before it is held."""

    class Kind(models.TextChoices):
        SUMMONS = "summons", _("约谈")
        SUPERVISION = "supervision", _("督办")

    class Status(models.TextChoices):
        PLANNED = "planned", _("待约谈")
        HELD = "held", _("待报送整改报告")
        REPORTED = "reported", _("整改报告待审核")
        CLOSED = "closed", _("已办结")
        CANCELLED = "cancelled", _("已取消")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.SUMMONS)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    # The node whose officials summon (the county's 安委办, a township's office).
    issuer = models.ForeignKey(Node, verbose_name=_("约谈单位"), on_delete=models.PROTECT, related_name="summonses")
    held_on = models.DateField(_("约谈日期"))
    place = models.CharField(_("约谈地点"), max_length=200)
    summoned_by = models.CharField(_("约谈人"), max_length=200)
    attendees = models.TextField(_("被约谈人及参加人员"))
    summary = models.TextField(_("约谈事由说明"), blank=True, db_default="")
    minutes = models.TextField(_("约谈纪要"), blank=True, db_default="")
    report_due_on = models.DateField(_("整改报告报送期限"), null=True, blank=True)
    report_text = models.TextField(_("书面整改报告"), blank=True, db_default="")
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reported_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    follow_up = models.TextField(_("跟踪督办情况"), blank=True, db_default="")
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cancelled_reason = models.CharField(_("取消原因"), max_length=200, blank=True, db_default="")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The minutes (PDF) and the rectification report's files: evidence anchored at the target's area.
    attachments = evidence_of("summons")

    class Meta:
        verbose_name = _("约谈督办")
        verbose_name_plural = _("约谈督办")
        ordering = ["-held_on", "-pk"]
        constraints = [
            one_unit("summons"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""), name="summons_cancelled_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["area", "held_on"], name="summons_area_held"),
            models.Index(fields=["issuer", "held_on"], name="summons_issuer_held"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit_name} · {self.held_on}"


class SummonsReason(models.Model):
    """A record the summons is about: exactly one of a hazard, an accident, a campaign unit report.
    `kind` says why that record counts (overdue, 督办, 挂牌督办, accident, late report); `label`
    is the record's text when it was chosen."""

    class Kind(models.TextChoices):
        HAZARD_OVERDUE = "hazard_overdue", _("隐患逾期未整改")
        HAZARD_SUPERVISED = "hazard_supervised", _("隐患督办")
        HAZARD_LISTED = "hazard_listed", _("重大隐患挂牌督办")
        ACCIDENT = "accident", _("生产安全事故")
        REPORT_LATE = "report_late", _("专项行动报表迟报")

    summons = models.ForeignKey(Summons, on_delete=models.PROTECT, related_name="reasons")
    kind = models.CharField(_("事由"), max_length=24, choices=Kind.choices)
    hazard = models.ForeignKey(
        "inspections.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="summons_reasons"
    )
    accident = models.ForeignKey(
        "accountability.Accident", null=True, blank=True, on_delete=models.PROTECT, related_name="summons_reasons"
    )
    unit_report = models.ForeignKey(
        "campaigns.UnitReport", null=True, blank=True, on_delete=models.PROTECT, related_name="summons_reasons"
    )
    label = models.CharField(_("说明"), max_length=300)

    class Meta:
        verbose_name = _("约谈事由")
        verbose_name_plural = _("约谈事由")
        ordering = ["summons", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hazard__isnull=False, accident__isnull=True, unit_report__isnull=True)
                | Q(hazard__isnull=True, accident__isnull=False, unit_report__isnull=True)
                | Q(hazard__isnull=True, accident__isnull=True, unit_report__isnull=False),
                name="summonsreason_one_record",
            ),
        ]


class SummonsCommitment(models.Model):
    """A commitment the summoned unit made, with its deadline; done with a note (and files)."""

    summons = models.ForeignKey(Summons, on_delete=models.PROTECT, related_name="commitments")
    text = models.CharField(_("整改承诺"), max_length=300)
    due_on = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("完成情况"), blank=True, db_default="")

    class Meta:
        verbose_name = _("约谈整改承诺")
        verbose_name_plural = _("约谈整改承诺")
        ordering = ["summons", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(done_at__isnull=True) | ~Q(note=""), name="summonscommitment_done_note"),
        ]
