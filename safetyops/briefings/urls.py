from django.urls import path

from safetyops.briefings import views

app_name = "briefings"

urlpatterns = [
    path("briefings/", views.briefing_list, name="briefing_list"),
    path("briefings/new/", views.briefing_create, name="briefing_create"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing_detail"),
    path("briefings/<int:pk>/section7/", views.briefing_section7, name="briefing_section7"),
    path("briefings/<int:pk>/regenerate/", views.briefing_regenerate, name="briefing_regenerate"),
    path("briefings/<int:pk>/publish/", views.briefing_publish, name="briefing_publish"),
    path("briefings/<int:pk>/download/", views.briefing_download, name="briefing_download"),
]
