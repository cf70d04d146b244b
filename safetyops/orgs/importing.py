"""Enterprise import from .xlsx and .csv: template, parsing, validation and the all-or-nothing save.

Every row is validated before anything is written; one bad row and the whole file is refused,
with every problem reported by row and column. Lookups are pre-loaded into dicts: no per-row queries.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyops.core import jobs
from safetyops.core.audit import log_action
from safetyops.core.spreadsheets import append_as_text
from safetyops.orgs.creditcode import check_character, credit_code_problem, normalize_credit_code
from safetyops.orgs.models import Enterprise, EnterpriseImport, Node, Sector
from safetyops.orgs.phones import normalize_phone, phone_problem
from safetyops.orgs.scope import Right, has_right, nodes_visible_to, require_right
from safetyops.orgs.selectors import enterprises_changed

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
TEMPLATE_FORMATS = ("xlsx", "csv")
# A PENDING row older than this was never picked up (its message was lost): the sweeper sends it again.
ENQUEUE_GRACE = timedelta(minutes=5)
BATCH_SIZE = 1000
QUERY_CHUNK = 500
ROW_KEY = "_row"
# Reading an .xlsx: the sheet is read no wider than this, and no further down than IMPORT_MAX_ROWS
# plus this many rows (title rows above the header, blank rows between companies).
MAX_COLUMNS = 64
ROW_SLACK = 100
MAX_ARCHIVE_MEMBERS = 1000
# What an import's error record keeps: values quoted up to QUOTE_LIMIT characters, and the first
# MAX_STORED_ERRORS errors (1,000 rows of 50 KB phone numbers made a 50 MB record and page).
QUOTE_LIMIT = 50
MAX_STORED_ERRORS = 200
# Small parts of an .xlsx (styles, the content types) compress far better than the sheet does.
RATIO_CHECKED_FROM = 1024 * 1024


@dataclass(frozen=True)
class Column:
    name: str  # the header without decoration; also the "column" of an error
    field: str
    required: bool
    hint: str = ""
    rule: Any = ""

    @property
    def header(self) -> str:
        star = "*" if self.required else ""
        return f"{self.name}{star}（{self.hint}）" if self.hint else f"{self.name}{star}"


COLUMNS: tuple[Column, ...] = (
    Column("企业名称", "name", True, rule=gettext_lazy("必填，与营业执照一致，最多128字。")),
    Column(
        "统一社会信用代码",
        "credit_code",
        True,
        rule=gettext_lazy("必填，18位，不含 I、O、S、V、Z；请将此列设为“文本”格式，以免 Excel 改成科学计数法。"),
    ),
    Column(
        "所在地区",
        "node",
        True,
        "区划代码或名称",
        gettext_lazy("必填，填写您管辖范围内的区划代码（推荐）或地区名称；名称重名时必须填代码。"),
    ),
    Column(
        "行业领域",
        "sectors",
        True,
        "行业名称，多个用顿号分隔",
        gettext_lazy("必填，填写下方列出的行业领域名称；多个之间用、，,;；分隔。"),
    ),
    Column("地址", "address", False, rule=gettext_lazy("选填，最多255字。")),
    Column("主要负责人", "principal_name", True, rule=gettext_lazy("必填，姓名，最多32字。")),
    Column("主要负责人电话", "principal_phone", False, rule=gettext_lazy("选填，手机或座机号码。")),
    Column("安全管理员", "safety_officer_name", False, rule=gettext_lazy("选填，姓名，最多32字。")),
    Column("安全管理员电话", "safety_officer_phone", False, rule=gettext_lazy("选填，手机或座机号码。")),
    Column("经营状态", "status", False, "在营/停产/关闭", gettext_lazy("选填，在营、停产或关闭；不填为在营。")),
    Column(
        "风险等级",
        "risk_level",
        False,
        "重大/较大/一般/低",
        gettext_lazy("选填，重大、较大、一般、低（或红、橙、黄、蓝）；不填为低。"),
    ),
    Column("重大危险源", "has_major_hazard_source", False, "是/否", gettext_lazy("选填，是或否；不填为否。")),
    Column("从业人员数", "employees", False, rule=gettext_lazy("选填，非负整数。")),
)
COLUMN_BY_NAME = {column.name: column for column in COLUMNS}
COLUMN_ORDER = {column.name: index for index, column in enumerate(COLUMNS)}

_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "＊": "*", "\u3000": " "})
_SECTOR_SEPARATORS = re.compile(r"[、，,;；]+")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+\d+$")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STATUS = {
    **{label: value for value, label in [("operating", "在营"), ("suspended", "停产"), ("closed", "关闭")]},
    "operating": "operating",
    "suspended": "suspended",
    "closed": "closed",
    "正常": "operating",
    "营业": "operating",
    "停业": "suspended",
    "注销": "closed",
}
_YES = {"是", "有", "y", "yes", "true", "1", "√"}
_NO = {"否", "无", "n", "no", "false", "0", "×"}
MAX_EMPLOYEES = 10_000_000


def _risk_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for value, level, colour in [
        ("major", "重大", "红"),
        ("significant", "较大", "橙"),
        ("general", "一般", "黄"),
        ("low", "低", "蓝"),
    ]:
        for alias in (
            value,
            level,
            f"{level}风险",
            colour,
            f"{colour}色",
            f"{level}风险({colour})",
            f"{level}({colour})",
        ):
            aliases[alias] = value
    return aliases


_RISK = _risk_aliases()


class ImportFileError(Exception):
    """The file as a whole cannot be read: carries the file-level errors to report."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "")
        self.errors = errors


def _error(row: int, column: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "message": message}


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A cell's value as an error message quotes it: at most `limit` characters."""
    return text if len(text) <= limit else text[:limit] + "…"


def capped_errors(errors: list[dict[str, Any]], limit: int = MAX_STORED_ERRORS) -> list[dict[str, Any]]:
    """The first `limit` errors and, when there were more, one closing entry that says how many
    more (with "omitted" and "error_rows" for the result page): a file of a thousand bad rows must
    not become a record of megabytes."""
    if len(errors) <= limit:
        return errors
    omitted = len(errors) - limit
    rows = len({error["row"] for error in errors if error.get("row")})
    summary = _error(
        0,
        "",
        _(
            "另有 %(n)d 条错误未列出（共 %(total)d 条，涉及 %(rows)d 行）。"
            "请先改正上面列出的错误，重新上传后会列出其余的错误。"
        )
        % {"n": omitted, "total": len(errors), "rows": rows},
    )
    return [*errors[:limit], {**summary, "omitted": omitted, "error_rows": rows}]


def not_a_spreadsheet_error() -> dict[str, Any]:
    return _error(
        0,
        "",
        _("文件不是有效的 Excel(.xlsx) 或 CSV 文件。请下载模板填写，保存为 .xlsx 或 CSV（UTF-8）格式后重新上传。"),
    )


# Template --------------------------------------------------------------------------------------


def _example_credit_code() -> str:
    body = "91330100MA2B3C4D5"
    return body + check_character(body)


def _example_row(example_node: Node | None) -> list[Any]:
    sectors = {s.code: s.name for s in Sector.objects.filter(code__in=["light-industry", "dust-explosion"])}
    if not sectors:
        first = Sector.objects.order_by("sort_order", "code").first()
        sectors = {first.code: first.name} if first else {}
    node_text = example_node.code if example_node else _("（填写区划代码）")
    return [
        _("示例木业有限公司"),
        _example_credit_code(),
        node_text,
        "、".join(sectors[code] for code in ("light-industry", "dust-explosion") if code in sectors)
        or "、".join(sectors.values()),
        _("某某路88号"),
        _("张三"),
        "13800000000",
        _("李四"),
        "13900000000",
        _("在营"),
        _("一般"),
        _("否"),
        "45",
    ]


def build_template(fmt: str, *, example_node: Node | None = None) -> bytes:
    """The import template: header and one valid example row (on `example_node` when given)."""
    if fmt not in TEMPLATE_FORMATS:
        raise ValueError(f"unknown template format: {fmt}")
    headers = [column.header for column in COLUMNS]
    example = _example_row(example_node)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerow(example)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    return _build_xlsx_template(headers, example)


def _build_xlsx_template(headers: list[str], example: list[Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("企业信息")
    # Names of regions and sectors come from the database: written as text, never as formulas.
    append_as_text(sheet, headers)
    append_as_text(sheet, example)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    last_row = settings.IMPORT_MAX_ROWS + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = max(12, min(36, len(column.header) * 2 + 2))
        if column.field in {"credit_code", "node", "principal_phone", "safety_officer_phone"}:
            # Text, so that Excel keeps leading zeros and does not turn codes into 9.13E+17.
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
        choices = {"status": "在营,停产,关闭", "risk_level": "重大,较大,一般,低", "has_major_hazard_source": "是,否"}
        if column.field in choices:
            validation = DataValidation(type="list", formula1=f'"{choices[column.field]}"', allow_blank=True)
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)
    sheet.row_dimensions[1].height = 36
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("填写说明"))
    append_as_text(notes, [_("企业导入填写说明")])
    notes["A1"].font = Font(bold=True, size=14)
    for line in (
        _("1. 在“企业信息”表中从第2行起每行填写一家企业，第1行为表头，请勿修改、删除或调换列名。"),
        _("2. 带 * 的列为必填。示例行可直接修改或删除。"),
        _("3. 一次最多导入 %(max)d 家企业；文件不超过 %(mb)d MB。")
        % {
            "max": settings.IMPORT_MAX_ROWS,
            "mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        },
        _("4. 全部或全不：只要有一行有错误，整份文件都不会导入。请按错误列表修改后重新上传。"),
        _("5. 统一社会信用代码不能与文件中其他行或系统中已有企业重复。"),
        _("6. 也可另存为 CSV（UTF-8）格式上传，列的顺序和名称不变。"),
    ):
        append_as_text(notes, [line])
    notes.append([])
    append_as_text(notes, [_("列名"), _("是否必填"), _("填写要求")])
    for column in COLUMNS:
        append_as_text(notes, [column.name, _("必填") if column.required else _("选填"), str(column.rule)])
    notes.append([])
    # Names only: the offices know 危险化学品, not hazardous-chemicals (codes are still accepted).
    append_as_text(notes, [_("行业领域名称"), _("所属大类")])
    for sector in Sector.objects.select_related("parent").order_by("sort_order", "code"):
        append_as_text(notes, [sector.name, sector.parent.name if sector.parent else ""])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 22
    notes.column_dimensions["C"].width = 70

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Parsing ---------------------------------------------------------------------------------------


def _header_key(text: Any) -> str:
    value = str(text or "").translate(_FULLWIDTH)
    value = re.sub(r"\(.*?\)|\[.*?\]|\(.*$", "", value)
    return re.sub(r"\s+", "", value.replace("*", ""))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _read_bytes(file: Any) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _file_error(message: str) -> ImportFileError:
    return ImportFileError([_error(0, "", message)])


def _check_archive(data: bytes) -> None:
    """Refuse a zip bomb from the archive's directory alone: nothing is decompressed here. The
    sizes it declares bound what zipfile will ever inflate (a member that inflates further fails
    its CRC check), so checking them is enough."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise ImportFileError([not_a_spreadsheet_error()]) from None
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ImportFileError([not_a_spreadsheet_error()])
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    total = sum(member.file_size for member in members)
    if total > limit:
        raise _file_error(
            _(
                "文件解压后有 %(size)d MB，超过上限 %(limit)d MB，不像是正常的企业名单。"
                "请只保留“企业信息”表，删除多余的工作表、图片和空白内容后重新上传。"
            )
            % {"size": total // (1024 * 1024), "limit": limit // (1024 * 1024)}
        )
    max_ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_FROM and ratio > max_ratio:
            raise _file_error(
                _(
                    "文件内容异常：其中的“%(member)s”解压后是压缩时的 %(ratio)d 倍（正常的表格不超过 %(max)d 倍），"
                    "可能含有大量空白或是被恶意构造的。请把企业数据复制到新下载的模板中后重新上传。"
                )
                % {"member": member.filename[:80], "ratio": ratio, "max": max_ratio}
            )


def _too_far_down_error(row: int, max_rows: int) -> ImportFileError:
    return _file_error(
        _(
            "工作表第 %(row)d 行仍有内容或格式，超过了一次最多导入的 %(max)d 家企业。"
            "请删除表格末尾多余的行（或把数据复制到新下载的模板中），企业较多时请拆分为多个文件分别导入。"
        )
        % {"row": row, "max": max_rows}
    )


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the first sheet, read as a stream, at most MAX_COLUMNS wide. A sheet that declares,
    or holds, a row further down than IMPORT_MAX_ROWS allows is refused at that row: openpyxl's own
    iter_rows would pad every missing row up to it (a 2 KB file with one cell at row 1,048,576 took a
    minute)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any unreadable zip is "not a spreadsheet" to the user
        raise ImportFileError([not_a_spreadsheet_error()]) from None
    max_rows = settings.IMPORT_MAX_ROWS
    last_row = max_rows + ROW_SLACK
    try:
        if not workbook.worksheets:
            raise ImportFileError([not_a_spreadsheet_error()])
        sheet = workbook.worksheets[0]
        declared = sheet.max_row  # from <dimension ref="A1:M200">, read before any row
        if declared is not None and declared > last_row:
            raise _file_error(
                _(
                    "工作表声明的数据范围是 %(ref)s（到第 %(rows)d 行），超过了一次最多导入的 %(max)d 家企业。"
                    "请删除表格末尾多余的行（或把数据复制到新下载的模板中），企业较多时请拆分为多个文件分别导入。"
                )
                % {"ref": sheet.calculate_dimension(), "rows": declared, "max": max_rows}
            )
        # The parser ReadOnlyWorksheet uses, without its padding: only rows present in the XML.
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, cells in parser.parse():
                if number > last_row:
                    raise _too_far_down_error(number, max_rows)
                values: list[Any] = []
                for cell in cells:
                    column = cell["column"]
                    if 1 <= column <= MAX_COLUMNS:
                        values.extend([None] * (column - len(values)))
                        values[column - 1] = cell["value"]
                yield number, values
    except ImportFileError:
        raise
    except Exception as exc:  # a broken workbook is "not a spreadsheet" to the user
        raise ImportFileError([not_a_spreadsheet_error()]) from exc
    finally:
        workbook.close()


def _decode_text(data: bytes) -> str | None:
    # Excel writes "Unicode text" as UTF-16 with a BOM; otherwise UTF-8, or GB18030 from older Excel.
    encodings = ("utf-16",) if data[:2] in {b"\xff\xfe", b"\xfe\xff"} else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Control characters mean binary data that happened to decode.
        return None if _CONTROL_CHARS.search(text) else text
    return None


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ImportFileError([not_a_spreadsheet_error()]) from exc


def _find_header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]]:
    """The header row's number and {column name: index}; it may sit under a few title rows."""
    for number, values in rows:
        keys = [_header_key(value) for value in values]
        if "企业名称" in keys or "统一社会信用代码" in keys:
            return number, _map_header(number, keys)
        if number >= 10:
            break
    raise ImportFileError(
        [
            _error(
                1,
                "",
                _(
                    "没有找到表头：第1行应为模板中的列名（企业名称、统一社会信用代码……）。请下载模板，按模板填写后上传。"
                ),
            )
        ]
    )


def _map_header(number: int, keys: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    errors = []
    for index, key in enumerate(keys):
        if key not in COLUMN_BY_NAME:
            continue
        if key in positions:
            errors.append(_error(number, key, _("列“%(name)s”出现了多次，请删除多余的一列。") % {"name": key}))
        positions[key] = index
    for column in COLUMNS:
        if column.required and column.name not in positions:
            errors.append(
                _error(
                    number,
                    column.name,
                    _("缺少必填列“%(name)s”，请使用下载的模板，不要删除或改名表头。") % {"name": column.name},
                )
            )
    if errors:
        raise ImportFileError(errors)
    return positions


def parse_rows(file: IO[bytes] | bytes) -> list[dict[str, Any]]:
    """Rows of an .xlsx or .csv (told apart by content) as {column name: text, "_row": row number}.

    Raises ImportFileError for a file that is not a spreadsheet, is empty, lacks the header or is too long.
    """
    data = _read_bytes(file)
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ImportFileError([_error(0, "", _("文件是空的，请下载模板填写后再上传。"))])
    rows: Iterator[tuple[int, list[Any]]]
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(data)
    else:
        text = _decode_text(data)
        if text is None:
            raise ImportFileError([not_a_spreadsheet_error()])
        rows = _csv_rows(text)

    header_row, positions = _find_header(rows)
    max_rows = settings.IMPORT_MAX_ROWS
    result: list[dict[str, Any]] = []
    for number, values in rows:
        record: dict[str, Any] = {}
        for name, index in positions.items():
            record[name] = _cell_text(values[index]) if index < len(values) else ""
        if not any(record.values()):
            continue
        if len(result) >= max_rows:
            raise ImportFileError(
                [
                    _error(
                        0,
                        "",
                        _("文件中的企业超过 %(max)d 行，一次最多导入 %(max)d 行。请拆分为多个文件后分别导入。")
                        % {"max": max_rows},
                    )
                ]
            )
        record[ROW_KEY] = number
        result.append(record)
    if not result:
        raise ImportFileError(
            [
                _error(
                    0,
                    "",
                    _("文件中没有企业数据：请从表头下一行（第%(row)d行）起每行填写一家企业。")
                    % {"row": header_row + 1},
                )
            ]
        )
    return result


# Validation ------------------------------------------------------------------------------------


def _clean_name(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(_FULLWIDTH))


class _Lookups:
    """Nodes in the importer's scope, all sectors and the credit codes that already exist."""

    def __init__(self, *, user: Any, credit_codes: Iterable[str]) -> None:
        self.node_by_code: dict[str, int] = {}
        self.nodes_by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, code, name in nodes_visible_to(user).values_list("pk", "code", "name"):
            self.node_by_code[code.upper()] = pk
            self.nodes_by_name[_clean_name(name)].append((pk, code))
        self.sector_by_key: dict[str, int] = {}
        for pk, code, name in Sector.objects.values_list("pk", "code", "name"):
            self.sector_by_key[code.lower()] = pk
            self.sector_by_key[_clean_name(name)] = pk
        codes = sorted(set(credit_codes))
        self.existing_codes: set[str] = set()
        for start in range(0, len(codes), QUERY_CHUNK):
            chunk = codes[start : start + QUERY_CHUNK]
            self.existing_codes.update(
                Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True)
            )


@dataclass
class _RowResult:
    row: int
    fields: dict[str, Any]
    sector_ids: list[int]


class _RowValidator:
    def __init__(self, lookups: _Lookups) -> None:
        self.lookups = lookups
        self.errors: list[dict[str, Any]] = []
        self.max_length = {
            column.field: Enterprise._meta.get_field(column.field).max_length  # type: ignore[union-attr]
            for column in COLUMNS
            if column.field not in {"node", "sectors", "has_major_hazard_source", "employees"}
        }

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append(_error(row, column, message))

    def validate(self, record: dict[str, Any]) -> _RowResult:
        row = record[ROW_KEY]
        fields: dict[str, Any] = {}
        for column in COLUMNS:
            text = str(record.get(column.name, "")).strip()
            if column.required and not text:
                self.add(row, column.name, _("“%(name)s”不能为空，请填写。") % {"name": column.name})
                continue
            handler: Callable[[int, Column, str], Any] = getattr(self, f"_{column.field}", self._text)
            value = handler(row, column, text)
            if value is not None:
                fields[column.field] = value
        sector_ids = fields.pop("sectors", [])
        return _RowResult(row=row, fields=fields, sector_ids=sector_ids)

    def _text(self, row: int, column: Column, text: str) -> str | None:
        limit = self.max_length[column.field]
        if len(text) > limit:
            self.add(
                row,
                column.name,
                _("“%(name)s”最多%(max)d个字，当前%(n)d个字，请删减。")
                % {"name": column.name, "max": limit, "n": len(text)},
            )
            return None
        return text

    def _phone(self, row: int, column: Column, text: str) -> str | None:
        number = normalize_phone(text)
        if number is None:
            self.add(row, column.name, f"{column.name}：{phone_problem(text)}")
            return None
        return self._text(row, column, number)

    _principal_phone = _phone
    _safety_officer_phone = _phone

    def _credit_code(self, row: int, column: Column, text: str) -> str | None:
        code = normalize_credit_code(text)
        problem = credit_code_problem(code)
        if problem and _SCIENTIFIC.match(code):
            problem = _(
                "统一社会信用代码“%(value)s”被 Excel 存成了数字（科学计数法），"
                "请将该列设为“文本”格式后重新填写完整的18位代码。"
            ) % {"value": quoted(text)}
        if problem:
            self.add(row, column.name, problem)
            return None
        if code in self.lookups.existing_codes:
            self.add(
                row,
                column.name,
                _("统一社会信用代码 %(code)s 的企业已在系统中登记，请勿重复导入；如需修改信息，请在企业名录中编辑。")
                % {"code": code},
            )
            return None
        return code

    def _node(self, row: int, column: Column, text: str) -> int | None:
        pk = self.lookups.node_by_code.get(text.upper())
        if pk is not None:
            return pk
        matches = self.lookups.nodes_by_name.get(_clean_name(text), [])
        if len(matches) == 1:
            return matches[0][0]
        if len(matches) > 1:
            codes = "、".join(code for _pk, code in matches[:5])
            self.add(
                row,
                column.name,
                _("所在地区“%(value)s”有多个同名地区（区划代码 %(codes)s），请改填区划代码。")
                % {"value": quoted(text), "codes": codes},
            )
            return None
        self.add(
            row,
            column.name,
            _("所在地区“%(value)s”不存在或不在您的管辖范围内，请填写您管辖范围内的区划代码或地区名称。")
            % {"value": quoted(text)},
        )
        return None

    def _sectors(self, row: int, column: Column, text: str) -> list[int] | None:
        ids: list[int] = []
        unknown: list[str] = []
        for part in _SECTOR_SEPARATORS.split(text):
            part = part.strip()
            if not part:
                continue
            pk = self.lookups.sector_by_key.get(part.lower()) or self.lookups.sector_by_key.get(_clean_name(part))
            if pk is None:
                unknown.append(part)
            elif pk not in ids:
                ids.append(pk)
        if unknown:
            self.add(
                row,
                column.name,
                _("行业领域“%(value)s”不存在，请填写模板“填写说明”中列出的行业领域名称，多个用顿号分隔。")
                % {"value": quoted("、".join(unknown))},
            )
            return None
        if not ids:
            self.add(row, column.name, _("“行业领域”不能为空，请填写。"))
            return None
        return ids

    def _status(self, row: int, column: Column, text: str) -> str | None:
        if not text:
            return Enterprise.Status.OPERATING
        value = _STATUS.get(_clean_name(text).lower())
        if value is None:
            self.add(row, column.name, _("经营状态“%(value)s”无效，请填写在营、停产或关闭。") % {"value": quoted(text)})
        return value

    def _risk_level(self, row: int, column: Column, text: str) -> str | None:
        if not text:
            return Enterprise.RiskLevel.LOW
        value = _RISK.get(_clean_name(text).lower())
        if value is None:
            self.add(
                row,
                column.name,
                _("风险等级“%(value)s”无效，请填写重大、较大、一般、低（或红、橙、黄、蓝）。")
                % {"value": quoted(text)},
            )
        return value

    def _has_major_hazard_source(self, row: int, column: Column, text: str) -> bool | None:
        key = text.lower()
        if not text or key in _NO:
            return False
        if key in _YES:
            return True
        self.add(row, column.name, _("重大危险源“%(value)s”无效，请填写“是”或“否”。") % {"value": quoted(text)})
        return None

    def _employees(self, row: int, column: Column, text: str) -> int | None:
        if not text:
            return None
        cleaned = text.replace(",", "").replace("，", "")
        if cleaned.endswith(".0"):
            cleaned = cleaned[:-2]
        if not cleaned.isdigit() or int(cleaned) > MAX_EMPLOYEES:
            self.add(
                row,
                column.name,
                _("从业人员数“%(value)s”无效，请填写不小于0的整数，例如 120。") % {"value": quoted(text)},
            )
            return None
        return int(cleaned)


def _duplicate_errors(rows_by_code: dict[str, list[int]]) -> list[dict[str, Any]]:
    errors = []
    for code, rows in rows_by_code.items():
        if len(rows) < 2:
            continue
        for row in rows:
            others = "、".join(str(other) for other in rows if other != row)
            errors.append(
                _error(
                    row,
                    "统一社会信用代码",
                    _("统一社会信用代码 %(code)s 与第%(rows)s行重复，同一企业只能填写一行，请删除重复的行。")
                    % {"code": code, "rows": others},
                )
            )
    return errors


def validate_rows(*, user: Any, records: list[dict[str, Any]]) -> tuple[list[_RowResult], list[dict[str, Any]]]:
    """Every row checked against the user's scope, the sectors and existing enterprises; all errors."""
    codes = [normalize_credit_code(str(record.get("统一社会信用代码", ""))) for record in records]
    validator = _RowValidator(_Lookups(user=user, credit_codes=codes))
    results = [validator.validate(record) for record in records]
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for result in results:
        code = result.fields.get("credit_code")
        if code:
            rows_by_code[code].append(result.row)
    errors = validator.errors + _duplicate_errors(rows_by_code)
    errors.sort(key=lambda error: (error["row"], COLUMN_ORDER.get(error["column"], -1)))
    return results, errors


# Running ---------------------------------------------------------------------------------------


def enterprise_import_start(*, actor: Any, upload: UploadedFile) -> EnterpriseImport:
    """Store the upload as a pending import and queue its processing after the commit."""
    from safetyops.orgs.tasks import enterprise_import_task

    require_right(actor, Right.ENTERPRISE_IMPORT)
    with transaction.atomic():
        job = EnterpriseImport(created_by=actor, original_name=(upload.name or "")[:255])
        job.file.save(upload.name or "upload", upload, save=False)
        job.save()
        transaction.on_commit(lambda: enterprise_import_task.delay(job.pk))
    return job


def _claim(import_id: int) -> Any:
    """Take the row for this worker: pending, or running by a worker that is gone (no heartbeat,
    or a dead process on this host: safetyops/core/jobs.py). Returns the claim time or None."""
    return jobs.claim(
        EnterpriseImport,
        import_id,
        waiting=Q(status=EnterpriseImport.Status.PENDING),
        running=EnterpriseImport.Status.RUNNING,
    )


def _finish_failed(job: EnterpriseImport, errors: list[dict[str, Any]], total_rows: int | None = None) -> None:
    job.status = EnterpriseImport.Status.FAILED
    job.errors = capped_errors(errors)
    job.created_count = 0
    if total_rows is not None:
        job.total_rows = total_rows
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "created_count", "total_rows", "finished_at"])


def enterprise_import_run(*, import_id: int) -> None:
    """Validate every row of one import and save all of them, or none. Idempotent: claims the row first."""
    claimed_at = _claim(import_id)
    if claimed_at is None:
        return
    job = EnterpriseImport.objects.select_related("created_by").get(pk=import_id)
    try:
        with jobs.heartbeat(EnterpriseImport, import_id, claimed_at=claimed_at):
            jobs.slow_down_for_tests()
            _run(job)
    except Exception:
        logger.exception("enterprise import %s failed", import_id)
        _finish_failed(
            job, [_error(0, "", _("导入时发生系统错误，未保存任何数据。请稍后重新上传；如仍失败，请联系管理员。"))]
        )


def _run(job: EnterpriseImport) -> None:
    user = job.created_by
    if not has_right(user, Right.ENTERPRISE_IMPORT):
        _finish_failed(job, [_error(0, "", _("您已没有导入企业的权限，未导入任何数据。如有疑问请联系县级管理员。"))])
        return
    try:
        with job.file.open("rb") as handle:
            records = parse_rows(handle)
    except ImportFileError as exc:
        _finish_failed(job, exc.errors, total_rows=0)
        return
    except OSError:
        _finish_failed(job, [_error(0, "", _("上传的文件已丢失，请重新上传。"))], total_rows=0)
        return
    EnterpriseImport.objects.filter(pk=job.pk).update(total_rows=len(records))

    results, errors = validate_rows(user=user, records=records)
    if errors:
        _finish_failed(job, errors, total_rows=len(records))
        return
    try:
        with transaction.atomic():
            _save(job, results)
    except IntegrityError:
        _finish_failed(
            job,
            [
                _error(
                    0,
                    "",
                    _(
                        "保存时发现统一社会信用代码与刚刚登记的企业重复（可能有人同时导入），未保存任何数据。请重新上传。"
                    ),
                )
            ],
            total_rows=len(records),
        )


def _save(job: EnterpriseImport, results: list[_RowResult]) -> None:
    enterprises = [Enterprise(node_id=result.fields.pop("node"), **result.fields) for result in results]
    created = Enterprise.objects.bulk_create(enterprises, batch_size=BATCH_SIZE)
    if any(enterprise.pk is None for enterprise in created):
        # Backends that cannot return ids from a bulk insert: look them up by credit code.
        by_code = {}
        codes = [enterprise.credit_code for enterprise in created]
        for start in range(0, len(codes), QUERY_CHUNK):
            by_code.update(
                Enterprise.objects.filter(credit_code__in=codes[start : start + QUERY_CHUNK]).values_list(
                    "credit_code", "pk"
                )
            )
        for enterprise in created:
            enterprise.pk = by_code[enterprise.credit_code]
    through = Enterprise.sectors.through
    links = [
        through(enterprise_id=enterprise.pk, sector_id=sector_id)
        for enterprise, result in zip(created, results, strict=True)
        for sector_id in result.sector_ids
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    enterprises_changed()  # bulk_create sends no signals
    log_action(job, "orgs.enterprise.imported", actor=job.created_by, data={"count": len(created)})
    job.status = EnterpriseImport.Status.DONE
    job.total_rows = len(results)
    job.created_count = len(created)
    job.errors = []
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "total_rows", "created_count", "errors", "finished_at"])


def enterprise_imports_requeue_stale() -> int:
    """Sweeper (beat, and a starting worker): queue again the imports whose worker is gone and the
    pending ones whose message was lost; an import that took its worker down JOB_MAX_ATTEMPTS times
    is recorded as failed instead."""
    from safetyops.orgs.tasks import enterprise_import_task

    now = timezone.now()
    running = EnterpriseImport.Status.RUNNING
    lost = jobs.lost(EnterpriseImport, running=running, now=now)
    for job in EnterpriseImport.objects.filter(lost & jobs.given_up(running=running, now=now)):
        if EnterpriseImport.objects.filter(lost, pk=job.pk, started_at=job.started_at).update(
            status=EnterpriseImport.Status.FAILED,
            finished_at=now,
            errors=[
                _error(
                    0,
                    "",
                    _("处理该文件时后台进程已连续 %(n)s 次中断（文件可能过大），未导入任何数据。请拆分文件后重新上传。")
                    % {"n": job.takeovers + 1},
                )
            ],
        ):
            log_action(job, "orgs.enterprise_import.given_up")
    stale = EnterpriseImport.objects.filter(
        lost | Q(status=EnterpriseImport.Status.PENDING, created_at__lt=now - ENQUEUE_GRACE)
    ).values_list("pk", flat=True)
    ids = list(stale)
    for pk in ids:
        enterprise_import_task.delay(pk)
    return len(ids)
