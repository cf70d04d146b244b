"""The daily clean-up's registry: each app adds what it removes, so core names no app's model."""

from __future__ import annotations

from collections.abc import Callable

_CLEANERS: dict[str, Callable[[], int]] = {}


def register_housekeeping(name: str, cleaner: Callable[[], int]) -> None:
    """Run `cleaner` in the daily housekeeping; its count is reported under `name`."""
    _CLEANERS[name] = cleaner


def run_cleaners() -> dict[str, int]:
    """Every registered clean-up, in the order the apps registered them."""
    return {name: cleaner() for name, cleaner in _CLEANERS.items()}
