"""Admin for county admins: reminders and their failures (read-only, with a resend action) and
the group robots of their areas (editable), all limited to their jurisdiction."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyops.notify import services
from safetyops.notify.channels import Message, PermanentDeliveryError, TransientDeliveryError, webhook_post
from safetyops.notify.forms import WebhookEndpointForm
from safetyops.notify.models import Delivery, Reminder, WebhookEndpoint
from safetyops.notify.rules import known_reasons, reason_label
from safetyops.orgs.admin import RoleGatedAdmin
from safetyops.orgs.scope import enterprises_visible_to, nodes_visible_to, scope_for


def _reminders_in_scope(request: HttpRequest, queryset: QuerySet[Reminder]) -> QuerySet[Reminder]:
    """Reminders about objects in the admin's areas, or addressed to people of those areas."""
    if scope_for(request.user).everything:
        return queryset
    nodes = nodes_visible_to(request.user)
    return queryset.filter(
        Q(node__in=nodes)
        | Q(recipient__membership__node__in=nodes)
        | Q(recipient__membership__enterprise__in=enterprises_visible_to(request.user))
    ).distinct()


class ReasonFilter(admin.SimpleListFilter):
    title = gettext_lazy("提醒事由")
    parameter_name = "reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return sorted(known_reasons().items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            field = "reason" if queryset.model is Reminder else "reminder__reason"
            return queryset.filter(**{field: self.value()})
        return queryset


class ReadOnlyAdmin(RoleGatedAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "target", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("day", "reason_display", "title", "recipient", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status", ReasonFilter, "day")
    search_fields = ("title", "recipient__username", "recipient__full_name")
    list_select_related = ("recipient",)
    date_hierarchy = "day"
    inlines = (DeliveryInline,)
    actions = ("resend",)
    exclude = ("target_type",)

    @admin.display(description=gettext_lazy("提醒事由"), ordering="reason")
    def reason_display(self, obj: Reminder) -> str:
        return reason_label(obj.reason)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reminder]:
        return _reminders_in_scope(request, super().get_queryset(request))

    @admin.action(description=gettext_lazy("重新投递所选的发送失败的提醒"))
    def resend(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        count = services.reminders_retry(actor=request.user, reminder_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("已重新安排 %(n)s 条提醒投递。") % {"n": count}, messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "target", "status", "attempts", "last_error", "reminder_title")
    list_filter = ("status", "channel", ReasonFilter)
    search_fields = ("target", "reminder__title")
    list_select_related = ("reminder",)

    @admin.display(description=gettext_lazy("提醒"))
    def reminder_title(self, obj: Delivery) -> str:
        return obj.reminder.title

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delivery]:
        reminders = _reminders_in_scope(request, Reminder.objects.all())
        return super().get_queryset(request).filter(reminder__in=reminders)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(RoleGatedAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "node", "kind", "active", "reason_labels", "created_at")
    list_filter = ("kind", "active")
    search_fields = ("name", "node__name")
    list_select_related = ("node",)
    actions = ("send_test",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookEndpoint]:
        return super().get_queryset(request).filter(node__in=nodes_visible_to(request.user))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "node":
            kwargs["queryset"] = nodes_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("只推送这些提醒"))
    def reason_labels(self, endpoint: WebhookEndpoint) -> str:
        return "、".join(reason_label(reason) for reason in endpoint.reason_list()) or _("全部提醒")

    @admin.action(description=gettext_lazy("发送一条测试消息"))
    def send_test(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        message = Message(
            title=_("测试消息"),
            body=_("这是一条来自安全生产工作管理平台的测试消息，收到即表示群机器人配置正确。"),
            url="",
            key="test",
        )
        for endpoint in queryset:
            try:
                webhook_post(kind=endpoint.kind, url=endpoint.url, secret=endpoint.secret, message=message)
            except (TransientDeliveryError, PermanentDeliveryError) as exc:
                self.message_user(request, f"{endpoint}：{exc}", messages.ERROR)
            else:
                self.message_user(
                    request, _("%(endpoint)s：测试消息已发送。") % {"endpoint": endpoint}, messages.SUCCESS
                )
