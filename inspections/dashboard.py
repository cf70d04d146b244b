"""What inspections contribute to the dashboard: the hazard figures over the user's scope (staff)
and an enterprise's own hazards. Registered in InspectionsConfig.ready()."""

from __future__ import annotations

from typing import Any

from inspections.stats import hazard_stats
from safetyops.core.contrib import register_dashboard_card


def _hazards(page: Any) -> dict[str, Any]:
    return {"hazards": hazard_stats(user=page.request.user), "read_only": page.read_only}


def register() -> None:
    register_dashboard_card("hazards", order=20, template="inspections/dashboard/hazards.html", context=_hazards)
    register_dashboard_card(
        "enterprise_hazards",
        order=10,
        template="inspections/dashboard/enterprise_hazards.html",
        context=_hazards,
        page="enterprise",
    )
