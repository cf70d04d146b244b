"""The year's assessment report as a PDF (A4, the vendored font): the ranking with grades and
vetoes, the accidents behind each veto and its review, then each unit's score sheet, and the
rules (扣分标准, 等次, 一票否决). Rendered from a template, so every user text is escaped."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accountability.assessments import scoring
from accountability.assessments.selectors import ranking
from accountability.assessments.veto import rule_text
from accountability.models import Assessment, AssessmentItem
from safetyops.core.pdf import css_string, font_uris, pdf_bytes


def report_html(assessments: QuerySet[Assessment], year: int, *, title: str) -> str:
    ranked = ranking(assessments, year)
    rows: dict[int, list[AssessmentItem]] = defaultdict(list)
    for item in AssessmentItem.objects.filter(assessment_id__in=[r.assessment.pk for r in ranked.rows]).order_by(
        "assessment_id", "position"
    ):
        rows[item.assessment_id].append(item)
    sheets = [(r, rows[r.assessment.pk]) for r in ranked.rows]
    context = {
        "title": title,
        "year": year,
        "ranking": ranked,
        "sheets": sheets,
        "standard": scoring.standard_text(),
        "rule": rule_text(),
        "printed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "running_head": css_string(title),
        **font_uris(),
    }
    return render_to_string("accountability/assessments/pdf_report.html", context)


def report_pdf(assessments: QuerySet[Assessment], year: int, *, title: str) -> bytes:
    return pdf_bytes(report_html(assessments, year, title=title))
