#!/usr/bin/env python3
"""Build the vendored Noto Sans SC subsets (Regular + Bold, .otf + .woff2).

Source
------
Debian 12 package ``fonts-noto-cjk`` (1:20220127+repack1-1, Noto CJK 2.004):

    /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
    /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc

Face index 2 of each TTC is "Noto Sans CJK SC" (the script checks the family
name and refuses to run otherwise). Licence: SIL OFL 1.1 (see OFL.txt).

Coverage
--------
* every character of GB2312 (all 2-byte code points, rows 0xA1-0xF7,
  cols 0xA1-0xFE, that decode with Python's 'gb2312' codec: 6763 hanzi plus
  the GB2312 symbols, punctuation, kana, Greek, Cyrillic, pinyin, ...);
* ASCII, Latin-1, General Punctuation, letterlike symbols (℃ №), number forms
  (Ⅰ-Ⅻ), arrows, enclosed alphanumerics (①-⑳), geometric shapes,
  CJK symbols & punctuation (U+3000-303F), half/full-width forms (U+FF00-FFEF).

Equivalent command line (per weight; WOFF2 adds ``--flavor=woff2``)::

    pyftsubset NotoSansCJK-Regular.ttc --font-number=2 \\
        --unicodes=<list built below> --layout-features='' --no-hinting \\
        --desubroutinize --output-file=NotoSansSC-Regular.otf

Run (needs fonttools + brotli and the Debian package installed)::

    apt-get install fonts-noto-cjk
    pip install fonttools brotli
    python static/vendor/fonts/noto-sans-sc/build_subset.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SRC_DIR = Path("/usr/share/fonts/opentype/noto")
FACE_INDEX = 2
FAMILY = "Noto Sans CJK SC"
OUT_DIR = Path(__file__).resolve().parent
WEIGHTS = {"Regular": "NotoSansCJK-Regular.ttc", "Bold": "NotoSansCJK-Bold.ttc"}

EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (× ÷ ° ± ...)
    (0x2000, 0x206F),  # General Punctuation (‰ — … “ ” ...)
    (0x2100, 0x214F),  # Letterlike symbols (℃ № ℉ ...)
    (0x2150, 0x218F),  # Number forms (Ⅰ-Ⅻ)
    (0x2190, 0x21FF),  # Arrows
    (0x2460, 0x24FF),  # Enclosed alphanumerics (①-⑳ ...)
    (0x25A0, 0x25FF),  # Geometric shapes (■ □ ▲ ● ◆ ...)
    (0x2600, 0x2613),  # ★ ☆ ☑ ☒ ...
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # Half-width and full-width forms
]


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def codepoints() -> list[int]:
    cps = {ord(c) for c in gb2312_chars()}
    for lo, hi in EXTRA_RANGES:
        cps.update(range(lo, hi + 1))
    return sorted(cps)


def build(weight: str, ttc_name: str, unicodes: list[int]) -> None:
    src = SRC_DIR / ttc_name
    font = TTFont(src, fontNumber=FACE_INDEX, lazy=False)
    family = font["name"].getDebugName(1)
    if family != FAMILY:
        sys.exit(f"{src} face {FACE_INDEX} is {family!r}, expected {FAMILY!r}")

    options = subset.Options()
    options.layout_features = []  # no GSUB/GPOS features (not needed for CJK body text)
    options.hinting = False
    options.desubroutinize = True  # compresses better under WOFF2/brotli
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]  # keep copyright + licence
    options.notdef_outline = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)

    otf = OUT_DIR / f"NotoSansSC-{weight}.otf"
    font.flavor = None
    font.save(otf)
    font.flavor = "woff2"
    woff2 = OUT_DIR / f"NotoSansSC-{weight}.woff2"
    font.save(woff2)
    for p in (otf, woff2):
        print(f"{p.name}: {p.stat().st_size / 1024:.0f} KiB")


def main() -> None:
    unicodes = codepoints()
    print(f"{len(gb2312_chars())} GB2312 chars, {len(unicodes)} code points requested")
    for weight, ttc in WEIGHTS.items():
        build(weight, ttc, unicodes)


if __name__ == "__main__":
    main()
