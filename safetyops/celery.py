"""The Celery app: configured from Django settings (CELERY_*), tasks found in every app."""

from __future__ import annotations

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyops.settings")

app = Celery("safetyops")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each queue has its own exchange and routing key; a bare Queue(name) would get the default
# exchange and routing key, and mail would silently land in the default queue.
app.conf.task_queues = [
    Queue(name, Exchange(name, type="direct"), routing_key=name) for name in ("default", "mail", "reports")
]
app.autodiscover_tasks()


def prepare_embedded_broker() -> None:
    """Create the folders the filesystem transport needs (it does not create them itself)."""
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
    os.makedirs(os.path.dirname(settings.CELERY_BEAT_SCHEDULE_FILENAME), exist_ok=True)
