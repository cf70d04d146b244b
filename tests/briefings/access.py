"""Access-matrix cases of briefings: read by the office roles whose scope covers whole nodes (a
sector-limited supervisor sees the township but not every sector in it: 403); written (section 7,
regenerate, publish) by officials."""

from __future__ import annotations

from typing import Any

from tests.access import WRITERS, Case

BRIEFING_READERS = {"county_admin", "official_a", "official_b", "leader_a", "leader_county"}


def _briefing_for(node: Any) -> dict[str, int]:
    from datetime import date

    from django.core.files.base import ContentFile

    from safetyops.briefings.models import Briefing

    briefing = Briefing(node=node, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), year=2026)
    briefing.kind, briefing.status = "monthly", "draft"
    briefing.file.save("briefing.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    briefing.save()
    return {"pk": briefing.pk}


def _briefing_case(allowed: set[str]) -> list[Case]:
    return [
        Case(kwargs=lambda w: _briefing_for(w.town_a), obj="town_a", allowed=allowed),
        Case(kwargs=lambda w: _briefing_for(w.town_b), obj="town_b", allowed=allowed),
    ]


CASES: dict[str, list[Case]] = {
    "briefings:briefing_list": [Case(allowed=BRIEFING_READERS)],
    "briefings:briefing_create": [Case(allowed=BRIEFING_READERS)],
    "briefings:briefing_detail": _briefing_case(BRIEFING_READERS),
    "briefings:briefing_download": _briefing_case(BRIEFING_READERS),
    "briefings:briefing_section7": _briefing_case(WRITERS),
    "briefings:briefing_regenerate": _briefing_case(WRITERS),
    "briefings:briefing_publish": _briefing_case(WRITERS),
}
