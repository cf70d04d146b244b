from __future__ import annotations

import os

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safetyops.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        prepare_embedded_broker()


def prepare_embedded_broker() -> None:
    """Create the folders Celery's filesystem transport needs (it does not create them itself)."""
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
    os.makedirs(os.path.dirname(settings.CELERY_BEAT_SCHEDULE_FILENAME), exist_ok=True)
