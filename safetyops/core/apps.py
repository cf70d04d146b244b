from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safetyops.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from safetyops.celery import prepare_embedded_broker

        prepare_embedded_broker()
