"""目标责任书 and 安全承诺书: one family of signed documents (DOMAIN §6).

A `LetterTemplate` is what a node issues in a year: the text, and for a 目标责任书 the items (control
indicators, work targets, each with its assessment weight: accountability/items.py). Issuing it
creates one `Letter` per addressee (a child node, a department or an enterprise: a Unit), each with
its own copy of the items. What an addressee signs is a `LetterVersion`: the exact text, frozen; a
change after issuing is a new version that must be signed again. A township issues its own letters
from the one it received (`source_letter`): its items may not be looser than that letter's.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetyops.evidence.models import Signature, evidence_of
from safetyops.orgs.models import Node, User
from safetyops.orgs.units import Unit, unit_constraints


class LetterTemplate(models.Model):
    class Kind(models.TextChoices):
        RESPONSIBILITY = "responsibility", _("目标责任书")
        PLEDGE = "pledge", _("安全承诺书")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ISSUED = "issued", _("已下达")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    year = models.PositiveIntegerField(_("年度"))
    node = models.ForeignKey(
        Node, verbose_name=_("下达单位"), on_delete=models.PROTECT, related_name="letter_templates"
    )
    title = models.CharField(_("标题"), max_length=128)
    # Plain text with a small safe markup (accountability/markup.py): no HTML from users reaches a page.
    body = models.TextField(_("正文"))
    items = models.JSONField(_("指标与目标"), default=list, blank=True)
    assessment_method = models.TextField(_("考核办法"), blank=True, db_default="")
    # A pledge of a campaign (the fire sweep's 承诺书); coverage per campaign counts these.
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("专项行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letter_templates",
    )
    # The letter the issuing node received from above, which this one passes down.
    source_letter = models.ForeignKey(
        "Letter",
        verbose_name=_("依据上级责任书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived_templates",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    sign_within_days = models.PositiveSmallIntegerField(_("签署期限（天）"), default=7)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(_("首次下达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("责任书/承诺书")
        verbose_name_plural = _("责任书/承诺书")
        ordering = ["-year", "kind", "pk"]
        indexes = [models.Index(fields=["node", "year", "kind"], name="lettertemplate_node_year")]

    def __str__(self) -> str:
        return self.title


class Letter(Unit):
    """One addressee's copy. Declared states (accountability/lifecycle.py): draft → issued →
    signed → assessed; withdrawn (with a reason) before it is signed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待下达")
        ISSUED = "issued", _("待签署")
        SIGNED = "signed", _("已签署")
        ASSESSED = "assessed", _("已考核")
        WITHDRAWN = "withdrawn", _("已撤回")

    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="letters")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    items = models.JSONField(_("指标与目标"), default=list, blank=True)
    current_version = models.ForeignKey(
        "LetterVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signature = models.ForeignKey(
        Signature, verbose_name=_("签署"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("签署期限"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("考核时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=200, blank=True, db_default="")
    # Paper scans of the signature: evidence anchored at the addressee's area.
    attachments = evidence_of("letter")

    class Meta:
        verbose_name = _("责任书（单位）")
        verbose_name_plural = _("责任书（单位）")
        ordering = ["template", "area__path", "pk"]
        constraints = [
            *unit_constraints("letter", "template"),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signature__isnull=False), name="letter_signed_has_signature"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""), name="letter_withdrawn_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["template", "status"], name="letter_template_status"),
            models.Index(fields=["area", "status"], name="letter_area_status"),
        ]

    def __str__(self) -> str:
        return f"{self.template} · {self.unit_name}"


class LetterVersion(models.Model):
    """The exact text an addressee is asked to sign, frozen when issued (number 1) or revised.
    Its signature (evidence Signature, owner = this version) keeps the same text and its hash."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    text = models.TextField(_("文本"))
    sha256 = models.CharField(max_length=64)
    items = models.JSONField(default=list, blank=True)
    reason = models.CharField(_("修订原因"), max_length=200, blank=True, db_default="")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("责任书版本")
        verbose_name_plural = _("责任书版本")
        ordering = ["letter", "number"]
        constraints = [models.UniqueConstraint(fields=["letter", "number"], name="letterversion_number_once")]

    def __str__(self) -> str:
        return f"{self.letter_id} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("a letter version is frozen")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
