"""Django admin for county admins, restricted to their own jurisdiction by the scoping API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from safetyops.core.audit import log_action
from safetyops.orgs.models import Department, Enterprise, EnterpriseImport, Membership, Node, Sector, User
from safetyops.orgs.scope import (
    Right,
    departments_visible_to,
    enterprises_visible_to,
    has_right,
    nodes_visible_to,
    scope_for,
)


class RoleGatedAdmin(admin.ModelAdmin):
    """Admin access comes from the SafetyOps role (Right.ADMIN), not from Django model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_right(request.user, Right.ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_right(request.user, Right.ADMIN)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return has_right(request.user, Right.ADMIN)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_right(request.user, Right.ADMIN)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = f"{obj._meta.app_label}.{obj._meta.model_name}.{'updated' if change else 'created'}"
        log_action(obj, action, actor=request.user, data={"fields": form.changed_data, "via": "admin"})


@admin.register(Node)
class NodeAdmin(RoleGatedAdmin):
    list_display = ("name", "code", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("name", "code")
    ordering = ("path",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Node]:
        return nodes_visible_to(request.user).select_related("parent")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = nodes_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Sector)
class SectorAdmin(RoleGatedAdmin):
    list_display = ("name", "code", "parent", "cross_cutting", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "code")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Sectors are shared by every county: only a superuser edits the list.
        return bool(request.user.is_superuser)

    has_add_permission = has_change_permission  # type: ignore[assignment]


@admin.register(Department)
class DepartmentAdmin(RoleGatedAdmin):
    """A county admin keeps the departments of their county and its townships."""

    list_display = ("name", "node", "sort_order")
    list_filter = ("node__level",)
    search_fields = ("name",)
    filter_horizontal = ("sectors",)
    list_select_related = ("node",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return Department.objects.filter(node__in=nodes_visible_to(request.user))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "node":
            kwargs["queryset"] = nodes_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Enterprise)
class EnterpriseAdmin(RoleGatedAdmin):
    """Read-only here: enterprises change through the app's forms so that every change is audited."""

    list_display = ("name", "credit_code", "node", "status", "risk_level", "has_major_hazard_source")
    list_filter = ("status", "risk_level", "has_major_hazard_source")
    search_fields = ("name", "credit_code")
    list_select_related = ("node",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enterprise]:
        return enterprises_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    filter_horizontal = ("sectors",)
    autocomplete_fields = ("enterprise",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "node":
            kwargs["queryset"] = nodes_visible_to(request.user)
        if db_field.name == "enterprise":
            kwargs["queryset"] = enterprises_visible_to(request.user)
        if db_field.name == "department":
            kwargs["queryset"] = departments_visible_to(request.user).select_related("node")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_right(request.user, Right.ADMIN)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_right(request.user, Right.ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_right(request.user, Right.ADMIN)


@admin.register(User)
class UserAdmin(RoleGatedAdmin, BaseUserAdmin):
    list_display = ("username", "full_name", "phone", "is_active", "membership")
    search_fields = ("username", "full_name", "phone")
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        scope = scope_for(request.user)
        qs = super().get_queryset(request).select_related("membership")
        if scope.everything:
            return qs
        nodes = nodes_visible_to(request.user)
        enterprises = enterprises_visible_to(request.user)
        return qs.filter(membership__node__in=nodes) | qs.filter(membership__enterprise__in=enterprises)


@admin.register(EnterpriseImport)
class EnterpriseImportAdmin(RoleGatedAdmin):
    list_display = ("original_name", "created_by", "status", "total_rows", "created_count", "created_at")
    readonly_fields = [f.name for f in EnterpriseImport._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EnterpriseImport]:
        from safetyops.orgs.scope import imports_visible_to

        return imports_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
