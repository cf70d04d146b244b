"""Contact phone numbers of enterprises: a mainland mobile (1[3-9] and 9 digits) or a landline with
its area code (010, 02x or 0xxx, then 7 or 8 digits), optionally with an extension.

Used by the enterprise form and the import alike; a field may hold a few numbers separated by
、 / , ; and is stored normalised: 13812345678, 0571-88886666, 0571-88886666-123.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[、/,，;；]+")
_UNIFY = str.maketrans({"（": "(", "）": ")", "－": "-", "—": "-", "–": "-", "＋": "+", "\u3000": " "})
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
# (0571)88886666, 0571-88886666, 0571 8888 6666, 057188886666; extension after -, 转, #, ext.
# Area codes: 010 and 02x have three digits, every other one four (0571, 0898).
_LANDLINE = re.compile(
    r"(?:\+?86)?\(?(010|02\d|0[3-9]\d\d)\)?-?([2-9]\d{6,7})(?:(?:-|转|#|ext\.?|分机)(\d{1,6}))?", re.IGNORECASE
)
MAX_NUMBERS = 3


def _one(text: str) -> str | None:
    compact = re.sub(r"\s+", "", text.translate(_UNIFY))
    if mobile := _MOBILE.fullmatch(compact):
        return mobile.group(1)
    if landline := _LANDLINE.fullmatch(compact):
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    return None


def normalize_phone(value: str) -> str | None:
    """The numbers in `value` normalised and joined with 、, "" for an empty value, None if any part is
    not a phone number."""
    parts = [part.strip() for part in _SEPARATORS.split(value or "") if part.strip()]
    if len(parts) > MAX_NUMBERS:
        return None
    numbers = [_one(part) for part in parts]
    if any(number is None for number in numbers):
        return None
    return "、".join(number for number in numbers if number)


def phone_problem(value: str) -> str:
    """The Chinese sentence for a value normalize_phone refused (the value is quoted, shortened)."""
    shown = value if len(value) <= 50 else value[:50] + "…"
    return _(
        "“%(value)s”不是有效的电话号码：请填写11位手机号（如 13812345678），"
        "或带区号的座机号（如 0571-88886666，分机写在后面：0571-88886666-123）；多个号码用顿号分隔。"
    ) % {"value": shown}
