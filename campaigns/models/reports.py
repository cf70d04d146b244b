"""Each submission of a unit report, kept whole (append-only): the figures as submitted, each with
the value the records gave and the note that explains a correction, the text, who and when."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models.work import UnitReport
from safetyops.orgs.models import User


class ReportVersion(models.Model):
    """`figures`: {key: {"value": "12", "system": "10" | None, "note": "…"}} in the task's order."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    figures = models.JSONField(_("报送数据"), default=dict)
    text = models.TextField(_("报送内容"), blank=True, db_default="")
    zero = models.BooleanField(_("零报告"), default=False)
    late = models.BooleanField(_("迟报"), default=False)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"))
    attachments = GenericRelation(
        "evidence.Attachment", content_type_field="owner_type", object_id_field="owner_id", related_query_name="+"
    )

    class Meta:
        verbose_name = _("报送版本")
        verbose_name_plural = _("报送版本")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_number")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("a submitted report version is never changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
