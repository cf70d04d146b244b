import importlib.util

from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    name = "safetyops.briefings"
    label = "briefings"
    verbose_name = "工作简报"

    def ready(self) -> None:
        from safetyops.briefings.services import register_section7

        register_section7()
        # The "briefing ready" notice is sent with notify_users(); name its reason for the inbox.
        if importlib.util.find_spec("safetyops.notify.rules") is not None:
            from safetyops.notify.rules import register_reason

            register_reason("briefing_ready", "工作简报已生成")
