from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from campaigns.models import Campaign
from safetyops.orgs.admin import RoleGatedAdmin
from safetyops.orgs.scope import nodes_visible_to


@admin.register(Campaign)
class CampaignAdmin(RoleGatedAdmin):
    list_display = ("name", "kind", "year", "node", "starts_on", "ends_on", "status")
    list_filter = ("kind", "year", "status")
    search_fields = ("name", "theme")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        return Campaign.objects.filter(node__in=nodes_visible_to(request.user)).select_related("node")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "node":
            kwargs["queryset"] = nodes_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
