from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = "责任落实"

    def ready(self) -> None:
        from accountability import briefing, rights

        rights.declare()
        briefing.register()
