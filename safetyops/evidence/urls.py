from django.urls import path

from safetyops.evidence import views

# The same addresses as before the evidence app existed (/files/<pk>/), so stored links keep working.
app_name = "evidence"

urlpatterns = [
    path("files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("files/<int:pk>/thumb/", views.attachment_thumbnail, name="attachment_thumbnail"),
]
