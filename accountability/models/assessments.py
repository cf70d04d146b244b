"""年度考核: the yearly assessment of a node or department (DOMAIN §6).

An `Assessment` is one unit's score sheet for a year, made by the assessing node (the county):
its rows (`AssessmentItem`) come from the unit's 目标责任书 (its items and weights; the county's
default sheet where it has none), each scored from the data where the data exists and by hand with
evidence where it does not. 一票否决 (《地方党政领导干部安全生产责任制规定》; the seeds) is applied
by rule from the accidents the unit bears responsibility for (`veto_rule`, with the accidents that
caused it in `veto_accidents`); a county admin may review it with a written reason
(`veto_review`, audited). A vetoed unit cannot be 优秀.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyops.evidence.models import evidence_of
from safetyops.orgs.models import Node, User
from safetyops.orgs.units import Unit


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Assessment(Unit):
    """Declared states (accountability/assessments/lifecycle.py): draft (being scored) → final
    (the grade is fixed; the letter is marked assessed)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("评分中")
        FINAL = "final", _("已定级")

    class VetoReview(models.TextChoices):
        NONE = "", _("未复核")
        UPHELD = "upheld", _("复核维持")
        LIFTED = "lifted", _("复核撤销")
        IMPOSED = "imposed", _("复核认定")

    year = models.PositiveIntegerField(_("年度"))
    assessor = models.ForeignKey(Node, verbose_name=_("考核单位"), on_delete=models.PROTECT, related_name="+")
    letter = models.ForeignKey(
        "accountability.Letter",
        verbose_name=_("目标责任书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices, blank=True, default="")
    # By rule, recomputed from the accidents whenever the sheet is scored.
    veto_rule = models.BooleanField(_("一票否决（按规则）"), default=False)
    veto_accidents = models.JSONField(_("否决依据的事故"), default=list, blank=True)
    veto_review = models.CharField(_("否决复核"), max_length=16, choices=VetoReview.choices, blank=True, default="")
    veto_review_reason = models.TextField(_("复核理由"), blank=True, db_default="")
    veto_reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    veto_reviewed_at = models.DateTimeField(null=True, blank=True)
    remarks = models.TextField(_("考核意见"), blank=True, db_default="")
    scored_at = models.DateTimeField(_("计分时间"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("定级时间"), null=True, blank=True)
    finalised_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "area__path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(node__isnull=False, department__isnull=True, enterprise__isnull=True)
                | Q(node__isnull=True, department__isnull=False, enterprise__isnull=True),
                name="assessment_node_or_department",
            ),
            models.UniqueConstraint(
                fields=["year", "node"], condition=Q(node__isnull=False), name="assessment_node_once"
            ),
            models.UniqueConstraint(
                fields=["year", "department"], condition=Q(department__isnull=False), name="assessment_department_once"
            ),
            models.CheckConstraint(
                condition=Q(veto_review="") | ~Q(veto_review_reason=""), name="assessment_review_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(grade="excellent") | Q(veto_rule=False, veto_review="") | Q(veto_review="lifted"),
                name="assessment_vetoed_not_excellent",
            ),
        ]
        indexes = [models.Index(fields=["assessor", "year"], name="assessment_assessor_year")]

    def __str__(self) -> str:
        return f"{self.year} · {self.unit_name}"

    @property
    def vetoed(self) -> bool:
        """The veto in force: the rule's, unless a review lifted it; or imposed by a review."""
        if self.veto_review == self.VetoReview.LIFTED:
            return False
        return self.veto_rule or self.veto_review == self.VetoReview.IMPOSED


class AssessmentItem(models.Model):
    """One row of the score sheet. `source` data: `measured` and `score` come from the records
    (recomputed when the sheet is scored); manual: the assessor enters the score with a note and
    evidence. `key` is an item key of accountability/items.py, or a deduction key."""

    class Source(models.TextChoices):
        DATA = "data", _("系统数据")
        MANUAL = "manual", _("人工评分")

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="rows")
    position = models.PositiveSmallIntegerField(_("序号"))
    key = models.CharField(_("指标"), max_length=40)
    label = models.CharField(_("考核内容"), max_length=200)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    source = models.CharField(_("评分方式"), max_length=16, choices=Source.choices)
    target = models.CharField(_("目标"), max_length=100, blank=True, db_default="")
    measured = models.CharField(_("完成情况"), max_length=200, blank=True, db_default="")
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("评分说明"), blank=True, db_default="")
    scored_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(null=True, blank=True)
    attachments = evidence_of("assessment_item")

    class Meta:
        verbose_name = _("考核评分项")
        verbose_name_plural = _("考核评分项")
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "position"], name="assessmentitem_position_once"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=-100), name="assessmentitem_score"),
        ]
