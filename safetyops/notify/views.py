"""The inbox (站内消息) and the channel preferences: every page shows the user's own data only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from safetyops.notify import services
from safetyops.notify.channels import sms_backend
from safetyops.notify.forms import PreferencesForm
from safetyops.notify.selectors import channel_preference_for, get_notification_for_user, notifications_for

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # 全部标为已读
        count = services.notifications_mark_all_read(user=request.user)
        messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": count})
        return redirect("notify:inbox")
    unread_only = request.GET.get("show") == "unread"
    notifications = notifications_for(request.user)
    unread = notifications.filter(read_at__isnull=True).count()
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page, "unread": unread, "unread_only": unread_only})


@login_required
def inbox_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One message. GET only shows it (a link preview or prefetch changes nothing); POST marks it
    read, and with `open` goes on to the page it is about."""
    notification = get_notification_for_user(request.user, pk)
    link = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else ""
    if request.method == "POST":
        services.notification_mark_read(user=request.user, notification=notification)
        if "open" in request.POST and link:
            return redirect(link)
        return redirect("notify:inbox_item", pk=notification.pk)
    return render(request, "notify/inbox_item.html", {"notification": notification, "link": link})


@login_required
def notify_preferences(request: HttpRequest) -> HttpResponse:
    preference = channel_preference_for(request.user)
    sms_available = sms_backend() is not None
    initial = {"email": preference.email, "sms": preference.sms, "email_address": request.user.email}
    form = PreferencesForm(request.POST or None, initial=initial, sms_available=sms_available)
    if request.method == "POST" and form.is_valid():
        services.channel_preferences_update(
            user=request.user,
            email_address=form.cleaned_data["email_address"],
            email=form.cleaned_data["email"],
            sms=form.cleaned_data["sms"],
        )
        messages.success(request, _("提醒方式已保存。"))
        return redirect("notify:notify_preferences")
    return render(
        request,
        "notify/preferences.html",
        {"form": form, "sms_available": sms_available, "has_phone": bool(request.user.phone)},
    )
