from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "隐患排查治理"

    def ready(self) -> None:
        from inspections.reminders import register_rules

        register_rules()
