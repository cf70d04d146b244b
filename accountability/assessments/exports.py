"""The year's assessment as a workbook: sheet 1 the ranking (rank, unit, score, grade, 一票否决 with
the accidents, the review), sheet 2 every row of every sheet; then the 扣分标准. Only the sheets the
user sees (accountability.scope.assessments_visible_to); every str goes out through
safetyops.core.spreadsheets, so a unit's name or a note starting with "=" stays text."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from accountability.assessments import scoring
from accountability.assessments.selectors import ranking
from accountability.assessments.veto import rule_text
from accountability.models import Assessment, AssessmentItem
from safetyops.core.dbrouting import replica_reads
from safetyops.core.spreadsheets import sheet_heading, sheet_value


def _append(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    sheet.append([sheet_value(sheet, float(v) if isinstance(v, Decimal) else v) for v in values])


def accidents_text(assessment: Assessment) -> str:
    return "；".join(
        f"{a['number']} {a['title']}（{a['level_label']}，{a['date']}）" for a in assessment.veto_accidents or []
    )


def veto_text(assessment: Assessment) -> str:
    if assessment.vetoed:
        return _("一票否决")
    if assessment.veto_rule:
        return _("否决已撤销")
    return ""


@replica_reads  # read-only aggregation: on the read replica when there is one
def assessment_workbook(assessments: QuerySet[Assessment], year: int, *, title: str) -> Workbook:
    ranked = ranking(assessments, year)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("考核排名"))
    sheet_heading(
        sheet,
        title,
        [_("排名"), _("单位"), _("得分"), _("等次"), _("一票否决"), _("否决依据的事故"), _("否决复核"),
         _("复核理由"), _("状态")],
    )  # fmt: skip
    for row in ranked.rows:
        a = row.assessment
        _append(
            sheet,
            [
                row.rank,
                a.unit_name,
                a.score,
                a.get_grade_display(),
                veto_text(a),
                accidents_text(a),
                a.get_veto_review_display() if a.veto_review else "",
                a.veto_review_reason,
                a.get_status_display(),
            ],
        )
    sheet.append([])
    _append(sheet, [scoring.standard_text()])
    _append(sheet, [rule_text()])

    detail = workbook.create_sheet(_("评分明细"))
    sheet_heading(
        detail,
        _("%(year)s年度考核评分明细") % {"year": year},
        [_("单位"), _("序号"), _("考核内容"), _("分值"), _("目标"), _("完成情况"), _("得分"), _("评分方式"),
         _("评分说明")],
    )  # fmt: skip
    ids = [row.assessment.pk for row in ranked.rows]
    order = {pk: position for position, pk in enumerate(ids)}
    items = sorted(
        AssessmentItem.objects.filter(assessment_id__in=ids).select_related(
            "assessment__node", "assessment__department"
        ),
        key=lambda item: (order[item.assessment_id], item.position),
    )
    for item in items:
        _append(
            detail,
            [
                item.assessment.unit_name,
                item.position,
                item.label,
                item.weight,
                item.target,
                item.measured,
                item.score,
                item.get_source_display(),
                item.note,
            ],
        )
    return workbook
