"""The 公告 as a PDF (as it would hang at the gate) and the board as a workbook. User text reaches
the PDF through an autoescaping template and the workbook through safetyops.core.spreadsheets (a
name starting with "=" stays text)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accountability.daily.board import STATE_LABELS
from accountability.models import DailyPledge
from safetyops.core.pdf import css_string, font_uris, pdf_bytes
from safetyops.core.spreadsheets import local_naive, sheet_value, text_cell
from safetyops.orgs.models import Enterprise


def pledge_context(pledge: DailyPledge) -> dict[str, Any]:
    return {
        "pledge": pledge,
        "judgments": list(pledge.judgments.all()),
        "operations": pledge.operations(),
        "signature": pledge.signature,
        "flags": list(pledge.flags.select_related("hazard").order_by("raised_at", "pk")),
    }


def pledge_pdf(pledge: DailyPledge) -> bytes:
    context = {
        **pledge_context(pledge),
        "title": _("安全风险研判与承诺公告"),
        "author": pledge.enterprise.name,
        "running_head": css_string(f"{pledge.enterprise.name} · {pledge.date.isoformat()}"),
        **font_uris(),
    }
    return pdf_bytes(render_to_string("accountability/daily/pledge_pdf.html", context))


def _yes(value: bool | None) -> str:
    if value is None:
        return ""
    return _("是") if value else _("否")


def board_workbook(rows: Iterable[Enterprise], day: datetime.date) -> Any:
    """Every row of the board (not only a page): one sheet."""
    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet(_("承诺公告情况"))
    sheet.freeze_panes = "C3"
    heading: Any = text_cell(sheet, _("安全风险研判与承诺公告情况（%(day)s）") % {"day": day.isoformat()})
    heading.font = Font(size=14, bold=True)
    sheet.append([heading])
    header = [
        _("序号"),
        _("企业名称"),
        _("所在地区"),
        _("状态"),
        _("截止时间"),
        _("公告时间"),
        _("承诺人"),
        _("生产装置总数"),
        _("运行"),
        _("动火作业"),
        _("受限空间作业"),
        _("重大危险源受控"),
        _("待核实承诺不实"),
        _("已认定承诺不实"),
    ]
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell: Any = text_cell(sheet, str(name))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for n, row in enumerate(rows, start=1):
        r: Any = row
        values = [
            n,
            r.name,
            r.node.name,
            str(STATE_LABELS[r.state]),
            r.due_time.strftime("%H:%M"),
            local_naive(r.published_at),
            r.pledger_name or "",
            r.units_total,
            r.units_running,
            r.hot_work,
            r.confined_space,
            _yes(r.major_controlled),
            r.open_flags,
            r.confirmed_flags,
        ]
        out = []
        for value in values:
            if isinstance(value, datetime.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm"
                out.append(cell)
            else:
                out.append(sheet_value(sheet, value))
        sheet.append(out)
    return workbook
