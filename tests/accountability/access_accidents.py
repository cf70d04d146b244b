"""Access-matrix cases of the accountability app's accidents (joined into tests/accountability/access.py)."""

from __future__ import annotations

from tests.access import Case

SEES: dict[str, set[str]] = {}
CASES: dict[str, list[Case]] = {}
