from django.urls import path

from safetyops.notify import views

app_name = "notify"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_item, name="inbox_item"),
    path("inbox/settings/", views.notify_preferences, name="notify_preferences"),
]
