from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "exports.job.requested": _("申请后台导出"),
    "exports.job.finished": _("后台导出完成"),
}


class ExportsConfig(AppConfig):
    name = "safetyops.exports"
    label = "exports"
    verbose_name = "后台导出"

    def ready(self) -> None:
        from safetyops.core.audit import register_action_labels
        from safetyops.core.housekeeping import register_housekeeping
        from safetyops.exports.services import export_jobs_delete_expired

        register_action_labels(ACTION_LABELS)
        register_housekeeping("expired_exports", export_jobs_delete_expired)
