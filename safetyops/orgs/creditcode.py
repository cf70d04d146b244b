"""统一社会信用代码 (GB 32100-2015) validation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
REGISTRARS = set("123456789ANY")
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The 18th character for the given first 17 (which must be in the alphabet)."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """Upper-case and strip spaces and the full-width forms people paste from documents."""
    text = (raw or "").strip().upper()
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)
    return text.replace(" ", "").replace("\u3000", "")


def credit_code_problem(code: str) -> str | None:
    """None if the code is valid, else a Chinese sentence that says what is wrong."""
    if len(code) != 18:
        return _("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(code)}
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z 及小写字母）。") % {
            "chars": "、".join(bad)
        }
    if code[0] not in REGISTRARS:
        return _("统一社会信用代码第1位（登记管理部门代码）应为1-9、A、N或Y。")
    expected = check_character(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：第18位应为“%(expected)s”，请核对是否录入有误。") % {"expected": expected}
    return None


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_credit_code")
