"""Render pages as a device without CJK fonts would, and report which font drew each text node.

Used by tools/screenshots.py and tests/browser/test_fonts.py. `latin_only_fontconfig` writes a
fontconfig file that offers the browser only DejaVu (a Latin font): any CJK character that the
vendored "SafetyOps Sans" does not draw becomes a box. `font_usage` asks Chromium (DevTools
protocol, `CSS.getPlatformFontsForNode`) which fonts it actually used for every rendered text node.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

LATIN_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
VENDORED_FAMILY = "SafetyOps Sans"
# The web slices hold exactly the characters of the full font the PDF uses.
VENDORED_OTF = Path(__file__).resolve().parents[1] / "static/vendor/fonts/noto-sans-sc/NotoSansSC-Regular.otf"
# CJK ideographs (URO, Ext A, compatibility), CJK punctuation, kana, full-width forms.
CJK = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def latin_only_fontconfig(folder: Path) -> dict[str, str]:
    """Write folder/fonts.conf listing only the DejaVu fonts; return the environment for the browser."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{LATIN_FONT_DIR}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return {"FONTCONFIG_FILE": str(conf)}


def _text_nodes(node: dict[str, Any], out: list[dict[str, Any]], skip: bool = False) -> None:
    skip = skip or node.get("nodeName") in ("SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TITLE", "HEAD")
    if node.get("nodeType") == 3 and not skip and node.get("nodeValue", "").strip():
        out.append(node)
    for child in node.get("children", []) + node.get("shadowRoots", []):
        _text_nodes(child, out, skip)
    if "contentDocument" in node:
        _text_nodes(node["contentDocument"], out, skip)


def font_usage(page: Any) -> list[dict[str, Any]]:
    """Each rendered text node of the page: its text and the fonts (family, custom, glyphs) drawing it."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        nodes: list[dict[str, Any]] = []
        _text_nodes(root, nodes)
        usage = []
        for node in nodes:
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            if fonts:  # an element that is not rendered (display: none) has no fonts
                usage.append({"text": node["nodeValue"].strip(), "fonts": fonts})
        return usage
    finally:
        cdp.detach()


@cache
def vendored_characters() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(VENDORED_OTF, lazy=True).getBestCmap())


def not_vendored(usage: list[dict[str, Any]]) -> list[str]:
    """The CJK text nodes that any font other than the vendored one drew (a box or a system font),
    or that hold a character the vendored font lacks (Chromium counts the box it then draws, the
    .notdef glyph of the first font, as drawn by the vendored font)."""
    bad = []
    covered = vendored_characters()
    for item in usage:
        if not CJK.search(item["text"]):
            continue
        others = [f for f in item["fonts"] if not (f["isCustomFont"] and f["familyName"] == VENDORED_FAMILY)]
        missing = sorted({ch for ch in item["text"] if not ch.isspace() and ord(ch) not in covered})
        if others or missing:
            names = ", ".join(f"{f['familyName']} ×{f['glyphCount']}" for f in others)
            lacks = f" no glyph for {''.join(missing)!r}" if missing else ""
            bad.append(f"{item['text'][:60]!r}: {names}{lacks}")
    return bad
