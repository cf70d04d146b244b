"""Checklist templates are edited by county admins in Django admin; the lifecycle records are
read-only there (they change only through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from inspections.models import ChecklistItem, ChecklistTemplate
from safetyops.orgs.admin import RoleGatedAdmin
from safetyops.orgs.scope import Right, has_right


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ("order", "clause", "text", "suggests_major")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_right(request.user, Right.ADMIN)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_right(request.user, Right.ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_right(request.user, Right.ADMIN)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_right(request.user, Right.ADMIN)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(RoleGatedAdmin):
    list_display = ("name", "sector", "basis", "is_active", "sort_order")
    list_filter = ("is_active", "sector")
    search_fields = ("name", "basis")
    inlines = (ChecklistItemInline,)
