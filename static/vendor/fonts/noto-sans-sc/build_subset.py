#!/usr/bin/env python3
"""Build the vendored "SafetyOps Sans" fonts from Noto Sans CJK SC (Regular + Bold).

Outputs (next to this script and in ../fonts.css)
-------------------------------------------------
* ``NotoSansSC-{Regular,Bold}.otf``: every covered character in one OpenType/CFF font per weight,
  for the briefing PDF (WeasyPrint embeds only the glyphs a document uses) and the demo photos.
* ``web/{regular,bold}/NNN.woff2``: the same characters split into slices, and ``../fonts.css``
  with one ``@font-face`` per slice and its ``unicode-range``, so that a browser downloads only the
  slices whose characters the page shows (as Google Fonts serves CJK). Slices, in order:
  0 what nearly every page needs (ASCII, Latin-1, Western, CJK and full-width punctuation, the
  symbols the app prints); 1-7 the other symbols (Greek, Cyrillic, kana, radicals ...); then
  the hanzi most used first — the characters of the app's own pages (templates and Python sources,
  most frequent first), then jieba's word-frequency dictionary — in small slices, and
  the rest (rarer hanzi, Extension A, compatibility ideographs) by code point in larger slices.
  ``--css-only`` rewrites fonts.css from the vendored files without the source font.

Coverage
--------
GB18030's CJK Unified Ideographs U+4E00-9FFF and Extension A U+3400-4DBF, every two-byte GB18030
(GBK) character, CJK compatibility ideographs, CJK symbols and punctuation, strokes, radicals,
kana, bopomofo, enclosed CJK, vertical/compatibility/small/half- and full-width forms, ASCII,
Latin-1 and Latin Extended-A, Greek, Cyrillic, general punctuation, letterlike symbols (℃ №),
number forms, arrows, mathematical operators, enclosed alphanumerics (①), box drawing, geometric
shapes, miscellaneous symbols and dingbats (★ ✓) — as far as Noto Sans CJK SC has them
(URO: 20976 of 20992; Ext A: 6582 of 6592).

Source
------
Debian 12 package ``fonts-noto-cjk`` (1:20220127+repack1-1, Noto CJK 2.004), face 2 ("Noto Sans
CJK SC", checked) of ``NotoSansCJK-{Regular,Bold}.ttc``. Licence: SIL OFL 1.1 (OFL.txt; Noto has no
Reserved Font Name, so the subsets are renamed "SafetyOps Sans" and keep the copyright and licence
records). The frequency order uses ``jieba/dict.txt`` of the PyPI package ``jieba==0.42.1`` (MIT).

Run (fonttools + brotli + jieba; the system font is needed only here, never at run time)::

    apt-get install fonts-noto-cjk        # or: apt-get download fonts-noto-cjk && dpkg-deb -x *.deb root
    pip install fonttools brotli jieba==0.42.1
    python static/vendor/fonts/noto-sans-sc/build_subset.py [--src DIR_WITH_THE_TTC_FILES]

Equivalent command line for one file (WOFF2 adds ``--flavor=woff2``; the unicodes come from the
lists built below)::

    pyftsubset NotoSansCJK-Regular.ttc --font-number=2 --unicodes=... --layout-features='' \\
        --no-hinting --desubroutinize --notdef-outline --output-file=NotoSansSC-Regular.otf
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import io
import re
import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SRC_DIR = Path("/usr/share/fonts/opentype/noto")
FACE_INDEX = 2
SOURCE_FAMILY = "Noto Sans CJK SC"
FAMILY = "SafetyOps Sans"
OUT_DIR = Path(__file__).resolve().parent
WEB_DIR = OUT_DIR / "web"
CSS = OUT_DIR.parent / "fonts.css"
REPO = OUT_DIR.parents[3]
WEIGHTS = {"Regular": ("NotoSansCJK-Regular.ttc", 400), "Bold": ("NotoSansCJK-Bold.ttc", 700)}

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x017F),  # Latin-1 supplement, Latin Extended-A (× ÷ ° ± ü ...)
    (0x01CD, 0x01DC),  # pinyin with caron (ǎ ǐ ǒ ǔ ǖ ...)
    (0x02C6, 0x02DD),  # modifier letters (ˇ ˉ ˊ ˋ ˙)
    (0x0391, 0x03C9),  # Greek
    (0x0401, 0x0451),  # Cyrillic (GB2312 set)
    (0x2000, 0x206F),  # General Punctuation (‰ — … “ ” ...)
    (0x20AC, 0x20AC),  # €
    (0x2100, 0x214F),  # Letterlike symbols (℃ № ℉ ...)
    (0x2150, 0x218F),  # Number forms (Ⅰ-Ⅻ)
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical operators (≤ ≥ ≠ ∑ ...)
    (0x2460, 0x24FF),  # Enclosed alphanumerics (①-⑳ ...)
    (0x2500, 0x257F),  # Box drawing
    (0x2580, 0x259F),  # Block elements
    (0x25A0, 0x25FF),  # Geometric shapes (■ □ ▲ ● ◆ ...)
    (0x2600, 0x26FF),  # Miscellaneous symbols (★ ☆ ☑ ☒ ...)
    (0x2700, 0x27BF),  # Dingbats (✓ ✔ ✕ ...)
    (0x2E80, 0x2EFF),  # CJK radicals supplement
    (0x2F00, 0x2FDF),  # Kangxi radicals
    (0x2FF0, 0x2FFF),  # Ideographic description characters
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x31A0, 0x31BF),  # Bopomofo extended
    (0x31C0, 0x31EF),  # CJK strokes
    (0x3200, 0x32FF),  # Enclosed CJK letters and months (㈠ ㊣ ...)
    (0x3300, 0x33FF),  # CJK compatibility (㎡ ㎏ ...)
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE10, 0xFE1F),  # Vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFE50, 0xFE6F),  # Small form variants
    (0xFF00, 0xFFEF),  # Half-width and full-width forms
]
# The first slice, needed by nearly every page: Latin, punctuation (Western, CJK, full-width) and
# the symbols the app prints (℃ № Ⅰ ① → ■ ★ ✓ ≤ ...). The other symbols follow in SYMBOL_SIZE slices.
BASIC = [
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x3000, 0x303F),
    (0xFF01, 0xFF65),
    (0xFFE0, 0xFFEE),
    (0x2103, 0x2103),
    (0x2116, 0x2116),
    (0x2160, 0x216B),
    (0x2190, 0x2193),
    (0x2460, 0x2473),
    (0x2260, 0x2260),
    (0x2264, 0x2265),
    (0x25A0, 0x25A1),
    (0x25B2, 0x25B3),
    (0x25C6, 0x25C7),
    (0x25CB, 0x25CB),
    (0x25CE, 0x25CF),
    (0x2605, 0x2606),
    (0x2713, 0x2714),
]
SYMBOL_SIZE = 300
# Hanzi: the most used in slices of HEAD_SIZES (count, size), the rest by code point in TAIL_SLICES.
HEAD_SIZES = [(2000, 100), (4000, 200)]
TAIL_SLICES = 56
HANZI_BLOCKS = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
APP_SOURCES = [
    "templates/**/*.html",
    "safetyops/**/*.py",
    "inspections/**/*.py",
    "campaigns/**/*.py",
    "accountability/**/*.py",
    "static/js/*.js",
]


def is_hanzi(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in HANZI_BLOCKS)


def gbk_codepoints() -> set[int]:
    """Every character that GB18030 encodes in two bytes (the GBK area)."""
    cps = set()
    for hi in range(0x81, 0xFF):
        for lo in [*range(0x40, 0x7F), *range(0x80, 0xFF)]:
            try:
                ch = bytes([hi, lo]).decode("gb18030")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and not 0xE000 <= ord(ch) <= 0xF8FF:  # no private use area
                cps.add(ord(ch))
    return cps


def wanted(cmap: dict[int, str]) -> list[int]:
    cps = gbk_codepoints()
    for lo, hi in RANGES:
        cps.update(range(lo, hi + 1))
    return sorted(cp for cp in cps if cp in cmap)


def jieba_dict() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        sys.exit("needs the jieba package for its frequency dictionary: pip install jieba==0.42.1")
    return Path(spec.origin).parent / "dict.txt"


def hanzi_by_use(hanzi: set[int]) -> list[int]:
    """The hanzi ordered as the slices take them: the app's own text first, then jieba's frequency."""
    app: collections.Counter[int] = collections.Counter()
    for pattern in APP_SOURCES:
        for path in sorted(REPO.glob(pattern)):
            app.update(ord(ch) for ch in path.read_text(encoding="utf-8", errors="ignore") if ord(ch) in hanzi)
    words: collections.Counter[int] = collections.Counter()
    for line in jieba_dict().read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split()
        for ch in word:
            if ord(ch) in hanzi:
                words[ord(ch)] += int(freq)
    order = [cp for cp, _ in app.most_common()]
    seen = set(order)
    order += [cp for cp, _ in words.most_common() if cp not in seen]
    return order


def slices(cps: list[int]) -> list[list[int]]:
    """The web slices (lists of code points), most used first."""
    basic = [cp for cp in cps if any(lo <= cp <= hi for lo, hi in BASIC)]
    symbols = [cp for cp in cps if not is_hanzi(cp) and cp not in set(basic)]
    hanzi = {cp for cp in cps if is_hanzi(cp)}
    ranked = hanzi_by_use(hanzi)
    result = [basic] + [symbols[i : i + SYMBOL_SIZE] for i in range(0, len(symbols), SYMBOL_SIZE)]
    start = 0
    for count, size in HEAD_SIZES:
        for i in range(start, start + count, size):
            result.append(sorted(ranked[i : i + size]))
        start += count
    rest = sorted(hanzi - set(ranked[:start]))
    size = -(-len(rest) // TAIL_SLICES)
    result += [rest[i : i + size] for i in range(0, len(rest), size)]
    return result


def unicode_range(part: list[int]) -> str:
    """The slice's characters as CSS unicode-range runs. Slices never overlap: a browser fetches a
    slice only for characters that it holds (document.fonts.load() fetches every face whose range
    meets the text, so a broad range would fetch slices for nothing)."""
    runs: list[tuple[int, int]] = []
    for cp in sorted(part):
        if runs and cp == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], cp)
        else:
            runs.append((cp, cp))
    return ", ".join(f"U+{lo:x}" if lo == hi else f"U+{lo:x}-{hi:x}" for lo, hi in runs)


def rename(font: TTFont, weight: str) -> None:
    """Name the subset "SafetyOps Sans" (copyright, trademark and licence records are kept)."""
    ps_name = f"SafetyOpsSans-{weight}"
    names = {1: FAMILY, 2: weight, 3: f"2.004;SafetyOps;{ps_name}", 4: f"{FAMILY} {weight}", 6: ps_name}
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in (*names, 16, 17)]
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    cff = font["CFF "].cff
    cff.fontNames = [ps_name]
    top = cff.topDictIndex[0]
    top.FamilyName, top.FullName = FAMILY, f"{FAMILY} {weight}"


def subset_font(font: TTFont, unicodes: list[int], *, notdef: bool) -> TTFont:
    options = subset.Options()
    options.layout_features = []  # no GSUB/GPOS features (not needed for horizontal CJK text)
    options.hinting = False
    options.desubroutinize = True  # compresses better under WOFF2/brotli
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]  # keep copyright, trademark and licence
    options.notdef_outline = notdef
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    return font


def face_css(weight: int, url: str, urange: str) -> str:
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: {weight}; font-display: swap;\n'
        f'  src: url("{url}") format("woff2");\n  unicode-range: {urange}; }}\n'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--src", type=Path, default=SRC_DIR, help="folder with NotoSansCJK-*.ttc")
    parser.add_argument("--css-only", action="store_true", help="only write fonts.css, from the vendored .otf")
    args = parser.parse_args()

    if not args.css_only:
        shutil.rmtree(WEB_DIR, ignore_errors=True)
    parts: list[list[int]] = []
    faces = []
    for weight, (ttc_name, css_weight) in WEIGHTS.items():
        otf = OUT_DIR / f"NotoSansSC-{weight}.otf"
        if args.css_only:
            cps = sorted(TTFont(otf, lazy=True).getBestCmap())
        else:
            src = args.src / ttc_name
            font = TTFont(src, fontNumber=FACE_INDEX, lazy=True)
            if font["name"].getDebugName(1) != SOURCE_FAMILY:
                sys.exit(f"{src} face {FACE_INDEX} is {font['name'].getDebugName(1)!r}, expected {SOURCE_FAMILY!r}")
            cps = wanted(font.getBestCmap())
            full = subset_font(font, cps, notdef=True)
            rename(full, weight)
            full.save(otf)
            print(f"{otf.name}: {len(cps)} characters, {otf.stat().st_size / 1024:.0f} KiB")
        parts = parts or slices(cps)
        folder = WEB_DIR / weight.lower()
        folder.mkdir(parents=True, exist_ok=True)
        data = otf.read_bytes()
        for index, part in enumerate(parts):
            path = folder / f"{index:03d}.woff2"
            if not args.css_only:
                piece = subset_font(TTFont(io.BytesIO(data), lazy=True), part, notdef=False)
                piece.flavor = "woff2"
                piece.save(path)
            faces.append(face_css(css_weight, path.relative_to(CSS.parent).as_posix(), unicode_range(part)))
        total = sum(p.stat().st_size for p in folder.glob("*.woff2"))
        print(f"web/{weight.lower()}: {len(parts)} slices, {total / 1024:.0f} KiB")

    header = (
        '/* "SafetyOps Sans": Noto Sans CJK SC (SIL OFL 1.1), GB18030 hanzi (URO + Ext A) and symbols,\n'
        f"   {len(parts)} slices per weight by unicode-range; generated by noto-sans-sc/build_subset.py. */\n"
    )
    css = header + "".join(faces)
    if re.search(r"[^\x00-\x7f]", css):
        sys.exit("fonts.css must stay ASCII")
    CSS.write_text(css, encoding="utf-8")
    print(f"{CSS.name}: {CSS.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
