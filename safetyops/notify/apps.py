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
        from safetyops.notify.selectors import unread_count_expression
        from safetyops.orgs.backends import register_request_user_annotation

        register_action_labels(ACTION_LABELS)
        # The navbar's bell on every page: counted in the query that loads the request's user.
        register_request_user_annotation("inbox_unread", unread_count_expression)
