"""The benchmark's data generator: reproducible, valid and usable by the app."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from inspections.management.commands import generate_city
from inspections.models import Hazard, HazardEvent, Inspection
from safetyops.orgs.creditcode import credit_code_problem
from safetyops.orgs.models import Enterprise, Node, User


@pytest.fixture
def small(monkeypatch: Any) -> dict[str, int]:
    from safetyops.orgs.models import Sector
    from safetyops.orgs.sectors import load_sectors

    if not Sector.objects.exists():  # flushed by an earlier transactional test
        load_sectors(Sector)
    sizes = {"counties": 2, "townships": 4, "villages": 8, "enterprises": 60, "inspections": 200, "hazards": 500}
    monkeypatch.setitem(generate_city.PRESETS, "tiny", sizes)
    return sizes


@pytest.mark.django_db
def test_generates_a_consistent_city(small: dict[str, int]) -> None:
    call_command("generate_city", "--preset", "tiny", "--seed", "7")
    assert Node.objects.filter(level="county").count() == 2
    assert Node.objects.filter(level="township").count() == 4
    assert Enterprise.objects.count() == 60
    assert Inspection.objects.count() == 200
    assert Hazard.objects.count() == 500
    assert all(credit_code_problem(code) is None for code in Enterprise.objects.values_list("credit_code", flat=True))
    assert Hazard.objects.values("number").distinct().count() == 500
    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert {"closed", "rectifying", "registered"} <= statuses
    # every hazard's area is its enterprise's area, and it belongs to an inspection of that enterprise
    assert not Hazard.objects.exclude(node=models_f("enterprise__node")).exists()
    assert not Hazard.objects.exclude(inspection__enterprise=models_f("enterprise")).exists()
    assert HazardEvent.objects.filter(action="registered").count() == 500
    assert HazardEvent.objects.filter(action="verified").count() == Hazard.objects.filter(status="closed").count()


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


@pytest.mark.django_db(transaction=True)  # flush must not run inside a test transaction on PostgreSQL
def test_same_seed_same_data(small: dict[str, int]) -> None:
    from safetyops.orgs.models import Sector
    from safetyops.orgs.sectors import load_sectors

    call_command("generate_city", "--preset", "tiny", "--seed", "7")
    first = list(Hazard.objects.order_by("pk").values_list("number", "status", "level", "enterprise__credit_code"))
    call_command("flush", "--noinput")
    load_sectors(Sector)
    call_command("generate_city", "--preset", "tiny", "--seed", "7")
    again = list(Hazard.objects.order_by("pk").values_list("number", "status", "level", "enterprise__credit_code"))
    assert first == again


@pytest.mark.django_db
def test_refuses_a_database_with_data(small: dict[str, int], world: Any) -> None:
    with pytest.raises(CommandError, match="empty database"):
        call_command("generate_city", "--preset", "tiny")


@pytest.mark.django_db
def test_generated_users_can_use_the_app(small: dict[str, int]) -> None:
    call_command("generate_city", "--preset", "tiny", "--seed", "7")
    client = Client()
    client.force_login(User.objects.get(username="bench_city_admin"))
    response = client.get("/hazards/")
    assert response.status_code == 200 and response.context["page"].paginator.count == 500
    client.force_login(User.objects.get(username="bench_official_0"))
    visible = client.get("/hazards/").context["page"].paginator.count
    assert 0 < visible < 500


@pytest.mark.django_db
def test_generates_the_city_campaign_and_its_report_task(small: dict[str, int]) -> None:
    from django.utils import timezone

    from campaigns.models import Campaign, ReportVersion, Target, UnitReport
    from campaigns.overview import task_overview
    from campaigns.progress import campaign_progress
    from campaigns.scope import get_campaign_for_user

    call_command("generate_city", "--preset", "tiny", "--seed", "7")
    admin = User.objects.get(username="bench_city_admin")
    (campaign,) = Campaign.objects.all()
    assert (campaign.status, campaign.node.level) == ("active", "city") and campaign.launched_at is not None
    assert get_campaign_for_user(admin, campaign.pk) == campaign
    # Every enterprise once, at its own area.
    assert Target.objects.filter(campaign=campaign, removed_at__isnull=True).count() == 60
    assert not Target.objects.exclude(node=models_f("enterprise__node")).exists()
    progress = campaign_progress(user=admin, campaign=campaign)
    assert progress.whole.targets == 60 and [p.name for p in progress.ranking] != []
    (task,) = campaign.tasks.all()
    assert campaign.starts_on <= task.deadline < timezone.localdate()
    units = UnitReport.objects.filter(task=task)
    assert set(units.values_list("node__level", flat=True)) == {"county", "township"} and units.count() == 2 + 4
    versions = ReportVersion.objects.filter(report__task=task)
    assert versions.exists() and versions.values("report", "number").distinct().count() == versions.count()
    assert all(
        v.late == (timezone.localtime(v.submitted_at).date() > task.deadline) for v in versions
    )  # the late flag is what report_submit would have set
    rows = task_overview(user=admin, task=task)
    assert len(rows) == 6 and {row.state for row in rows} <= {"submitted", "late", "zero", "returned", "missing"}
    assert not UnitReport.objects.filter(task=task, status="pending", versions__isnull=False).exists()
    # A county sees its own units' reports (itself and its townships).
    county_admin = User.objects.get(username="bench_admin_0")
    assert len(task_overview(user=county_admin, task=task)) == 1 + 2
