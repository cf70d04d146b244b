from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "notify.reminder.retried": _("重新投递提醒"),
    "notify.preferences.updated": _("修改提醒接收方式"),
    "notify.webhookendpoint.created": _("新增群机器人"),
    "notify.webhookendpoint.updated": _("修改群机器人"),
}


class NotifyConfig(AppConfig):
    name = "safetyops.notify"
    label = "notify"
    verbose_name = "消息提醒"

    def ready(self) -> None:
        from safetyops.core.audit import register_action_labels

        register_action_labels(ACTION_LABELS)
