from django.urls import path

from safetyops.orgs.views import departments, enterprises, imports, nodes

app_name = "orgs"

urlpatterns = [
    path("enterprises/", enterprises.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", enterprises.enterprise_create_view, name="enterprise_create"),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", enterprises.enterprise_edit, name="enterprise_edit"),
    path("enterprises/import/", imports.import_start, name="enterprise_import"),
    path("enterprises/import/template.<str:fmt>", imports.import_template, name="enterprise_import_template"),
    path("enterprises/import/<int:pk>/", imports.import_detail, name="enterprise_import_detail"),
    path("nodes/", nodes.node_list, name="node_list"),
    path("nodes/<int:pk>/", nodes.node_detail, name="node_detail"),
    path("departments/", departments.department_list, name="department_list"),
]
