"""当场整改 (DOMAIN §4): the inspector closing, during the inspection, a 一般 hazard that inspection
found. Only an inspector of that inspection, only while it is open or on its day, never a hazard
the enterprise reported itself. Table-driven through the service, then mirrored by the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Hazard, Inspection
from inspections.services import HazardStepError, NotPermitted
from safetyops.orgs.models import Role
from tests.conftest import World
from tests.inspections.conftest import jpeg, open_inspection
from tests.orgs.factories import make_user


def _lock(inspection: Inspection, official: Any) -> None:
    services.inspection_submit_for_signing(
        actor=official, inspection_id=inspection.pk, findings="发现一般隐患1处", conclusion="责令整改"
    )
    services.inspection_sign(
        actor=official, inspection_id=inspection.pk, typed_name=official.full_name or official.username, confirmed=True
    )


def _self_reported(world: World) -> Hazard:
    return services.hazard_register(
        actor=world.enterprise_a,
        enterprise_id=world.ent_a.pk,
        data=services.HazardInput(
            level="general", category="thing", description="自查：灭火器过期", deadline=timezone.localdate()
        ),
    )


@dataclass(frozen=True)
class Case:
    name: str
    actor: str  # a World attribute, or "colleague" (a town A official not listed on the inspection)
    level: str = "general"
    origin: str = "open"  # open | locked_today | locked_yesterday | open_three_days | none | self
    refused: type[Exception] | None = None
    says: str = ""


CASES = [
    Case("the inspector, inspection open", "official_a"),
    Case("the inspector, signed and archived today", "official_a", origin="locked_today"),
    Case("the inspector, still open three days on", "official_a", origin="open_three_days"),
    Case(
        "the inspector, archived yesterday",
        "official_a",
        origin="locked_yesterday",
        refused=HazardStepError,
        says="已签字归档",
    ),
    Case("another official of the town", "colleague", refused=NotPermitted, says="本次检查的检查人员"),
    Case("the county admin, not an inspector", "county_admin", refused=NotPermitted, says="本次检查的检查人员"),
    Case("the enterprise", "enterprise_a", refused=NotPermitted, says="角色"),
    Case("a 重大 hazard", "official_a", level="major", refused=HazardStepError, says="重大隐患不能当场整改"),
    Case("registered outside any inspection", "official_a", origin="none", refused=HazardStepError, says="检查中发现"),
    Case("reported by the enterprise (自查)", "official_a", origin="self", refused=HazardStepError, says="企业自查"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_who_may_fix_on_the_spot_and_until_when(world: World, hazard_factory: Any, case: Case) -> None:
    colleague = make_user(Role.TOWNSHIP_OFFICIAL, node=world.town_a, username="colleague")
    actor = colleague if case.actor == "colleague" else getattr(world, case.actor)
    later = timedelta(0)
    if case.origin == "self":
        hazard = _self_reported(world)
    elif case.origin == "none":
        hazard = hazard_factory(level=case.level)
    else:
        inspection = open_inspection(world)
        hazard = hazard_factory(level=case.level, inspection=inspection)
        if case.origin.startswith("locked"):
            _lock(inspection, world.official_a)
        later = {"locked_yesterday": timedelta(days=1), "open_three_days": timedelta(days=3)}.get(case.origin, later)
    with time_machine.travel(timezone.now() + later, tick=False):
        if case.refused is None:
            services.hazard_fix_on_spot(actor=actor, hazard_id=hazard.pk, after_photos=[jpeg()])
        else:
            with pytest.raises(case.refused, match=case.says):
                services.hazard_fix_on_spot(actor=actor, hazard_id=hazard.pk, after_photos=[jpeg()])
    hazard.refresh_from_db()
    assert (hazard.status == Hazard.Status.CLOSED) is (case.refused is None)
    assert hazard.fixed_on_spot is (case.refused is None)
    assert hazard.events.filter(action="fixed_on_spot").count() == (case.refused is None)


def test_registering_fixed_on_the_spot_follows_the_same_rule(world: World) -> None:
    """At registration too: an archived inspection of another day no longer closes on the spot."""
    inspection = open_inspection(world)
    _lock(inspection, world.official_a)
    data = services.HazardInput(
        level="general", category="thing", description="安全出口堵塞", deadline=timezone.localdate() + timedelta(days=5)
    )
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        with pytest.raises(HazardStepError, match="已签字归档"):
            services.hazard_register(
                actor=world.official_a,
                enterprise_id=world.ent_a.pk,
                inspection=inspection,
                data=data,
                fixed_on_spot=True,
                after_photos=[jpeg()],
            )
        with pytest.raises(HazardStepError, match="检查中发现"):
            services.hazard_register(
                actor=world.official_a,
                enterprise_id=world.ent_a.pk,
                data=data,
                fixed_on_spot=True,
                after_photos=[jpeg()],
            )
    assert not Hazard.objects.exists()


def test_the_pages_offer_it_only_to_the_inspector_and_say_why_not(
    client: Any, world: World, hazard_factory: Any
) -> None:
    colleague = make_user(Role.TOWNSHIP_OFFICIAL, node=world.town_a, username="colleague")
    inspection = open_inspection(world)
    hazard = hazard_factory(inspection=inspection)
    step = reverse("inspections:hazard_fix_on_spot", args=[hazard.pk])
    detail = reverse("inspections:hazard_detail", args=[hazard.pk])

    client.force_login(world.official_a)
    assert step in client.get(detail).content.decode()

    client.force_login(colleague)
    page = client.get(detail).content.decode()
    assert step not in page and "只有本次检查的检查人员可以确认当场整改" in page  # hidden, and why
    page = client.get(step).content.decode()
    assert "只有本次检查的检查人员可以确认当场整改" in page and 'name="after_photos"' not in page
    assert client.post(step, {"key": "k" * 32, "after_photos": [jpeg()]}).status_code == 403

    self_reported = _self_reported(world)
    client.force_login(world.official_a)
    page = client.get(reverse("inspections:hazard_fix_on_spot", args=[self_reported.pk])).content.decode()
    assert "企业自查发现的隐患须由企业提交整改方案" in page
    page = client.get(reverse("inspections:hazard_detail", args=[self_reported.pk])).content.decode()
    assert "企业自查发现的隐患须由企业提交整改方案" in page
    assert reverse("inspections:hazard_fix_on_spot", args=[self_reported.pk]) not in page
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.REGISTERED


def test_the_item_page_hides_the_checkbox_for_an_archived_inspection_of_another_day(client: Any, world: World) -> None:
    from inspections.models import ChecklistItem

    inspection = open_inspection(world)
    item = ChecklistItem.objects.filter(template__sector__isnull=True).order_by("pk").first()
    assert item is not None
    services.inspection_record_result(
        actor=world.official_a, inspection_id=inspection.pk, item_id=item.pk, result="fail"
    )
    path = reverse("inspections:inspection_item_hazard", args=[inspection.pk, item.pk])
    client.force_login(world.official_a)
    assert 'name="fixed_on_spot"' in client.get(path).content.decode()
    _lock(inspection, world.official_a)
    assert 'name="fixed_on_spot"' in client.get(path).content.decode()  # archived, but today
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        client.force_login(world.official_a)  # the session of yesterday has expired
        page = client.get(path).content.decode()
    assert 'name="fixed_on_spot"' not in page and "已签字归档" in page
