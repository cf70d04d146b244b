"""Admin: county admins read the briefings of their jurisdiction; changes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from safetyops.briefings.models import Briefing
from safetyops.briefings.selectors import briefings_visible_to
from safetyops.orgs.admin import RoleGatedAdmin


@admin.register(Briefing)
class BriefingAdmin(RoleGatedAdmin):
    list_display = ("node", "period_start", "period_end", "kind", "status", "year", "issue_number", "generated_at")
    list_filter = ("status", "kind", "year")
    search_fields = ("node__name", "node__code")
    ordering = ("-period_end", "node__path")
    exclude = ("figures",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Briefing]:
        return briefings_visible_to(request.user).select_related("node")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only: drafts and publishing go through the services (published never change)
