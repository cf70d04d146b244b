from django.urls import path

from campaigns.views import exports

app_name = "campaigns"

urlpatterns = [
    path("tasks/<int:pk>/reports.xlsx", exports.task_export, name="task_export"),
    path("<int:pk>/progress.xlsx", exports.campaign_progress_export, name="campaign_progress_export"),
]
