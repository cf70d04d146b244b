"""One viewer's part of the tree for the overview, the coverage page, the workbook and the
dashboard (a department supervisor counted alike everywhere), one grouped rate helper, and one
list of the letters waiting for the user's own signature."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accountability import coverage, selectors, services
from accountability.dashboard import _rates
from accountability.exports import CoverageFilter, coverage_workbook
from accountability.models import Letter, LetterTemplate
from tests.accountability.factories import county_template, issued_letter
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _pledges(world: World) -> LetterTemplate:
    template = county_template(world, kind=LetterTemplate.Kind.PLEDGE)
    services.template_address(actor=world.county_admin, template=template, units=[world.ent_a, world.ent_a2])
    services.template_issue(actor=world.county_admin, template=template)
    return template


def _workbook_total(user: Any, kind: str) -> tuple[Any, ...]:
    buffer = io.BytesIO()
    coverage_workbook(user, CoverageFilter(year=2026, kind=kind)).save(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    rows = [row for row in book["签署率"].iter_rows(min_row=3, values_only=True)]
    return next(row[2:6] for row in rows if row[0] == "合计")


@pytest.mark.parametrize("who", ["supervisor_a", "leader_a", "county_admin"])
def test_the_page_the_workbook_and_the_dashboard_count_the_same_part(client: Any, world: World, who: str) -> None:
    _pledges(world)
    issued_letter(world)
    user = world.users()[who]
    node, answered = selectors.viewer_part(user)
    assert node is not None
    client.force_login(user)
    for kind in LetterTemplate.Kind.values:
        page = client.get(reverse("accountability:coverage"), {"year": 2026, "kind": kind})
        rate = page.context["rate"]
        assert page.context["node"] == node
        assert (rate.addressed, rate.signed, rate.unsigned, rate.overdue) == _workbook_total(user, kind)
    overview = client.get(reverse("accountability:overview"), {"year": 2026})
    assert overview.context["node"] == node
    figures = _rates(node, answered, 2026)
    pledges = coverage.rate_of(answered.filter(template__kind=LetterTemplate.Kind.PLEDGE))
    assert [k["addressed"] for k in figures["kinds"] if k["label"] == "安全承诺书"] == (
        [pledges.addressed] if pledges.addressed else []
    )


def test_a_supervisor_answers_for_its_sectors_in_its_township(world: World) -> None:
    _pledges(world)
    issued_letter(world)
    node, answered = selectors.viewer_part(world.supervisor_a)
    assert node == world.town_a
    assert [letter.enterprise_id for letter in answered] == [world.ent_a2.pk]


def test_rates_by_groups_in_one_query(world: World, django_assert_num_queries: Any) -> None:
    _pledges(world)
    issued_letter(world)
    letters = Letter.objects.all()
    with django_assert_num_queries(1):
        by_kind = coverage.rates_by(letters, "template__kind")
    assert by_kind[LetterTemplate.Kind.PLEDGE] == coverage.Rate(2, 0, 0)
    assert by_kind[LetterTemplate.Kind.RESPONSIBILITY] == coverage.Rate(1, 0, 0)
    both = coverage.rates_by(letters, "template__kind", "template_id")
    assert sum(rate.addressed for rate in both.values()) == 3 and all(len(key) == 2 for key in both)


def test_letters_to_sign_are_the_principals_own(world: World) -> None:
    letter = issued_letter(world)
    assert [item.pk for item in selectors.to_sign(world.leader_a)] == [letter.pk]
    assert list(selectors.awaiting_signature(world.leader_a)) == [letter]
    for user in (world.official_a, world.county_admin, world.supervisor_a, world.nobody):
        assert selectors.to_sign(user) == []


def test_a_countys_overview_rates_are_kept_until_the_next_change_to_a_letter(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Counted once and shared, yet never older than the last signature (coverage.generation)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accountability import services
    from safetyops.evidence import signing
    from tests.accountability.factories import issued_letter

    letter = issued_letter(world)
    client.force_login(world.county_admin)
    client.get(reverse("accountability:overview"))
    with CaptureQueriesContext(connection) as warm:
        assert "0.0%" in client.get(reverse("accountability:overview")).content.decode()
    with CaptureQueriesContext(connection) as cached:
        client.get(reverse("accountability:overview"))
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_sign(
            actor=world.leader_a, letter=letter, typed_name=signing.name_of(world.leader_a), confirmed=True
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("accountability:overview")).content.decode()
    assert "100.0%" in page
    assert len(cached.captured_queries) < len(warm.captured_queries) + 1  # the rates came from the cache
    assert len(after.captured_queries) > len(cached.captured_queries)  # counted again after the change
