"""The PDF embeds the vendored font, and only it: no character falls back to a system font, and
every character the briefing prints has a glyph in the vendored subset (no boxes)."""

from __future__ import annotations

import html
import re
import subprocess
from typing import Any

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from safetyops.briefings.models import Briefing
from safetyops.briefings.services import briefing_html, write_pdf
from tests.briefings.conftest import MARCH, March, request_briefing

FONT_DIR = settings.BASE_DIR / "static" / "vendor" / "fonts" / "noto-sans-sc"
# WeasyPrint names an @font-face font after its family ("SafetyOps-Sans"); a system fallback, even
# to the Noto CJK fonts many machines have, would carry the system font's own name.
VENDORED = ("SafetyOps",)


@pytest.fixture
def briefing(march: March) -> Briefing:
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


def test_the_html_declares_utf8_and_loads_the_woff2_by_file_url(briefing: Briefing) -> None:
    source = briefing_html(briefing, briefing.figures, issue_number=None, issued_on=briefing.period_end)
    assert '<meta charset="utf-8">' in source
    assert (FONT_DIR / "NotoSansSC-Regular.woff2").as_uri() in source
    assert (FONT_DIR / "OFL.txt").exists()  # the licence travels with the font
    svg_texts = re.findall(r"<text [^>]*>", source)
    assert svg_texts and all('font-family="SafetyOps Sans"' in tag for tag in svg_texts)


def test_the_font_check_catches_a_fallback(tmp_path: Any) -> None:
    """Control: Ŧ is not in GB2312, so it is not in the subset and falls back to a system font
    (DejaVu, which fontconfig always brings), which the checks above would report (the check can
    fail). A rare CJK character such as 堃 only falls back where a system CJK font is installed."""
    page = (
        f'<html><head><meta charset="utf-8"><style>@font-face {{ font-family: "SafetyOps Sans"; '
        f'src: url("{(FONT_DIR / "NotoSansSC-Regular.woff2").as_uri()}"); }} '
        'html { font-family: "SafetyOps Sans", sans-serif; }</style></head><body>王Ŧ</body></html>'
    )
    write_pdf(page, tmp_path / "control.pdf")
    names = [str(font.get("/BaseFont", "")) for font in pdf_fonts(tmp_path / "control.pdf")]
    assert any("SafetyOps" in name for name in names)
    assert any(not any(v in name for v in VENDORED) for name in names), names
