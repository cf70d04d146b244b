"""A letter's paper scan follows the letter's scope, not its area's: who does not see the letter
does not download its scan (evidence owner scopes, registered by accountability)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountability import services
from accountability.models import Letter
from safetyops.orgs.models import Role
from tests.accountability.factories import county_template, issued_letter
from tests.conftest import World
from tests.inspections.conftest import pdf
from tests.orgs.factories import department_for, make_user


def _countersigned(world: World, letter: Letter) -> Letter:
    return services.letter_countersign(
        actor=world.county_admin, letter=letter, scan=pdf("签字件.pdf"), signed_name="张镇长"
    )


def _download(client: Any, user: Any, letter: Letter) -> int:
    letter.refresh_from_db()
    assert letter.signature is not None and letter.signature.scan_id is not None
    client.force_login(user)
    return client.get(reverse("evidence:attachment_download", args=[letter.signature.scan_id])).status_code


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("county_admin", 200),  # the issuer
        ("official_a", 200),  # the addressee's officials and leader see the letter, and its scan
        ("leader_a", 200),
        ("supervisor_a", 404),  # covers town A's node, but not the county's letter to town A
        ("official_b", 404),
        ("enterprise_a", 404),
    ],
)
def test_a_scan_is_seen_by_those_who_see_the_letter(client: Any, world: World, role: str, code: int) -> None:
    letter = _countersigned(world, issued_letter(world))
    user = world.users()[role]
    client.force_login(user)
    assert client.get(reverse("accountability:letter_detail", args=[letter.pk])).status_code == code
    assert _download(client, user, letter) == code


def test_a_departments_scan_is_hidden_from_another_department(client: Any, world: World) -> None:
    chem = department_for(world.town_a, [world.sector_chem])
    chem_supervisor = make_user(Role.DEPARTMENT_SUPERVISOR, node=world.town_a, department=chem, username="chem")
    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[chem])
    services.template_issue(actor=world.county_admin, template=template)
    letter = _countersigned(world, template.letters.get())
    assert _download(client, chem_supervisor, letter) == 200
    assert _download(client, world.supervisor_a, letter) == 404


def test_the_letter_page_links_the_scan(client: Any, world: World) -> None:
    letter = _countersigned(world, issued_letter(world))
    letter.refresh_from_db()
    client.force_login(world.official_a)
    page = client.get(reverse("accountability:letter_detail", args=[letter.pk])).content.decode()
    assert reverse("evidence:attachment_download", args=[letter.signature.scan_id]) in page
