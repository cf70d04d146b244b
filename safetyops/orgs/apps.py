from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "safetyops.orgs"
    label = "orgs"
    verbose_name = "组织与企业"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from safetyops.core.housekeeping import register_housekeeping
        from safetyops.orgs.importing import enterprise_import_files_remove_old
        from safetyops.orgs.models import Enterprise, Node, Sector
        from safetyops.orgs.selectors import enterprises_changed

        register_housekeeping("import_files_removed", enterprise_import_files_remove_old)

        # Cached dashboard counts (selectors.enterprise_stats) follow every change.
        for model in (Enterprise, Node, Sector):  # a renamed sector changes the breakdown too
            for signal in (post_save, post_delete):
                signal.connect(enterprises_changed, sender=model, dispatch_uid=f"stats-{model.__name__}-{signal}")
        m2m_changed.connect(enterprises_changed, sender=Enterprise.sectors.through, dispatch_uid="stats-sectors")
