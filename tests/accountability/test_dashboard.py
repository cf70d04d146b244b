"""The dashboard cards: 责任书签署 (this year's rates of the user's part, unsigned and overdue, the
child nodes missing most) and 待您签署 (what waits for the user's own signature); few queries, a
county's view counted once a minute."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability import dashboard, services
from accountability.models import Letter
from safetyops.dashboard.views import DashboardPage
from safetyops.evidence import signing
from safetyops.orgs.models import Role
from safetyops.orgs.scope import scope_for
from tests.accountability.factories import issued_letter, issued_pledge
from tests.campaigns.factories import travel
from tests.conftest import World
from tests.orgs.factories import make_user

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issued(world: World) -> World:
    """2 March (due the 9th): letters to town A and town B, pledges to ent_a and ent_b; town A signs."""
    with travel(date(2026, 3, 2)):
        to_a = issued_letter(world)
        issued_letter(world, unit=world.town_b)
        issued_pledge(world)
        issued_pledge(world, enterprise=world.ent_b)
        services.letter_sign(
            actor=world.leader_a, letter=to_a, typed_name=signing.name_of(world.leader_a), confirmed=True
        )
    return world


def _home(client: Any, user: Any) -> str:
    client.force_login(user)
    with travel(TODAY):
        return client.get(reverse("home")).content.decode()


def _card(html: str, marker: str) -> str:
    found = re.search(rf"<div class=\"card mb-3[^\"]*\" {marker}>.*?</ul>\s*</div>", html, re.S)
    return re.sub(r"\s+", " ", found.group(0)) if found else ""


def test_the_county_sees_its_rates_and_who_is_missing(client: Any, issued: World) -> None:
    card = _card(_home(client, issued.county_admin), "data-letters-card")
    assert "目标责任书" in card and "已签 1/2 份 · 未签 1 份" in card and "逾期 1 份" in card
    assert "安全承诺书" in card and "已签 0/2 份 · 未签 2 份" in card and "逾期 2 份" in card
    lowest = re.search(r"data-lowest>(.*?)</li>", card).group(1)
    assert "西山镇（0.0%，未签2份）" in lowest and lowest.index("西山镇") < lowest.index("东城镇")


def test_a_township_sees_its_own_part(client: Any, issued: World) -> None:
    card = _card(_home(client, issued.official_a), "data-letters-card")
    # What reached town A's area (the county's pledge to ent_a), not the letter town A itself signed.
    assert "安全承诺书" in card and "已签 0/1 份" in card and "目标责任书" not in card and "西山" not in card


def test_nothing_this_year_no_card(client: Any, world: World) -> None:
    assert "data-letters-card" not in _home(client, world.county_admin)


def test_the_principal_sees_what_waits_for_their_signature(client: Any, issued: World) -> None:
    with travel(date(2026, 3, 2)):
        issued_letter(issued, unit=issued.town_a)  # a second letter to town A, not signed
    card = _card(_home(client, issued.leader_a), "data-waiting-card")
    assert "待您签署" in _home(client, issued.leader_a)
    assert card.count("<li") == 1 and "2026年度安全生产目标责任书" in card and "已逾期（期限 2026-03-09）" in card
    # Not a principal: no card, even though the official sees the letter.
    assert "data-waiting-card" not in _home(client, issued.official_a)
    assert "data-waiting-card" not in _home(client, issued.county_admin)


def test_an_enterprise_sees_its_pledges_to_sign(client: Any, issued: World) -> None:
    html = _home(client, issued.enterprise_a)
    card = _card(html, "data-waiting-card")
    assert "待您签署" in html and "2026年度企业安全生产承诺书" in card and "安平县" in card
    clerk = make_user(Role.ENTERPRISE_USER, enterprise=issued.ent_a, username="clerk_a")
    clerk_html = _home(client, clerk)
    assert "待本单位主要负责人签署" in clerk_html and "data-sign" not in clerk_html
    assert "2026年度企业安全生产承诺书" in _card(clerk_html, "data-waiting-card")
    signed = Letter.objects.get(enterprise=issued.ent_a)
    services.letter_sign(
        actor=issued.enterprise_a, letter=signed, typed_name=signing.name_of(issued.enterprise_a), confirmed=True
    )
    assert "data-waiting-card" not in _home(client, issued.enterprise_a)


def _page(user: Any) -> DashboardPage:
    request = RequestFactory().get("/")
    request.user = user
    return DashboardPage(request, scope_for(user))


def test_few_queries_and_the_county_is_counted_once_a_minute(issued: World) -> None:
    with travel(TODAY):
        page = _page(issued.county_admin)
        with CaptureQueriesContext(connection) as first:
            context = dashboard._signing_rates(page)
        with CaptureQueriesContext(connection) as again:
            assert dashboard._signing_rates(page) == context
        town = _page(issued.official_a)
        with CaptureQueriesContext(connection) as township:
            dashboard._signing_rates(town)
        with CaptureQueriesContext(connection) as waiting:
            dashboard._waiting(_page(issued.enterprise_a))
    assert len(first.captured_queries) <= 4
    assert len(again.captured_queries) <= 1  # the node only
    assert len(township.captured_queries) <= 4
    assert len(waiting.captured_queries) <= 2  # the membership (the page has it already) and the letters


def test_the_kept_rates_follow_a_signature_and_a_renamed_township_at_once(
    client: Any, issued: World, django_capture_on_commit_callbacks: Any
) -> None:
    """A township's and a county's card are kept between views, and shown afresh right after the
    next signature or a renamed township, exactly as counted afresh."""

    def card(user: Any, *, fresh: bool = False) -> str:
        if fresh:
            cache.clear()
        return _card(_home(client, user), "data-letters-card")

    town_before, county_before = card(issued.official_a), card(issued.county_admin)
    assert "已签 0/1 份" in town_before and "已签 0/2 份 · 未签 2 份" in county_before
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_sign(
            actor=issued.enterprise_a,
            letter=Letter.objects.get(enterprise=issued.ent_a),
            typed_name=signing.name_of(issued.enterprise_a),
            confirmed=True,
        )
    town_after, county_after = card(issued.official_a), card(issued.county_admin)
    assert "已签 1/1 份" in town_after and "已签 1/2 份 · 未签 1 份" in county_after
    assert town_after == card(issued.official_a, fresh=True)
    assert county_after == card(issued.county_admin, fresh=True)
    issued.town_b.name = "西山街道"
    with django_capture_on_commit_callbacks(execute=True):
        issued.town_b.save()
    renamed = card(issued.county_admin)
    assert "西山街道" in renamed and renamed == card(issued.county_admin, fresh=True)
