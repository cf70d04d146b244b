from django.urls import path

from safetyops.exports import views

app_name = "exports"
urlpatterns = [
    path("exports/<int:pk>/", views.job_detail, name="job_detail"),
    path("exports/<int:pk>/download/", views.job_download, name="job_download"),
]
