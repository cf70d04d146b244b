"""The city campaign's progress page and its report task's overview ask a fixed number of queries
whatever the number of counties, townships and enterprises the campaign reaches."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.query_counts import Page, assert_constant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _campaign() -> str:
    from campaigns.models import Campaign

    campaign = Campaign.objects.filter(node__level="city", status="active").order_by("pk").first()
    return reverse("campaigns:campaign_progress", kwargs={"pk": campaign.pk}) if campaign else ""


def _task() -> str:
    from campaigns.models import ReportTask

    task = ReportTask.objects.filter(campaign__node__level="city", campaign__status="active").order_by("pk").first()
    return reverse("campaigns:task_overview", kwargs={"pk": task.pk}) if task else ""


PAGES: list[Page] = [
    ("campaign progress (city)", "bench_city_admin", _campaign),
    ("task overview (city)", "bench_city_admin", _task),
]


def test_campaign_pages_do_not_query_per_row(monkeypatch: Any) -> None:
    assert_constant(PAGES, monkeypatch, bound=30)
