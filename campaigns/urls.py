from django.urls import path

from campaigns.views import campaigns, exports, summary, work

app_name = "campaigns"

urlpatterns = [
    # Campaigns: the list, a new one from its kind's proposal, the campaign and its steps
    path("", campaigns.campaign_list, name="campaign_list"),
    path("new/", campaigns.campaign_create, name="campaign_create"),
    path("mine/", work.my_work, name="my_work"),
    path("<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("<int:pk>/files/<int:file_pk>/", campaigns.campaign_file, name="campaign_file"),
    path("<int:pk>/launch/", campaigns.campaign_launch, name="campaign_launch"),
    path("<int:pk>/end/", campaigns.campaign_end, name="campaign_end"),
    # Progress (全覆盖, the ranking, the daily chart, targets not yet inspected) and the 底数
    path("<int:pk>/progress/", campaigns.campaign_progress_page, name="campaign_progress"),
    path("<int:pk>/progress.xlsx", exports.campaign_progress_export, name="campaign_progress_export"),
    path("<int:pk>/targets/", campaigns.campaign_targets, name="campaign_targets"),
    # Activities and their results
    path("<int:pk>/activities/new/", work.activity_create, name="activity_create"),
    path("activities/<int:pk>/", work.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/remove/", work.activity_remove_page, name="activity_remove"),
    path("assignments/<int:pk>/", work.assignment_report, name="assignment_report"),
    # Report tasks, the organiser's overview, one unit's report
    path("<int:pk>/tasks/new/", work.task_create_page, name="task_create"),
    path("tasks/<int:pk>/", work.task_overview, name="task_overview"),
    path("tasks/<int:pk>/remove/", work.task_remove_page, name="task_remove"),
    path("tasks/<int:pk>/reports.xlsx", exports.task_export, name="task_export"),
    path("reports/<int:pk>/", work.report_detail, name="report_detail"),
    path("tasks/<int:pk>/reports.pdf", summary.task_reports_pdf, name="task_reports_pdf"),
    path("reports/<int:pk>/", work.report_detail, name="report_detail"),
    path("reports/<int:pk>/return/", work.report_return_page, name="report_return"),
    # The 总结: drafted once ended, edited, published as a PDF by the worker
    path("<int:pk>/summary/", summary.summary_edit, name="summary_edit"),
    path("<int:pk>/summary/publish/", summary.summary_publish, name="summary_publish"),
    path("<int:pk>/summary.pdf", summary.summary_pdf, name="summary_pdf"),
]
