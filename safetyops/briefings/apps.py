from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    name = "safetyops.briefings"
    label = "briefings"
    verbose_name = "工作简报"
