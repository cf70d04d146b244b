"""What accountability contributes to the monthly briefing: sections 事故情况 and 责任落实情况, which
say in their own words that the module has not landed yet (rather than printing zeros).
Registered in AccountabilityConfig.ready()."""

from __future__ import annotations

from safetyops.core.contrib import register_briefing_section


def register() -> None:
    register_briefing_section(
        "accidents", order=20, title="事故情况", template="accountability/briefing/accidents.html"
    )
    register_briefing_section(
        "accountability", order=50, title="责任落实情况", template="accountability/briefing/accountability.html"
    )
