from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "专项行动"

    def ready(self) -> None:
        from campaigns import briefing

        briefing.register()
