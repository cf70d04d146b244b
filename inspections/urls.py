from django.urls import path

from inspections.views import congress, hazards, inspections, ledger, statistics

app_name = "inspections"

urlpatterns = [
    # The ledger (隐患台账) and its Excel export
    path("hazards/", ledger.hazard_ledger, name="hazard_ledger"),
    path("hazards/export.xlsx", ledger.hazard_export, name="hazard_export"),
    # Hazards and the 五落实 lifecycle
    path("hazards/mine/", hazards.my_hazards, name="my_hazards"),
    path("hazards/new/", hazards.hazard_create, name="hazard_create"),
    path("hazards/<int:pk>/", hazards.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/plan/", hazards.hazard_plan, name="hazard_plan"),
    path("hazards/<int:pk>/plan/decide/", hazards.hazard_plan_decide, name="hazard_plan_decide"),
    path("hazards/<int:pk>/completion/", hazards.hazard_completion, name="hazard_completion"),
    path("hazards/<int:pk>/verify/", hazards.hazard_verify, name="hazard_verify"),
    path("hazards/<int:pk>/extension/", hazards.hazard_extension_request, name="hazard_extension_request"),
    path("hazards/<int:pk>/extension/decide/", hazards.hazard_extension_decide, name="hazard_extension_decide"),
    path("hazards/<int:pk>/fix-on-spot/", hazards.hazard_fix_on_spot, name="hazard_fix_on_spot"),
    path("hazards/<int:pk>/supervise/", hazards.hazard_list_supervision, name="hazard_list_supervision"),
    path("hazards/<int:pk>/congress/", congress.hazard_congress_report, name="hazard_congress_report"),
    # 隐患统计报告 (第十四条): the enterprise's reports, the 主要负责人's signature, who has not filed
    path("statistics/", statistics.statistics_list, name="statistics_list"),
    path("statistics/unfiled/", statistics.statistics_unfiled, name="statistics_unfiled"),
    path("statistics/<int:enterprise_pk>/<str:period>/", statistics.statistics_detail, name="statistics_detail"),
    path("statistics/<int:enterprise_pk>/<str:period>/sign/", statistics.statistics_sign, name="statistics_sign"),
    # Inspections
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_create, name="inspection_create"),
    path("inspections/enterprise-picker/", inspections.enterprise_picker, name="enterprise_picker"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/items/<int:item_id>/", inspections.inspection_answer, name="inspection_answer"),
    path(
        "inspections/<int:pk>/items/<int:item_id>/hazard/",
        inspections.inspection_item_hazard,
        name="inspection_item_hazard",
    ),
    path("inspections/<int:pk>/submit/", inspections.inspection_submit, name="inspection_submit"),
    path("inspections/<int:pk>/sign/", inspections.inspection_sign, name="inspection_sign"),
    path("inspections/<int:pk>/addendum/", inspections.inspection_addendum, name="inspection_addendum"),
]
