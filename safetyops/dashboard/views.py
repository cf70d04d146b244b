"""The home page: one dashboard per role, made of the cards the apps registered
(safetyops/core/contrib.py), with real counts from the user's scope."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from safetyops.core.contrib import dashboard_cards, register_dashboard_card
from safetyops.orgs.models import Enterprise
from safetyops.orgs.scope import Scope, enterprises_visible_to, scope_for
from safetyops.orgs.selectors import EnterpriseStats, enterprise_stats


class DashboardPage:
    """What a card's context function is given: the request, the scope, and whether the page is read-only."""

    def __init__(self, request: HttpRequest, scope: Scope, *, enterprise: Enterprise | None = None) -> None:
        self.request, self.scope, self.enterprise = request, scope, enterprise
        self.read_only = scope.role == "leader"

    @cached_property
    def enterprise_stats(self) -> EnterpriseStats:
        return enterprise_stats(user=self.request.user)


def _cards(page: DashboardPage, name: str) -> list[SafeString]:
    out = []
    for card in dashboard_cards(name):
        context = card.context(page)
        if context is not None:
            out.append(
                SafeString(
                    render_to_string(card.template, {**context, "request": page.request, "user": page.request.user})
                )
            )
    return out


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.empty:
        return render(request, "dashboard/no_role.html")
    if scope.enterprise_id is not None:
        enterprise = enterprises_visible_to(request.user).select_related("node").get(pk=scope.enterprise_id)
        page = DashboardPage(request, scope, enterprise=enterprise)
        return render(
            request, "dashboard/enterprise.html", {"enterprise": enterprise, "cards": _cards(page, "enterprise")}
        )
    page = DashboardPage(request, scope)
    return render(request, "dashboard/home.html", {"read_only": page.read_only, "cards": _cards(page, "home")})


# The dashboard's own cards: the enterprise directory's figures (orgs) ----------------------------


def _enterprise_stats(page: DashboardPage) -> dict[str, Any]:
    return {"stats": page.enterprise_stats}


def _enterprise_distribution(page: DashboardPage) -> dict[str, Any]:
    stats = page.enterprise_stats
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
    return {
        "stats": stats,
        "risk_rows": [(value, risk_labels[value], stats.by_risk[value]) for value in Enterprise.RiskLevel.values],
        "chart": chart,
    }


def _enterprise_facts(page: DashboardPage) -> dict[str, Any]:
    assert page.enterprise is not None
    return {"enterprise": page.enterprise, "sectors": page.enterprise.sectors.all()}


def register_cards() -> None:
    """Called from DashboardConfig.ready(); the domain apps register theirs in their own ready()."""
    register_dashboard_card(
        "enterprise_stats", order=10, template="dashboard/cards/enterprise_stats.html", context=_enterprise_stats
    )
    register_dashboard_card(
        "enterprise_distribution",
        order=40,
        template="dashboard/cards/enterprise_distribution.html",
        context=_enterprise_distribution,
    )
    register_dashboard_card(
        "enterprise_facts",
        order=20,
        template="dashboard/cards/enterprise_facts.html",
        context=_enterprise_facts,
        page="enterprise",
    )
