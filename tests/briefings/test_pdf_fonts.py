"""The PDF embeds the vendored font, and only it: no character falls back to a system font, and
every character the briefing prints has a glyph in the vendored subset (no boxes), rare name
characters outside GB2312 (堃 赟 璟 喆 昇 垚) included."""

from __future__ import annotations

import html
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from safetyops.briefings.models import Briefing
from safetyops.briefings.services import briefing_html, write_pdf
from tests.briefings.conftest import MARCH, March, pdf_text, request_briefing, squeezed

FONT_DIR = settings.BASE_DIR / "static" / "vendor" / "fonts" / "noto-sans-sc"
# WeasyPrint names an @font-face font after its family ("SafetyOps-Sans"); a system fallback, even
# to the Noto CJK fonts many machines have, would carry the system font's own name.
VENDORED = ("SafetyOps",)


RARE = "堃赟璟喆昇垚"  # common in personal and company names, outside GB2312
RARE_NAME = "昇垚璟喆堃赟有限公司"


@pytest.fixture
def briefing(march: March) -> Briefing:
    return request_briefing(march.world.county_admin, march.world.county, *MARCH)


@pytest.fixture
def rare_briefing(march: March) -> Briefing:
    """The March briefing with the enterprise of the 挂牌督办 hazard H2 named in rare characters."""
    enterprise = march.world.ent_a2
    enterprise.name = RARE_NAME
    enterprise.save(update_fields=["name"])
    return request_briefing(march.world.county_admin, march.world.county, *MARCH)


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _fonts(resources: Any, seen: set[int]) -> list[DictionaryObject]:
    """Every font of a resource dictionary, including those of form XObjects (the SVG charts)."""
    resources = _resolve(resources) or {}
    found = []
    for font in (_resolve(resources.get("/Font")) or {}).values():
        font = _resolve(font)
        found.append(font)
        for descendant in font.get("/DescendantFonts", []):
            found.append(_resolve(descendant))
    for xobject in (_resolve(resources.get("/XObject")) or {}).values():
        ref = xobject.idnum if isinstance(xobject, IndirectObject) else id(xobject)
        if ref in seen:
            continue
        seen.add(ref)
        xobject = _resolve(xobject)
        if "/Resources" in xobject:
            found += _fonts(xobject["/Resources"], seen)
    return found


def pdf_fonts(path: Any) -> list[DictionaryObject]:
    fonts: list[DictionaryObject] = []
    seen: set[int] = set()
    for page in PdfReader(path).pages:
        fonts += _fonts(page.get("/Resources"), seen)
    return fonts


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    """Glyph code -> text, from the font's /ToUnicode CMap (bfchar and bfrange entries)."""
    data = _resolve(font["/ToUnicode"]).get_data().decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(text, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _font_program(font: DictionaryObject) -> TTFont:
    descriptor = _resolve(_resolve(font["/DescendantFonts"][0])["/FontDescriptor"])
    stream = _resolve(descriptor.get("/FontFile3") or descriptor.get("/FontFile2"))
    assert stream.get("/Subtype") in (None, "/OpenType"), stream.get("/Subtype")
    return TTFont(io.BytesIO(stream.get_data()))


def glyphs_for(path: Path | str, chars: str) -> dict[str, list[tuple[str, int, bool]]]:
    """For each character: (font, glyph id, has an outline) of every glyph the PDF draws it with."""
    found: dict[str, list[tuple[str, int, bool]]] = {ch: [] for ch in chars}
    for font in pdf_fonts(path):
        if font.get("/Subtype") != "/Type0":
            continue
        program = None
        for code, text in _to_unicode(font).items():
            if text not in found:
                continue
            program = program or _font_program(font)
            glyph_set = program.getGlyphSet()
            outline = False
            if 0 < code < program["maxp"].numGlyphs:  # Identity-H: the code is the glyph id
                pen = BoundsPen(glyph_set)
                glyph_set[program.getGlyphName(code)].draw(pen)
                outline = pen.bounds is not None
            found[text].append((str(font["/BaseFont"]), code, outline))
    return found


def test_rare_name_characters_print_with_real_glyphs(rare_briefing: Briefing) -> None:
    path = rare_briefing.file.path
    for ch, glyphs in glyphs_for(path, RARE).items():
        assert glyphs, f"{ch} is not in the PDF"
        for font, gid, outline in glyphs:
            assert "SafetyOps" in font, (ch, font)
            assert gid != 0 and outline, f"{ch} is drawn as .notdef (glyph {gid} of {font})"
    assert RARE_NAME in squeezed(pdf_text(path, layout=False))  # the text extracted is the text entered
    section = pdf_text(path).split("重大事故隐患挂牌督办情况", 1)[1]
    row = next(line for line in section.splitlines() if RARE_NAME in line)
    assert "东城镇" in row and "2026-03-03" in row, row  # the 挂牌督办 table's row of H2


def test_the_glyph_check_catches_a_box(tmp_path: Any) -> None:
    """Control: 𠀀 (Extension B) is in no font here, so it prints as glyph 0 (.notdef), and the check sees it."""
    page = (
        f'<html><head><meta charset="utf-8"><style>@font-face {{ font-family: "SafetyOps Sans"; '
        f'src: url("{(FONT_DIR / "NotoSansSC-Regular.otf").as_uri()}"); }} '
        'html { font-family: "SafetyOps Sans"; }</style></head><body>王堃\U00020000</body></html>'
    )
    write_pdf(page, tmp_path / "control.pdf")
    found = glyphs_for(tmp_path / "control.pdf", "堃\U00020000")
    assert found["堃"] and all(gid and outline for _font, gid, outline in found["堃"])
    assert not found["\U00020000"] or not all(gid and outline for _font, gid, outline in found["\U00020000"])


def test_every_font_is_an_embedded_subset_of_the_vendored_font(briefing: Briefing) -> None:
    fonts = pdf_fonts(briefing.file.path)
    assert fonts
    for font in fonts:
        name = str(font.get("/BaseFont", ""))
        assert any(v in name for v in VENDORED), f"a font that is not the vendored one: {name}"
        assert re.match(r"^/[A-Z]{6}\+", name), f"not a subset: {name}"
        if font.get("/Subtype") == "/Type0":
            continue  # its descendant carries the descriptor
        descriptor = _resolve(font["/FontDescriptor"])
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"not embedded: {name}"


def test_pdffonts_lists_only_embedded_vendored_fonts(briefing: Briefing) -> None:
    out = subprocess.run(["pdffonts", briefing.file.path], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        name, *_rest = row.split()
        emb, sub, uni = re.findall(r"\s(yes|no)\b", row)[:3]
        assert any(v in name for v in VENDORED), row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_every_printed_character_has_a_glyph(briefing: Briefing) -> None:
    """What the PDF prints (the HTML's text, the charts' labels included) is covered by the subset."""
    source = briefing_html(briefing, briefing.figures, issue_number=3, issued_on=briefing.period_end)
    body = source.split("<body>", 1)[1]
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    for weight in ("Regular", "Bold"):
        cmap = TTFont(FONT_DIR / f"NotoSansSC-{weight}.otf").getBestCmap()
        missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})
        assert not missing, f"{weight} lacks {missing}"
    assert "图1" in text and "发现隐患" in text  # the chart labels were part of the check


def test_the_html_declares_utf8_and_loads_the_otf_by_file_url(briefing: Briefing) -> None:
    source = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=briefing.period_end)
    assert '<meta charset="utf-8">' in source
    assert (FONT_DIR / "NotoSansSC-Regular.otf").as_uri() in source
    assert (FONT_DIR / "NotoSansSC-Bold.otf").as_uri() in source
    assert (FONT_DIR / "OFL.txt").exists()  # the licence travels with the font
    svg_texts = re.findall(r"<text [^>]*>", source)
    assert svg_texts and all('font-family="SafetyOps Sans"' in tag for tag in svg_texts)


def test_the_font_check_catches_a_fallback(tmp_path: Any) -> None:
    """Control: Armenian Ա is not in the vendored font, so it falls back to a system font (DejaVu,
    which fontconfig always brings), which the checks above would report (the check can fail)."""
    page = (
        f'<html><head><meta charset="utf-8"><style>@font-face {{ font-family: "SafetyOps Sans"; '
        f'src: url("{(FONT_DIR / "NotoSansSC-Regular.otf").as_uri()}"); }} '
        'html { font-family: "SafetyOps Sans", sans-serif; }</style></head><body>王Ա</body></html>'
    )
    write_pdf(page, tmp_path / "control.pdf")
    names = [str(font.get("/BaseFont", "")) for font in pdf_fonts(tmp_path / "control.pdf")]
    assert any("SafetyOps" in name for name in names)
    assert any(not any(v in name for v in VENDORED) for name in names), names
