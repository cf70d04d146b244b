from django.urls import path

from campaigns.views import summary

app_name = "campaigns"

urlpatterns = [
    path("<int:pk>/summary/", summary.summary_edit, name="summary_edit"),
    path("<int:pk>/summary/publish/", summary.summary_publish, name="summary_publish"),
    path("<int:pk>/summary.pdf", summary.summary_pdf, name="summary_pdf"),
    path("tasks/<int:pk>/reports.pdf", summary.task_reports_pdf, name="task_reports_pdf"),
]
