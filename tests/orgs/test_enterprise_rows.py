"""The enterprise directory's rows, drawn by Jinja2: the same HTML Django's engine wrote, escaped alike.

The baseline is the Django loop the rows had in templates/orgs/_enterprise_results.html
(tests/orgs/enterprise_rows_django.html, without its final newline)."""

from __future__ import annotations

import re
from itertools import cycle
from pathlib import Path
from typing import Any

import pytest
from django.template import engines
from django.urls import reverse

from safetyops.orgs.models import Enterprise
from safetyops.orgs.templatetags.enterprise_rows import enterprise_rows
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory, SectorFactory

pytestmark = pytest.mark.django_db

DJANGO_ROWS = (Path(__file__).parent / "enterprise_rows_django.html").read_text().removesuffix("\n")

HOSTILE = ['<script>alert("x")</script>', "O'Brien & 子公司", "{{ 1|add:1 }}{% now 'Y' %}", "a\"b'c<d>e&f"]


def django_rows(enterprises: list[Enterprise]) -> str:
    return engines["django"].from_string(DJANGO_ROWS).render({"enterprises": enterprises})


@pytest.fixture
def directory(world: World) -> list[Enterprise]:
    """Every status and risk level, with and without a 重大危险源, with 0, 1 and 2 sectors, hostile names."""
    hostile_sector = SectorFactory(code="hostile", name=HOSTILE[3])
    sector_sets = cycle([[], [world.sector_chem], [world.sector_build, hostile_sector]])
    names = cycle(HOSTILE)
    made = []
    for status in Enterprise.Status:
        for risk in Enterprise.RiskLevel:
            made.append(
                EnterpriseFactory(
                    name=f"{next(names)}{status}{risk}",
                    node=world.town_b,
                    status=status,
                    risk_level=risk,
                    has_major_hazard_source=risk == Enterprise.RiskLevel.MAJOR,
                    sectors=next(sector_sets),
                )
            )
    world.town_b.name = HOSTILE[1]
    world.town_b.save()
    return made


def _listed(ids: list[int]) -> list[Enterprise]:
    return list(Enterprise.objects.filter(pk__in=ids).select_related("node").prefetch_related("sectors").order_by("pk"))


def test_rows_are_the_html_django_wrote(directory: list[Enterprise]) -> None:
    rows = _listed([e.pk for e in directory])
    new = enterprise_rows(rows)
    assert new == django_rows(rows)
    assert new.count("<tr>") == len(directory)
    for status in Enterprise.Status:
        if status != Enterprise.Status.OPERATING:
            assert f">{status.label}</span>" in new
    for risk in Enterprise.RiskLevel:
        assert f">{risk.label}</span>" in new
    assert "<script>" not in new and "&lt;script&gt;alert(&quot;x&quot;)" in new
    assert "O&#x27;Brien &amp; 子公司" in new  # Django's escape(), not MarkupSafe's &#39;
    assert "a&quot;b&#x27;c&lt;d&gt;e&amp;f" in new  # a sector's name too


def test_the_directory_page_shows_the_rows_django_wrote(client: Any, world: World, directory: list[Enterprise]) -> None:
    client.force_login(world.county_admin)
    response = client.get(reverse("orgs:enterprise_list"))
    assert response.status_code == 200
    page = response.content.decode()
    shown = list(response.context["page"].object_list)
    assert {e.pk for e in directory} <= {e.pk for e in shown}
    tbody = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    assert tbody is not None
    assert tbody[1] == f"\n  {django_rows(shown)}\n  "
    assert "<script>alert" not in page
    assert reverse("orgs:enterprise_detail", args=[directory[0].pk]) in page
