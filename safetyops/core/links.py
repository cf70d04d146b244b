"""Links to one object per row, reversed once per page instead of once per row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import get_script_prefix, reverse

_MARK = 987654321987654321  # matches <int:...> and can appear in no real path
_CACHE: dict[tuple[str, str, str], PkLink] = {}


@dataclass(frozen=True)
class PkLink:
    """A URL pattern with one key, split around it: PkLink.of("inspections:hazard_detail").at(7) is
    "/hazards/7/". `{% url %}` in a 50-row table resolved the pattern 50 times (0.15 ms each)."""

    before: str
    after: str

    @classmethod
    def of(cls, viewname: str, kwarg: str = "pk") -> PkLink:
        key = (viewname, kwarg, get_script_prefix())
        link = _CACHE.get(key)
        if link is None:
            before, after = reverse(viewname, kwargs={kwarg: _MARK}).split(str(_MARK))
            link = _CACHE[key] = cls(before, after)
        return link

    def at(self, pk: Any) -> str:
        return f"{self.before}{int(pk)}{self.after}"
