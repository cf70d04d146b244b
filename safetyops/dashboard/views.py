"""The home page: one dashboard per role, with real counts from the user's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.stats import hazard_stats
from safetyops.orgs.models import Enterprise
from safetyops.orgs.scope import enterprises_visible_to, scope_for
from safetyops.orgs.selectors import enterprise_stats


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.empty:
        return render(request, "dashboard/no_role.html")
    if scope.enterprise_id is not None:
        enterprise = enterprises_visible_to(request.user).select_related("node").get(pk=scope.enterprise_id)
        return render(
            request,
            "dashboard/enterprise.html",
            {"enterprise": enterprise, "sectors": enterprise.sectors.all(), "hazards": hazard_stats(user=request.user)},
        )
    stats = enterprise_stats(user=request.user)
    risk_labels = dict(Enterprise.RiskLevel.choices)
    chart = {
        "nodes": {
            "labels": [node.name for node, _ in stats.by_child_node],
            "values": [count for _, count in stats.by_child_node],
        },
        "sectors": {
            "labels": [name for name, _ in stats.by_sector[:12]],
            "values": [count for _, count in stats.by_sector[:12]],
        },
    }
    return render(
        request,
        "dashboard/home.html",
        {
            "stats": stats,
            "hazards": hazard_stats(user=request.user),
            "risk_rows": [(value, risk_labels[value], stats.by_risk[value]) for value in Enterprise.RiskLevel.values],
            "status_labels": dict(Enterprise.Status.choices),
            "chart": chart,
            "read_only": scope.role == "leader",
        },
    )
