"""The accident list as a workbook (事故台账): the list page's rows and filters. Every str goes out
through safetyops.core.spreadsheets, so a title or place starting with "=" stays text."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accountability.models import Accident
from safetyops.core.dbrouting import replica_reads
from safetyops.core.spreadsheets import local_naive, sheet_heading, sheet_value
from safetyops.core.views import xlsx_download

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
def accidents_workbook(accidents: QuerySet[Accident]) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("事故台账"))
    sheet_heading(sheet, _("生产安全事故台账"), [_(h) for h in HEADER])
    for a in accidents.iterator(chunk_size=2000):
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
    return xlsx_download(workbook.save, f"事故台账-{timezone.localdate():%Y%m%d}.xlsx")
