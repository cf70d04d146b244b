from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "safetyops.notify"
    label = "notify"
    verbose_name = "消息提醒"
