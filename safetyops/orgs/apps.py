from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# How orgs' audit entries read (the admin's saves are "<app>.<model>.created/updated").
ACTION_LABELS = {
    "orgs.enterprise.created": _("登记企业"),
    "orgs.enterprise.updated": _("修改企业信息"),
    "orgs.enterprise.imported": _("批量导入企业"),
    "orgs.enterprise_import.given_up": _("企业导入中断后放弃"),
    "orgs.user.created": _("创建账号"),
    "orgs.user.updated": _("修改账号"),
    "orgs.node.created": _("新增行政区域"),
    "orgs.node.updated": _("修改行政区域"),
    "orgs.sector.created": _("新增行业领域"),
    "orgs.sector.updated": _("修改行业领域"),
    "orgs.department.created": _("新增部门"),
    "orgs.department.updated": _("修改部门"),
}


class OrgsConfig(AppConfig):
    name = "safetyops.orgs"
    label = "orgs"
    verbose_name = "组织与企业"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from safetyops.core.audit import register_action_labels
        from safetyops.core.housekeeping import register_housekeeping
        from safetyops.orgs.forms import filter_options_changed
        from safetyops.orgs.importing import enterprise_import_files_remove_old
        from safetyops.orgs.models import Enterprise, Node, Sector
        from safetyops.orgs.selectors import enterprises_changed

        register_action_labels(ACTION_LABELS)
        register_housekeeping("import_files_removed", enterprise_import_files_remove_old)
        # Cached dashboard counts (selectors.enterprise_stats) follow every change.
        for model in (Enterprise, Node, Sector):  # a renamed sector changes the breakdown too
            for signal in (post_save, post_delete):
                signal.connect(enterprises_changed, sender=model, dispatch_uid=f"stats-{model.__name__}-{signal}")
        m2m_changed.connect(enterprises_changed, sender=Enterprise.sectors.through, dispatch_uid="stats-sectors")
        for model in (Node, Sector):  # the enterprise filter's kept lists (forms.EnterpriseFilterForm)
            for signal in (post_save, post_delete):
                signal.connect(filter_options_changed, sender=model, dispatch_uid=f"filter-options-{model.__name__}")
