from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "safetyops.dashboard"
    label = "dashboard"
    verbose_name = "工作台"

    def ready(self) -> None:
        from safetyops.dashboard.views import register_cards

        register_cards()
