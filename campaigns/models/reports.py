"""Each submission of a unit report, kept whole (append-only): the figures as submitted, each with
the value the records gave and the note that explains a correction, the text, who and when."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models.work import UnitReport
from safetyops.evidence.models import AppendOnly, evidence_of
from safetyops.orgs.models import User


class ReportVersion(AppendOnly):
    """Append-only (safetyops.evidence.models.AppendOnly): saved once, never changed or deleted.
    `figures`: {key: {"value": "12", "system": "10" | None, "note": "…"}} in the task's order."""

    # PROTECT: a report with submissions is never deleted with its task or campaign (nothing lost).
    report = models.ForeignKey(UnitReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    figures = models.JSONField(_("报送数据"), default=dict)
    text = models.TextField(_("报送内容"), blank=True, db_default="")
    zero = models.BooleanField(_("零报告"), default=False)
    late = models.BooleanField(_("迟报"), default=False)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"))
    attachments = evidence_of("report_version")

    class Meta:
        verbose_name = _("报送版本")
        verbose_name_plural = _("报送版本")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_number")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"
