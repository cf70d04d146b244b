"""Extensions at the edges (DOMAIN §4 延期): a completion report resolves a pending request first,
an approval never moves the deadline earlier, and no request is ever left undecidable."""

from __future__ import annotations

import importlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from inspections import services
from inspections.models import Hazard, HazardEvent, HazardExtension
from inspections.services import HazardStepError
from inspections.stats import hazard_stats
from inspections.tally import rebuild_tallies
from tests.conftest import World
from tests.inspections.conftest import jpeg, open_inspection

A = HazardEvent.Action
D = HazardExtension.Decision


def actions(hazard: Hazard) -> list[str]:
    return list(hazard.events.order_by("pk").values_list("action", flat=True))


def ask(world: World, hazard: Hazard, days: int = 20) -> HazardExtension:
    services.hazard_request_extension(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        reason="设备到货延迟",
        requested_deadline=hazard.deadline + timedelta(days=days),
    )
    return hazard.extensions.get(decision=D.PENDING)


def leftover(world: World, hazard: Hazard, days: int = 5) -> HazardExtension:
    """A pending request on a hazard that moved on: what the code before this rule left behind."""
    return HazardExtension.objects.create(
        hazard=hazard,
        reason="施工受天气影响",
        old_deadline=hazard.deadline,
        requested_deadline=hazard.deadline + timedelta(days=days),
        requested_by=world.enterprise_a,
    )


def complete(world: World, hazard: Hazard) -> None:
    services.hazard_report_completion(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        description="已更换防护罩",
        money_spent=Decimal("800"),
        after_photos=[jpeg()],
    )


def test_a_completion_report_withdraws_the_pending_request_first(
    client: Any, world: World, hazard_factory: Any
) -> None:
    hazard = hazard_factory(status="rectifying")
    deadline = hazard.deadline
    extension = ask(world, hazard)
    assert hazard_stats(user=world.official_a).extensions_pending == 1
    complete(world, hazard)
    extension.refresh_from_db()
    hazard.refresh_from_db()
    assert extension.decision == D.WITHDRAWN and extension.decided_at is not None
    assert "报告整改完成" in extension.decision_comment
    assert actions(hazard)[-3:] == [A.EXTENSION_REQUESTED, A.EXTENSION_WITHDRAWN, A.COMPLETION_REPORTED]
    withdrawn = hazard.events.get(action=A.EXTENSION_WITHDRAWN)
    assert withdrawn.actor == world.enterprise_a and withdrawn.data["extension"] == extension.pk
    assert hazard.status == Hazard.Status.AWAITING_VERIFICATION and hazard.deadline == deadline
    assert hazard_stats(user=world.official_a).extensions_pending == 0
    # The history keeps the request; nothing is pending that nobody could decide.
    assert list(hazard.extensions.values_list("decision", flat=True)) == [D.WITHDRAWN]
    client.force_login(world.enterprise_a)
    page = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    assert "已撤回" in page and "企业已报告整改完成，延期申请自动撤回" in page and "延期申请撤回" in page


def test_closing_on_the_spot_withdraws_the_pending_request(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(inspection=open_inspection(world))
    extension = ask(world, hazard)
    services.hazard_fix_on_spot(actor=world.official_a, hazard_id=hazard.pk, after_photos=[jpeg()])
    extension.refresh_from_db()
    assert extension.decision == D.WITHDRAWN
    assert actions(hazard)[-2:] == [A.EXTENSION_WITHDRAWN, A.FIXED_ON_SPOT]


def test_an_approval_never_moves_the_deadline_earlier(client: Any, world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(status="awaiting_verification")
    extension = leftover(world, hazard, days=5)  # asks for deadline + 5
    longer = hazard.deadline + timedelta(days=30)
    services.hazard_reject_verification(
        actor=world.official_a, hazard_id=hazard.pk, reason="防护罩仍有缺口", new_deadline=longer
    )
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.RECTIFYING and hazard.deadline == longer

    with pytest.raises(HazardStepError, match="不能把期限提前"):
        services.hazard_decide_extension(actor=world.official_a, hazard_id=hazard.pk, approve=True, comment="同意")
    with pytest.raises(HazardStepError, match="不能把期限提前"):
        services.hazard_decide_extension(
            actor=world.official_a,
            hazard_id=hazard.pk,
            approve=True,
            approved_deadline=longer - timedelta(days=1),
        )
    hazard.refresh_from_db()
    extension.refresh_from_db()
    assert hazard.deadline == longer and extension.decision == D.PENDING

    client.force_login(world.official_a)
    path = reverse("inspections:hazard_extension_decide", args=[hazard.pk])
    response = client.post(
        path, {"key": "k" * 32, "decision": "approve", "approved_deadline": (longer - timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 400 and "审批延期不能把期限提前" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.deadline == longer

    services.hazard_decide_extension(
        actor=world.official_a, hazard_id=hazard.pk, approve=True, approved_deadline=longer + timedelta(days=10)
    )
    hazard.refresh_from_db()
    assert hazard.deadline == longer + timedelta(days=10)


def test_a_request_left_on_a_hazard_awaiting_verification_can_still_be_decided(
    client: Any, world: World, hazard_factory: Any
) -> None:
    hazard = hazard_factory(status="awaiting_verification")
    extension = leftover(world, hazard)
    client.force_login(world.official_a)
    decide = reverse("inspections:hazard_extension_decide", args=[hazard.pk])
    assert decide in client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    response = client.post(decide, {"key": "r" * 32, "decision": "refuse", "comment": "已报告完成，无需延期"})
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.decision == D.REFUSED and actions(hazard)[-1] == A.EXTENSION_REFUSED


def test_verifying_resolves_a_request_left_pending(world: World, hazard_factory: Any) -> None:
    hazard = hazard_factory(status="awaiting_verification")
    extension = leftover(world, hazard)
    services.hazard_verify(actor=world.official_a, hazard_id=hazard.pk, opinion="整改到位")
    extension.refresh_from_db()
    assert extension.decision == D.WITHDRAWN
    assert actions(hazard)[-2:] == [A.EXTENSION_WITHDRAWN, A.VERIFIED]
    assert not HazardExtension.objects.filter(decision=D.PENDING).exists()


def test_the_migration_resolves_requests_stuck_on_closed_hazards(world: World, hazard_factory: Any) -> None:
    closed = hazard_factory(status="closed")
    stuck = leftover(world, closed)
    open_one = hazard_factory(status="rectifying")
    waiting = ask(world, open_one)
    rebuild_tallies()
    assert hazard_stats(user=world.county_admin).extensions_pending == 2
    migration = importlib.import_module("inspections.migrations.0009_lifecycle_extension_withdrawn")
    migration.withdraw_undecidable(apps, None)
    assert hazard_stats(user=world.county_admin).extensions_pending == 1  # the tally row was marked dirty
    stuck.refresh_from_db()
    waiting.refresh_from_db()
    assert stuck.decision == D.WITHDRAWN and stuck.decided_at == Hazard.objects.get(pk=closed.pk).closed_at
    event = closed.events.get(action=A.EXTENSION_WITHDRAWN)
    assert event.actor == world.enterprise_a and event.data == {"extension": stuck.pk, "automatic": True}
    assert waiting.decision == D.PENDING  # an open hazard's request is still for the office to decide
