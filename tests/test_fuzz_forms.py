"""Property-based fuzzing of the main forms: whatever a user types, the answer is a page or a
redirect, never a server error, and a rejected form saves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections.models import Hazard, HazardPlan
from safetyops.orgs.models import Enterprise
from tests.conftest import World

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
OK = {200, 302, 400}


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "name": TEXT,
            "credit_code": TEXT,
            "node": TEXT,
            "sectors": TEXT,
            "principal_name": TEXT,
            "principal_phone": TEXT,
            "status": TEXT,
            "risk_level": TEXT,
            "employees": TEXT,
        }
    )
)
@pytest.mark.django_db
def test_enterprise_form(client: Any, world: World, data: dict[str, str]) -> None:
    client.force_login(world.official_a)
    before = Enterprise.objects.count()
    response = client.post(reverse("enterprise_create"), data)
    assert response.status_code in OK
    if response.status_code != 302:
        assert Enterprise.objects.count() == before


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "level": TEXT,
            "category": TEXT,
            "sector": TEXT,
            "location": TEXT,
            "description": TEXT,
            "deadline": TEXT,
        }
    )
)
@pytest.mark.django_db
def test_self_report_form(client: Any, world: World, data: dict[str, str]) -> None:
    client.force_login(world.enterprise_a)
    before = Hazard.objects.count()
    response = client.post(reverse("hazard_create"), data)
    assert response.status_code in OK
    if response.status_code != 302:
        assert Hazard.objects.count() == before


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "measures": TEXT,
            "responsible_name": TEXT,
            "responsible_post": TEXT,
            "responsible_phone": TEXT,
            "funds": TEXT,
            "funds_reason": TEXT,
            "deadline": TEXT,
            "contingency": TEXT,
            "key": TEXT,
        }
    )
)
@pytest.mark.django_db
def test_plan_form(client: Any, world: World, hazard_factory: Any, data: dict[str, str]) -> None:
    hazard = Hazard.objects.filter(enterprise=world.ent_a).first() or hazard_factory()
    client.force_login(world.enterprise_a)
    response = client.post(reverse("hazard_plan", args=[hazard.pk]), data)
    assert response.status_code in OK
    if response.status_code != 302:
        assert not HazardPlan.objects.filter(hazard=hazard).exists()
