"""One table: for every hazard state and role, the steps the hazard page offers (its buttons) are
exactly the steps the services accept. Both read inspections/lifecycle.py; this proves they agree."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from inspections import services
from inspections.lifecycle import HAZARD_STEPS
from inspections.models import Hazard
from inspections.scope import hazards_visible_to
from safetyops.core.errors import ServiceError
from safetyops.orgs.models import Role
from tests.conftest import World
from tests.inspections.conftest import jpeg, open_inspection, plan_input
from tests.orgs.factories import make_user

# The page's button of each step (the URL it links to).
BUTTONS = {
    "plan": "hazard_plan",
    "completion": "hazard_completion",
    "extension_request": "hazard_extension_request",
    "plan_decide": "hazard_plan_decide",
    "verify": "hazard_verify",
    "extension_decide": "hazard_extension_decide",
    "fix_on_spot": "hazard_fix_on_spot",
    "list_supervision": "hazard_list_supervision",
}


def _url(name: str, pk: int) -> str:
    try:
        return reverse(f"inspections:{name}", args=[pk])
    except NoReverseMatch:
        return reverse(name, args=[pk])


def _calls(hazard: Hazard) -> dict[str, list[Callable[[Any], Any]]]:
    """Each step's services, called with valid input: a step is accepted when every one applies."""
    later = hazard.deadline + timedelta(days=20)
    pk = hazard.pk
    return {
        "plan": [lambda u: services.hazard_submit_plan(actor=u, hazard_id=pk, plan=plan_input(hazard))],
        "completion": [
            lambda u: services.hazard_report_completion(
                actor=u, hazard_id=pk, description="已整改", money_spent=Decimal(10), after_photos=[jpeg()]
            )
        ],
        "extension_request": [
            lambda u: services.hazard_request_extension(
                actor=u, hazard_id=pk, reason="设备到货延迟", requested_deadline=later
            )
        ],
        "plan_decide": [
            lambda u: services.hazard_approve_plan(actor=u, hazard_id=pk, comment="同意"),
            lambda u: services.hazard_return_plan(actor=u, hazard_id=pk, reason="措施不具体"),
        ],
        "verify": [
            lambda u: services.hazard_verify(actor=u, hazard_id=pk, opinion="整改到位"),
            lambda u: services.hazard_reject_verification(actor=u, hazard_id=pk, reason="仍有裸露线路"),
        ],
        "extension_decide": [
            lambda u: services.hazard_decide_extension(actor=u, hazard_id=pk, approve=True),
            lambda u: services.hazard_decide_extension(actor=u, hazard_id=pk, approve=False, comment="理由不充分"),
        ],
        "fix_on_spot": [lambda u: services.hazard_fix_on_spot(actor=u, hazard_id=pk, after_photos=[jpeg("after.jpg")])],
        "list_supervision": [lambda u: services.hazard_list_supervision(actor=u, hazard_id=pk, comment="挂牌")],
    }


class _Undo(Exception):
    pass


def _applies(call: Callable[[Any], Any], user: Any) -> bool:
    """Whether the service applies the step (then undone, so the next call sees the same hazard)."""
    try:
        with transaction.atomic():
            call(user)
            raise _Undo
    except _Undo:
        return True
    except ServiceError:
        return False


def _offered(client: Any, user: Any, hazard: Hazard) -> set[str]:
    """The steps hazard_detail shows as buttons in its 待您办理 card (none when the page is 404)."""
    client.force_login(user)
    response = client.get(_url("hazard_detail", hazard.pk))
    if response.status_code == 404:
        return set()
    assert response.status_code == 200
    html = response.content.decode()
    card = re.search(r'hz-actions">(.*?)</div>\s*</div>', html, re.S)
    links = set(re.findall(r'href="([^"]+)"', card.group(1))) if card else set()
    return {step for step, name in BUTTONS.items() if _url(name, hazard.pk) in links}


@dataclass(frozen=True)
class Case:
    name: str
    level: str
    status: str
    from_inspection: bool = False
    pending_extension: bool = False
    overdue: bool = False
    listed: bool = False


CASES = [
    Case("registered, found by an inspection", "general", "registered", from_inspection=True),
    Case("registered", "general", "registered"),
    Case("registered 重大", "major", "registered"),
    Case("registered, extension pending", "general", "registered", pending_extension=True),
    Case("plan pending 重大", "major", "plan_pending"),
    Case("plan pending 重大, extension pending", "major", "plan_pending", pending_extension=True),
    Case("rectifying", "general", "rectifying"),
    Case("rectifying, overdue", "general", "rectifying", overdue=True),
    Case("rectifying 重大, extension pending", "major", "rectifying", pending_extension=True),
    Case("awaiting verification", "general", "awaiting_verification"),
    Case("awaiting verification 重大", "major", "awaiting_verification"),
    Case("awaiting verification 重大, listed", "major", "awaiting_verification", listed=True),
    Case("closed", "general", "closed"),
    Case("closed 重大", "major", "closed"),
]


def _roles(world: World) -> dict[str, Any]:
    """Every kind of user that could act on a hazard of ent_a (东村, 危险化学品)."""
    return {
        "own enterprise": world.enterprise_a,
        "other enterprise": world.enterprise_b,
        "township official": world.official_a,
        "village-level official": make_user(Role.TOWNSHIP_OFFICIAL, node=world.village_a, username="village"),
        "county admin": world.county_admin,
        "department supervisor": make_user(
            Role.DEPARTMENT_SUPERVISOR, node=world.town_a, sectors=[world.sector_chem], username="chem_supervisor"
        ),
        "other sector's supervisor": world.supervisor_a,
        "leader": world.leader_a,
        "county leader": world.leader_county,
    }


def _hazard(case: Case, world: World, hazard_factory: Any) -> Hazard:
    inspection = open_inspection(world) if case.from_inspection else None
    hazard = hazard_factory(level=case.level, status=case.status, inspection=inspection)
    if case.pending_extension:
        services.hazard_request_extension(
            actor=world.enterprise_a,
            hazard_id=hazard.pk,
            reason="设备到货延迟",
            requested_deadline=hazard.deadline + timedelta(days=10),
        )
    if case.listed:
        services.hazard_list_supervision(actor=world.county_admin, hazard_id=hazard.pk)
    if case.overdue:  # the deadline passed: only time can do that, so the test moves the date
        Hazard.objects.filter(pk=hazard.pk).tally_update(deadline=timezone.localdate() - timedelta(days=1))
    return Hazard.objects.get(pk=hazard.pk)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_page_offers_exactly_the_steps_the_services_accept(
    client: Any, world: World, hazard_factory: Any, case: Case
) -> None:
    hazard = _hazard(case, world, hazard_factory)
    calls = _calls(hazard)
    assert set(calls) == set(BUTTONS) == set(HAZARD_STEPS.by_name), "every declared step is in the table"
    offered, accepted, declared = {}, {}, {}
    for role, user in _roles(world).items():
        offered[role] = _offered(client, user, hazard)
        accepted[role] = {step for step, variants in calls.items() if all(_applies(c, user) for c in variants)}
        accepted_by_one = {step for step, variants in calls.items() if any(_applies(c, user) for c in variants)}
        assert accepted_by_one == accepted[role], f"{role}: the variants of one step disagree"
        # The declaration says what a role may do; the scope (404 outside it) is the scoping helpers'.
        visible = hazards_visible_to(user).filter(pk=hazard.pk).exists()
        declared[role] = HAZARD_STEPS.available(Hazard.objects.get(pk=hazard.pk), user) if visible else set()
    assert offered == accepted
    assert declared == accepted
    assert any(offered.values()) or hazard.status == "closed", "a case where nobody may act proves little"
