import importlib.util

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "briefings.briefing.requested": _("申请生成简报"),
    "briefings.briefing.retried": _("重新生成简报"),
    "briefings.briefing.regenerated": _("按最新数据重新生成简报"),
    "briefings.briefing.generated": _("简报已生成"),
    "briefings.briefing.given_up": _("简报生成失败后放弃"),
    "briefings.briefing.section7_updated": _("修改存在问题和下步工作"),
    "briefings.briefing.published": _("印发简报"),
}


class BriefingsConfig(AppConfig):
    name = "safetyops.briefings"
    label = "briefings"
    verbose_name = "工作简报"

    def ready(self) -> None:
        from safetyops.briefings import rights
        from safetyops.briefings.services import register_section7
        from safetyops.core.audit import register_action_labels

        rights.declare()
        register_action_labels(ACTION_LABELS)
        register_section7()
        # The "briefing ready" notice is sent with notify_users(); name its reason for the inbox.
        if importlib.util.find_spec("safetyops.notify.rules") is not None:
            from safetyops.notify.rules import register_reason

            register_reason("briefing_ready", "工作简报已生成")
