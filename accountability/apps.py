from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = "责任落实"

    def ready(self) -> None:
        from accountability import briefing, dashboard, lifecycle, notices, rights
        from safetyops.core.audit import register_action_labels

        rights.declare()
        register_action_labels(lifecycle.action_labels())
        notices.register_reasons()
        notices.register_rules()
        briefing.register()
        dashboard.register()
