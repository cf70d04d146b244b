from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "专项行动"

    def ready(self) -> None:
        from campaigns import briefing, lifecycle, rights
        from safetyops.core.audit import register_action_labels

        rights.declare()
        register_action_labels(lifecycle.action_labels())
        briefing.register()
