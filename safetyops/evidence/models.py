"""Evidence for any owner: files (photos, PDFs) and signatures, both append-only.

An attachment or a signature belongs to any model instance (its `owner`, a generic reference) and is
scoped through exactly one anchor: an enterprise (enterprise-owned evidence: hazards, inspections)
or a node (node-owned evidence: a county → township letter's scan, a campaign plan). See
safetyops/evidence/scope.py for who sees which.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyops.orgs.models import Enterprise, Node

User = settings.AUTH_USER_MODEL


class AppendOnlyError(ProtectedError):
    """Evidence is never changed or deleted once stored."""

    def __init__(self, model: type[models.Model] | models.Model, objs: Any = ()) -> None:
        # A list, not the set the stubs ask for: an unsaved instance is unhashable; Django keeps any iterable.
        super().__init__(f"{model._meta.label} is append-only", list(objs))  # type: ignore[arg-type]


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def delete(self) -> Any:
        raise AppendOnlyError(self.model)


class AppendOnly(models.Model):
    """Rows are inserted, never updated or deleted (bulk .update() stays for data migrations)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(self, [self])
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(self, [self])


def evidence_of(query_name: str) -> GenericRelation:
    """`obj.attachments` on an owner model: the evidence files whose owner is obj
    (Attachment.objects.filter(<query_name>=obj)); the owner's app declares it."""
    return GenericRelation(
        "evidence.Attachment",
        content_type_field="owner_type",
        object_id_field="owner_id",
        related_query_name=query_name,
    )


def refuse_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """pre_delete receiver: a cascade from a deleted owner (GenericRelation) must not take evidence along."""
    raise AppendOnlyError(instance, [instance])


def anchor_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(enterprise__isnull=False) & Q(node__isnull=True))
        | (Q(enterprise__isnull=True) & Q(node__isnull=False)),
        name=name,
    )


def _attachment_path(instance: Attachment, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"evidence/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


def _thumbnail_path(instance: Attachment, filename: str) -> str:
    return f"thumbs/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.jpg"


class Attachment(AppendOnly):
    """A photo or PDF of any owner. Stored under a random name, served only through the scoped
    download view, never changed or deleted.

    `owner` is what the file is evidence of (a hazard, a checklist answer, a letter …); `step` is,
    optionally, the record of the step it came with (a HazardEvent), so a timeline shows each
    step's files. Reverse access: a GenericRelation on the owner (and on the step model).
    """

    class Kind(models.TextChoices):
        IMAGE = "image", _("图片")
        PDF = "pdf", _("PDF")

    class Role(models.TextChoices):
        BEFORE = "before", _("整改前")
        AFTER = "after", _("整改后")
        DOCUMENT = "document", _("材料")
        SCAN = "scan", _("签字扫描件")

    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    step_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    step_id = models.PositiveBigIntegerField(null=True, blank=True)
    step = GenericForeignKey("step_type", "step_id")
    # The anchor of the scope: exactly one of the two.
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    node = models.ForeignKey(Node, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.BEFORE)
    file = models.FileField(upload_to=_attachment_path)
    thumbnail = models.FileField(upload_to=_thumbnail_path, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "pk"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="attachment_owner"),
            models.Index(fields=["step_type", "step_id"], name="attachment_step"),
        ]
        constraints = [
            anchor_constraint("attachment_one_anchor"),
            models.CheckConstraint(
                condition=Q(step_type__isnull=True, step_id__isnull=True)
                | Q(step_type__isnull=False, step_id__isnull=False),
                name="attachment_step_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class Signature(AppendOnly):
    """A signature of the exact text signed, of any owner (an inspection record, a 统计报告, a letter).

    Typed: the signer typed their own name and ticked the confirmation. Scan: the paper signature
    of `signed_name` is the uploaded `scan`, countersigned by an official. Either way the canonical
    text and its SHA-256 are kept (safetyops/evidence/signing.py), so `verify()` can recompute it.
    """

    class Method(models.TextChoices):
        TYPED = "typed", _("电子签名")
        SCAN = "scan", _("纸质签字扫描件")

    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    method = models.CharField(_("签署方式"), max_length=8, choices=Method.choices, default=Method.TYPED)
    signer = models.ForeignKey(
        User, verbose_name=_("签署人"), null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    signed_name = models.CharField(_("签名"), max_length=64)
    signed_at = models.DateTimeField(_("签署时间"))
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    text = models.TextField(_("签署内容"))
    sha256 = models.CharField(max_length=64)
    scan = models.ForeignKey(
        Attachment, verbose_name=_("签字扫描件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_by = models.ForeignKey(
        User, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("签名")
        verbose_name_plural = _("签名")
        ordering = ["signed_at", "pk"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="signature_owner")]
        constraints = [
            models.CheckConstraint(
                condition=Q(method="typed", signer__isnull=False, scan__isnull=True)
                | Q(method="scan", scan__isnull=False, countersigned_by__isnull=False, countersigned_at__isnull=False),
                name="signature_typed_or_countersigned_scan",
            ),
            models.CheckConstraint(condition=~Q(signed_name=""), name="signature_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.signed_name} {self.signed_at:%Y-%m-%d %H:%M}"
