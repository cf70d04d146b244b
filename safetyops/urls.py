from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from safetyops.core import views as core_views
from safetyops.core.forms import LoginForm
from safetyops.dashboard import views as dashboard_views

admin.site.site_header = "安全生产工作管理平台 · 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("safetyops.orgs.urls")),
    path("", include("safetyops.evidence.urls")),
    path("", include("inspections.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("accountability/", include("accountability.urls")),
    path("", include("safetyops.notify.urls")),
    path("", include("safetyops.briefings.urls")),
    path("", include("safetyops.exports.urls")),
    path("admin/", admin.site.urls),
]

if "bench" in settings.INSTALLED_APPS:
    urlpatterns.append(path("", include("bench.urls")))

handler403 = "safetyops.core.views.permission_denied"
handler404 = "safetyops.core.views.page_not_found"
