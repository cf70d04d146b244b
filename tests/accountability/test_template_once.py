"""The new-draft form posted twice (a double click, a retry) creates one draft: the repeat is
answered with the first draft's page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accountability.models import LetterTemplate
from tests.accountability.factories import county_template
from tests.accountability.test_views_letters import _new_letter_post
from tests.conftest import World


def test_the_same_new_draft_form_posted_twice_creates_one_draft(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    url = reverse("accountability:template_create") + "?kind=responsibility&year=2026"
    assert 'name="key"' in client.get(url).content.decode()
    first = client.post(url, _new_letter_post(key="new-draft-1"))
    again = client.post(url, _new_letter_post(key="new-draft-1"))
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert LetterTemplate.objects.count() == 1
    assert client.post(url, _new_letter_post(key="new-draft-2")).status_code == 302  # a new form, a new draft
    assert LetterTemplate.objects.count() == 2


def test_a_replayed_create_returns_the_first_draft(world: World) -> None:
    first = county_template(world, key="k-create")
    assert county_template(world, key="k-create") == first
    assert LetterTemplate.objects.count() == 1
