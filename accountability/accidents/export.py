"""The accident list as a workbook (事故台账): the list page's rows and filters. Every str goes out
through safetyops.core.spreadsheets, so a title or place starting with "=" stays text. An export
kind: above EXPORT_SYNC_MAX_ROWS accidents (a city's years of them) a worker writes it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accountability.accidents import forms, selectors
from accountability.models import Accident
from accountability.rights import AccountabilityRight
from safetyops.core.dbrouting import replica_reads
from safetyops.core.spreadsheets import local_naive, sheet_heading, sheet_value
from safetyops.exports.registry import (
    ExportKind,
    ExportRun,
    Progress,
    back_to,
    counted,
    ignored,
    register_export,
    workbook_run,
)

ACCIDENT_LEDGER = "accountability.accidents"

HEADER = (
    "事故编号",
    "事故名称",
    "发生时间",
    "报告时间",
    "地区",
    "事故单位/地点",
    "类别",
    "死亡",
    "重伤",
    "轻伤",
    "下落不明",
    "直接经济损失（万元）",
    "等级",
    "迟报",
    "谎报瞒报",
    "状态",
)


@replica_reads  # read-only aggregation: on the read replica when there is one
def accidents_workbook(accidents: QuerySet[Accident], *, rows_written: Progress = ignored) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("事故台账"))
    sheet_heading(sheet, _("生产安全事故台账"), [_(h) for h in HEADER])
    for a in counted(accidents.iterator(chunk_size=2000), rows_written):
        values = [
            a.number,
            a.title,
            local_naive(a.occurred_at),
            local_naive(a.reported_at),
            a.node.name,
            a.enterprise.name if a.enterprise else a.place,
            a.get_category_display(),
            a.deaths,
            a.serious_injuries,
            a.minor_injuries,
            a.missing,
            float(a.direct_loss),
            a.get_level_display(),
            _("迟报") if a.reported_late else "",
            a.get_misreport_display() if a.misreport else "",
            a.get_status_display(),
        ]
        sheet.append([sheet_value(sheet, v) for v in values])
    return workbook


def build_accident_export(user: Any, params: QueryDict) -> ExportRun:
    """The list page's accidents under its filters (a filter that does not parse is left out, as on the page)."""
    form = forms.ListFilterForm(params or None, user=user)
    accidents = selectors.accident_list(user, filters=form.cleaned_data if form.is_valid() else {})
    return workbook_run(
        total=accidents.order_by().count(),
        filename=f"事故台账-{timezone.localdate():%Y%m%d}.xlsx",
        build=lambda written: accidents_workbook(accidents, rows_written=written),
    )


def register() -> None:
    register_export(
        ExportKind(
            name=ACCIDENT_LEDGER,
            label=_("事故台账"),
            right=AccountabilityRight.EXPORT,
            build=build_accident_export,
            back_url=back_to("accountability:accident_list"),
        )
    )
