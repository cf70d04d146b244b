"""Access-matrix cases of the accountability app: letters and pledges (issuer side, addressees,
leaders reading) and the daily 承诺公告 (the enterprise scope)."""

from __future__ import annotations

from tests.access import Case

CASES: dict[str, list[Case]] = {}
SEES: dict[str, set[str]] = {}
