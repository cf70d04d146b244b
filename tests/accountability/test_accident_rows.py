"""The accident list's rows, drawn by Jinja2: the same HTML as Django's engine wrote.

The baseline is the Django template the rows had (bench/templates/bench/accident_rows_django.html:
list.html's rows with accountability/accidents/_level.html)."""

from __future__ import annotations

import datetime
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from django.template import engines

from accountability.models import Accident, AccidentCategory, AccidentLevel
from accountability.views.accidents import accident_rows
from safetyops.orgs.models import Enterprise, Node
from tests.accountability.accident_factories import registered_accident
from tests.conftest import World

BASELINE = Path(__file__).resolve().parents[2] / "bench" / "templates" / "bench" / "accident_rows_django.html"
HOSTILE = '<script>alert("x")</script> O\'Brien & {{ 子公司 }}'


def _django(accidents: list[Accident]) -> str:
    return engines["django"].from_string(BASELINE.read_text()).render({"accidents": accidents})


def sample_accidents() -> list[Accident]:
    """Every status, level, category and misreport; with an enterprise or a place; missing people
    or none; late or not; 23:30 UTC (the next day in Beijing); hostile text everywhere."""
    node = Node(pk=5, name=HOSTILE)
    firm = Enterprise(pk=6, name=HOSTILE)
    out = []
    combos = itertools.zip_longest(
        Accident.Status.values, AccidentLevel.values, AccidentCategory.values, Accident.Misreport.values
    )
    for i, (status, level, category, misreport) in enumerate(combos):
        accident = Accident(
            pk=100 + i,
            number=f"SG-{i} {HOSTILE}",
            status=status or Accident.Status.REGISTERED,
            level=level or AccidentLevel.GENERAL,
            category=category or AccidentCategory.INDUSTRIAL,
            misreport=misreport or "",
            title=HOSTILE,
            place=HOSTILE,
            occurred_at=datetime.datetime(2026, 1 + i % 12, 1 + i, 23, 30 - i, tzinfo=datetime.UTC),
            deaths=i,
            serious_injuries=i % 3,
            minor_injuries=12345,
            missing=i % 2 * 2,
            reported_late=i % 2 == 0,
        )
        accident.node = node
        accident.enterprise = firm if i % 2 else None
        out.append(accident)
    return out


def test_sample_rows_are_the_html_django_wrote() -> None:
    accidents = sample_accidents()
    new = accident_rows(accidents)
    assert new == _django(accidents)
    assert new.count("<tr>") == len(accidents) >= 5
    for value, label in (*Accident.Status.choices, *AccidentLevel.choices, *Accident.Misreport.choices):
        assert f">{label}</" in new or not value  # a misreport of "" shows no badge
    assert "草稿" in new and "失踪2" in new and "迟报" in new and "2026-01-02 07:30" in new
    assert "<script>" not in new and "{{ 子公司 }}" in new


def test_no_rows_is_the_empty_row_django_wrote() -> None:
    assert accident_rows([]) == _django([]) and "没有符合条件的事故。" in accident_rows([])


@pytest.mark.django_db
def test_the_page_shows_the_rows_django_drew(client: Any, world: World) -> None:
    registered_accident(world, title=HOSTILE)
    registered_accident(world, title="建筑事故", enterprise=world.ent_a2, sector=world.sector_build)
    client.force_login(world.county_admin)
    page = client.get("/accountability/accidents/").content.decode()
    shown = list(Accident.objects.select_related("node", "enterprise").order_by("-occurred_at", "-pk"))
    assert _django(shown) in page
    assert len(re.findall(r'<a class="text-body" href="/accountability/accidents/\d+/">', page)) == 2
