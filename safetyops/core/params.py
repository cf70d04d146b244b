"""Numbers typed into a query string or a form by hand: `?year=²` or `?node=99999999999999999999`
is the default (or a 404), never a 500. str.isdigit() is not enough: it accepts "²" and "١", which
int() refuses or reads as another digit, and it lets a number through that no bigint column holds."""

from __future__ import annotations

BIGINT_MAX = 2**63 - 1


def parse_int(text: object, lo: int = 0, hi: int = BIGINT_MAX) -> int | None:
    """`text` as an int when it is plain ASCII digits (no sign, no spaces inside) within lo..hi,
    otherwise None."""
    raw = str(text if text is not None else "").strip()
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(hi)) + 1:
        return None
    value = int(raw)
    return value if lo <= value <= hi else None


def parse_ids(values: list[str] | tuple[str, ...]) -> list[int]:
    """The valid ids among `values` (a form's checkboxes), the rest dropped."""
    return [value for value in (parse_int(text, 1) for text in values) if value is not None]
