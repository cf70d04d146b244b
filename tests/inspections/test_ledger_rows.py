"""The ledger's rows, drawn by Jinja2: the same HTML as Django's engine wrote, escaped the same way.

The baseline is the Django template the rows had (bench/templates/bench/ledger_rows_django.html,
also what `python -m bench.table_engines` measures against)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import jinja2
import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from bench.table_engines import HOSTILE, django_rows, jinja_rows, sample_hazards
from inspections import services
from inspections.models import Hazard
from safetyops.orgs.models import Sector
from tests.conftest import World

TODAY = date(2026, 12, 6)
NAME = '<script>alert("x")</script> O\'Brien & 子公司'
NAME_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Brien &amp; 子公司"


def _tbody(page: str) -> str:
    match = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    assert match is not None, "the ledger shows no table"
    return match.group(1)


def test_generated_rows_are_the_html_django_wrote() -> None:
    """Every level, status and escalation, overdue or not, with and without a sector, hostile text."""
    hazards = sample_hazards(today=TODAY)
    new = jinja_rows(hazards, TODAY)
    assert new == django_rows()(hazards, TODAY)
    assert new.count("<tr>") == len(hazards)
    for status in Hazard.Status:
        assert f">{status.label}</span>" in new
    for text in HOSTILE:  # escaped as Django's escape() does; template syntax stays text
        assert html.escape(text) in new
    assert "<script>" not in new


def test_user_text_is_escaped_as_django_escapes() -> None:
    hazard = sample_hazards(1, today=TODAY)[0]
    hazard.number = NAME
    hazard.enterprise.name = NAME
    hazard.node.name = NAME
    assert hazard.sector is None
    hazard.sector = Sector(name=NAME)
    rows = jinja_rows([hazard], TODAY)
    assert "<script>" not in rows
    assert rows.count(NAME_ESCAPED) == 5  # number, name twice (narrow and wide), area, sector


def test_overdue_and_escalation_badges() -> None:
    hazard = sample_hazards(1, today=TODAY)[0]
    hazard.status, hazard.escalation = Hazard.Status.RECTIFYING, Hazard.Escalation.SUPERVISED
    hazard.deadline = TODAY - timedelta(days=3)
    rows = jinja_rows([hazard], TODAY)
    assert '<span class="badge text-bg-danger">逾期3天</span> <span class="badge text-bg-dark">督办</span>' in rows
    assert rows == django_rows()([hazard], TODAY)
    hazard.deadline = TODAY
    assert "逾期" not in jinja_rows([hazard], TODAY)


def test_a_misspelt_name_in_a_jinja2_fragment_fails() -> None:
    with pytest.raises(jinja2.UndefinedError):
        engines["jinja2"].from_string("{{ hazrd.number }}").render({})


@pytest.mark.postgres
def test_the_ledger_page_shows_the_rows_django_wrote(
    client: Any, world: World, hazard_factory: Callable[..., Hazard]
) -> None:
    today = timezone.localdate()
    world.ent_a.name = NAME
    world.ent_a.save(update_fields=["name"])
    overdue = hazard_factory(level="general", status="registered", enterprise=world.ent_a)
    major = hazard_factory(level="major", status="rectifying", enterprise=world.ent_b)
    services.hazard_list_supervision(actor=world.county_admin, hazard_id=major.pk, comment="县级挂牌")
    closed = hazard_factory(level="general", status="closed", enterprise=world.ent_a)
    # Setup only: the services refuse past deadlines, so age the rows directly.
    Hazard.objects.filter(pk=overdue.pk).tally_update(deadline=today - timedelta(days=4))
    Hazard.objects.filter(pk=overdue.pk).update(escalation=Hazard.Escalation.URGED)
    Hazard.objects.filter(pk=closed.pk).tally_update(deadline=today - timedelta(days=9))
    client.force_login(world.county_admin)

    response = client.get(reverse("inspections:hazard_ledger"))

    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert {hazard.pk for hazard in rows} == {overdue.pk, major.pk, closed.pk}
    page = response.content.decode()
    assert _tbody(page) == f"\n  {django_rows()(rows, today)}\n  "
    assert "<script>alert" not in page
    assert NAME_ESCAPED in page
    assert '>逾期4天</span> <span class="badge text-bg-warning">催办</span>' in page
    assert reverse("inspections:hazard_detail", args=[major.pk]) in page
