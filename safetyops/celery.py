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
