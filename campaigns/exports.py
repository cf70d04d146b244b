"""The campaigns' workbooks: a report task's unit reports (报送情况汇总表) and a campaign's progress
(总体情况, 排名, 未检查企业). Write-only workbooks; every str goes out through
safetyops.core.spreadsheets, so a unit or enterprise name starting with "=" stays text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from campaigns.models import ReportTask, Target
from campaigns.overview import Row
from campaigns.progress import HAZARD_KEYS, Part, Progress
from campaigns.reports import task_figures
from safetyops.core import records
from safetyops.core.dbrouting import replica_reads
from safetyops.core.spreadsheets import StreamingSheet, local_naive, sheet_heading, sheet_value, streaming_workbook
from safetyops.exports.registry import Progress as ExportProgress
from safetyops.exports.registry import counted, ignored

CHUNK = 2000


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    return sheet_value(sheet, value)


def _append(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    sheet.append([_cell(sheet, value) for value in values])


def _number(text: Any) -> Any:
    """A figure's value as submitted ("12", "0.5") as a number; anything else as it is."""
    if text is None or text == "":
        return None
    try:
        return Decimal(str(text)) if "." in str(text) else int(text)
    except (ValueError, InvalidOperation):
        return str(text)


def _label(figure: records.Figure) -> str:
    return f"{figure.label}（{figure.unit}）" if figure.unit else figure.label


def write_task_workbook(rows: Iterable[Row], task: ReportTask, out: IO[bytes]) -> None:
    """One row per unit report: unit, area, state, submitted at, versions, each figure's value (and,
    for a figure the records fill in, the records' value and the note when the unit corrected it),
    then the text. A few hundred rows: XlsxWriter in memory, half the time of openpyxl's write-only."""
    figures = task_figures(task)
    header = [_("承办单位"), _("所在地区"), _("报送状态"), _("报送时间"), _("版本数")]
    for figure in figures:
        header.append(_label(figure))
        if figure.from_records:
            header += [
                _("%(label)s（系统统计）") % {"label": figure.label},
                _("%(label)s（修改说明）") % {"label": figure.label},
            ]
    header.append(_("报送内容"))
    workbook = streaming_workbook(out, constant_memory=False)
    sheet = StreamingSheet(workbook, _("报送情况"))
    sheet.heading(
        _("%(title)s 报送情况（截止%(deadline)s）") % {"title": task.title, "deadline": task.deadline}, header
    )
    for row in rows:
        values: list[Any] = [
            row.unit_name,
            row.area,
            row.state_label,
            local_naive(row.submitted_at),
            row.versions,
        ]
        for figure in figures:
            item = row.figures.get(figure.key) or {}
            values.append(_number(item.get("value")))
            if figure.from_records:
                corrected = item.get("system") is not None and item.get("system") != item.get("value")
                values += [_number(item["system"]) if corrected else None, item.get("note") or None]
        values.append(row.text or None)
        sheet.append(values)
    workbook.close()


def _hazard_labels() -> list[str]:
    return [_label(records.figure(key) or records.Figure(key, key)) for key in HAZARD_KEYS]


def _part_figures(part: Part) -> list[Any]:
    return [
        part.targets,
        part.inspected,
        part.not_inspected,
        part.coverage,
        *(part.hazards.get(k) for k in HAZARD_KEYS),
    ]


@replica_reads  # read-only aggregation: on the read replica when there is one
def progress_workbook(
    progress: Progress, not_inspected: QuerySet[Target], *, rows_written: ExportProgress = ignored
) -> Workbook:
    """总体情况 (the whole's figures and the goals), 排名 (the child nodes ranked) and 未检查企业
    (the current targets not yet inspected, read in chunks; `rows_written` follows them)."""
    campaign, whole = progress.campaign, progress.whole
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("总体情况"))
    sheet_heading(summary, campaign.name, [_("项目"), _("数值")])
    reached, missed = _("已达到"), _("未达到")
    lines: list[tuple[str, Any]] = [
        (_("组织单位"), campaign.node.name),
        (_("统计范围"), whole.name),
        (_("统计期间"), f"{progress.start:%Y-%m-%d}至{progress.end:%Y-%m-%d}"),
        (_("目标企业数（家）"), whole.targets),
        (_("已检查（家）"), whole.inspected),
        (_("未检查（家）"), whole.not_inspected),
        (_("检查覆盖率（%）"), whole.coverage),
        (_("覆盖率目标（%）"), campaign.goal_coverage),
        (_("覆盖率是否达标"), reached if progress.coverage_met else missed),
        *zip(_hazard_labels(), (whole.hazards.get(k) for k in HAZARD_KEYS), strict=True),
        (_("整改率目标（%）"), campaign.goal_rectification),
        (_("整改率是否达标"), reached if progress.rectification_met else missed),
    ]
    for line in lines:
        _append(summary, line)

    ranking = workbook.create_sheet(_("排名"))
    sheet_heading(
        ranking,
        _("%(name)s 各地区排名") % {"name": campaign.name},
        [_("名次"), _("地区"), _("目标企业数（家）"), _("已检查（家）"), _("未检查（家）"), _("检查覆盖率（%）"),
         *_hazard_labels()],
    )  # fmt: skip
    for rank, part in enumerate(progress.ranking, 1):
        _append(ranking, [rank, part.name, *_part_figures(part)])

    missing = workbook.create_sheet(_("未检查企业"))
    sheet_heading(
        missing,
        _("%(name)s 未检查目标企业") % {"name": campaign.name},
        [_("序号"), _("企业名称"), _("统一社会信用代码"), _("所在地区"), _("启动后列入")],
    )
    yes, no = _("是"), _("否")
    rows = not_inspected.values_list("enterprise__name", "enterprise__credit_code", "node__name", "added_later")
    for number, (name, code, area, later) in enumerate(counted(rows.iterator(chunk_size=CHUNK), rows_written), 1):
        _append(missing, [number, name, code, area, yes if later else no])
    return workbook
