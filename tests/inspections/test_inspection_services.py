"""Inspection services: start, answer, submit, sign (谁检查谁签字), addenda, and a failed item as a hazard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import (
    ChecklistItem,
    ChecklistResult,
    ChecklistTemplate,
    Hazard,
    Inspection,
    InspectionAddendum,
)
from inspections.selectors import checklist_items_for
from safetyops.evidence.models import Attachment
from safetyops.orgs.models import Role, Sector, User
from tests.conftest import World
from tests.inspections.conftest import jpeg
from tests.orgs.factories import EnterpriseFactory, make_user


@dataclass
class Checklists:
    everyone: ChecklistTemplate  # sector NULL: 2 items
    chem: ChecklistTemplate  # 危险化学品: 15 items, the first 3 suggest 重大
    build: ChecklistTemplate  # 建筑施工: 2 items

    def item(self, template: str = "chem", n: int = 0) -> ChecklistItem:
        return list(getattr(self, template).items.order_by("order"))[n]


@pytest.fixture
def checklists(world: World) -> Checklists:
    """Templates of our own; the ones the data migration loaded are switched off for these tests."""
    ChecklistTemplate.objects.update(is_active=False)
    everyone = ChecklistTemplate.objects.create(name="通用检查", sort_order=1)
    chem = ChecklistTemplate.objects.create(name="危化品检查", sector=world.sector_chem, sort_order=2)
    build = ChecklistTemplate.objects.create(name="建筑施工检查", sector=world.sector_build, sort_order=3)
    for n in range(1, 3):
        ChecklistItem.objects.create(template=everyone, order=n, clause=f"通用第{n}条", text=f"通用检查内容{n}")
        ChecklistItem.objects.create(template=build, order=n, clause=f"建筑第{n}条", text=f"建筑检查内容{n}")
    for n in range(1, 16):
        ChecklistItem.objects.create(
            template=chem, order=n, clause=f"危化第{n}条", text=f"危化检查内容{n}", suggests_major=n <= 3
        )
    return Checklists(everyone=everyone, chem=chem, build=build)


@pytest.fixture
def colleague(world: World) -> User:
    """A second official of town A: may inspect ent_a, but is not listed unless chosen."""
    return make_user(Role.TOWNSHIP_OFFICIAL, node=world.town_a, username="official_a2", full_name="李明")


def start(world: World, *, co: list[User] | None = None, actor: User | None = None, **kwargs: Any) -> Inspection:
    return services.inspection_create(
        actor=actor or world.official_a,
        enterprise_id=kwargs.pop("enterprise", world.ent_a).pk,
        kind=kwargs.pop("kind", Inspection.Kind.ROUTINE),
        inspectors=co or [],
        **kwargs,
    )


def answer(inspection: Inspection, item: ChecklistItem, result: str = "pass", actor: Any = None, **kwargs: Any) -> Any:
    actor = actor or inspection.created_by
    return services.inspection_record_result(
        actor=actor, inspection_id=inspection.pk, item_id=item.pk, result=result, **kwargs
    )


def hazard_input(level: str = "general", **overrides: Any) -> services.HazardInput:
    data: dict[str, Any] = {
        "level": level,
        "category": "thing",
        "description": "储罐区防火堤破损",
        "deadline": timezone.localdate() + timedelta(days=15),
    }
    data.update(overrides)
    return services.HazardInput(**data)


def submit(inspection: Inspection, actor: Any = None) -> Inspection:
    return services.inspection_submit_for_signing(
        actor=actor or inspection.created_by,
        inspection_id=inspection.pk,
        findings="检查了储罐区",
        conclusion="发现问题1处",
    )


def sign(inspection: Inspection, user: User) -> Inspection:
    return services.inspection_sign(
        actor=user, inspection_id=inspection.pk, typed_name=user.full_name, confirmed=True, ip="10.0.0.8"
    )


# Checklist selection --------------------------------------------------------------------------


def test_checklist_is_every_enterprise_plus_own_sectors(world: World, checklists: Checklists) -> None:
    items = list(checklist_items_for(enterprise=world.ent_a))
    assert [i.template.name for i in items] == ["通用检查"] * 2 + ["危化品检查"] * 15
    assert [i.order for i in items[2:5]] == [1, 2, 3]


def test_checklist_includes_ancestor_sector_and_skips_inactive(world: World, checklists: Checklists) -> None:
    parent, child = Sector.objects.get(code="industry-trade"), Sector.objects.get(code="machinery")
    gongmao = ChecklistTemplate.objects.create(name="工贸通用", sector=parent, sort_order=0)
    ChecklistItem.objects.create(template=gongmao, order=1, clause="第三条", text="承包商未统一协调管理")
    factory = EnterpriseFactory(node=world.town_a, sectors=[child])
    checklists.everyone.is_active = False
    checklists.everyone.save()
    assert [i.template.name for i in checklist_items_for(enterprise=factory)] == ["工贸通用"]


# Starting an inspection -----------------------------------------------------------------------


def test_create_lists_the_actor_and_co_inspectors(world: World, colleague: User) -> None:
    inspection = start(world, co=[colleague], kind=Inspection.Kind.UNANNOUNCED)
    assert inspection.status == Inspection.Status.DRAFT
    assert inspection.get_kind_display() == "四不两直"
    assert set(inspection.inspectors.all()) == {world.official_a, colleague}
    assert inspection.signatures.filter(signature__isnull=True).count() == 2


def test_create_rejects_a_co_inspector_without_the_right(world: World) -> None:
    with pytest.raises(services.HazardStepError, match="不是检查人员"):
        start(world, co=[world.leader_a])
    assert not Inspection.objects.exists()


def test_create_rejects_a_co_inspector_who_cannot_see_the_enterprise(world: World) -> None:
    # The 建筑施工 supervisor of town A cannot see the chemical plant, so could never sign.
    with pytest.raises(services.HazardStepError, match="不负责该企业"):
        start(world, co=[world.supervisor_a])
    assert not Inspection.objects.exists()


def test_create_outside_scope_or_without_right(world: World) -> None:
    with pytest.raises(services.HazardStepError, match="不在您的管辖范围"):
        start(world, actor=world.official_b)
    with pytest.raises(services.NotPermitted):
        start(world, actor=world.leader_a)
    with pytest.raises(services.NotPermitted):
        start(world, actor=world.enterprise_a)
    assert not Inspection.objects.exists()


# Answering ------------------------------------------------------------------------------------


def test_record_and_overwrite_results_while_draft(world: World, checklists: Checklists) -> None:
    inspection = start(world)
    item = checklists.item()
    answer(inspection, item, "pass")
    answer(inspection, item, "fail", note="  防火堤有裂缝  ", photos=[jpeg()])
    result = ChecklistResult.objects.get(inspection=inspection, item=item)
    assert (result.result, result.note, result.answered_by) == ("fail", "防火堤有裂缝", world.official_a)
    photo = Attachment.objects.get(checklist_result=result)
    assert photo.owner.inspection == inspection and photo.enterprise == world.ent_a and photo.kind == "image"


def test_co_inspector_answers_too(world: World, checklists: Checklists, colleague: User) -> None:
    inspection = start(world, co=[colleague])
    answer(inspection, checklists.item(), "na", actor=colleague)
    assert ChecklistResult.objects.get(inspection=inspection).answered_by == colleague


def test_item_of_another_sector_cannot_be_answered(world: World, checklists: Checklists) -> None:
    inspection = start(world)
    with pytest.raises(services.HazardStepError, match="不属于本次检查"):
        answer(inspection, checklists.item("build"))
    with pytest.raises(services.HazardStepError, match="请选择检查结果"):
        answer(inspection, checklists.item(), "maybe")
    assert not ChecklistResult.objects.exists()


def test_cannot_answer_after_submit(world: World, checklists: Checklists) -> None:
    inspection = start(world)
    answer(inspection, checklists.item(), "pass")
    submit(inspection)
    with pytest.raises(services.HazardStepError, match="已提交签字"):
        answer(inspection, checklists.item(), "fail")
    assert ChecklistResult.objects.get(inspection=inspection).result == "pass"


@pytest.mark.parametrize("who", ["colleague", "county_admin", "enterprise_a", "leader_a"])
def test_only_listed_inspectors_answer(world: World, checklists: Checklists, colleague: User, who: str) -> None:
    inspection = start(world)
    user = colleague if who == "colleague" else world.users()[who]
    with pytest.raises(services.NotPermitted):
        answer(inspection, checklists.item(), actor=user)
    assert not ChecklistResult.objects.exists()


def test_outsider_cannot_answer(world: World, checklists: Checklists) -> None:
    inspection = start(world)
    with pytest.raises(services.HazardStepError, match="不在您的管辖范围"):
        answer(inspection, checklists.item(), actor=world.official_b)


# Submit and sign ------------------------------------------------------------------------------


def test_submit_needs_a_conclusion(world: World) -> None:
    inspection = start(world)
    with pytest.raises(services.HazardStepError, match="检查结论"):
        services.inspection_submit_for_signing(
            actor=world.official_a, inspection_id=inspection.pk, findings="", conclusion="  "
        )
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DRAFT


def test_sign_requires_the_exact_name(world: World) -> None:
    inspection = start(world)
    submit(inspection)
    for typed in ["王", world.official_a.username, world.official_a.full_name + "x"]:
        with pytest.raises(services.HazardStepError, match="签名须与您的姓名"):
            services.inspection_sign(
                actor=world.official_a, inspection_id=inspection.pk, typed_name=typed, confirmed=True
            )
    assert not inspection.signatures.filter(signature__isnull=False).exists()


def test_cannot_sign_a_draft(world: World) -> None:
    inspection = start(world)
    with pytest.raises(services.HazardStepError, match="尚未提交签字"):
        sign(inspection, world.official_a)


def test_last_signature_locks_the_record(world: World, colleague: User) -> None:
    inspection = start(world, co=[colleague])
    submit(inspection)
    assert sign(inspection, world.official_a).status == Inspection.Status.SIGNING
    with pytest.raises(services.HazardStepError, match="您已签字"):
        sign(inspection, world.official_a)
    locked = sign(inspection, colleague)
    assert locked.status == Inspection.Status.LOCKED and locked.locked_at is not None
    mine = inspection.signatures.get(inspector=colleague)
    assert (mine.signed_name, mine.signed_ip) == ("李明", "10.0.0.8") and mine.signed_at is not None
    with pytest.raises(services.HazardStepError):
        submit(inspection)


def test_only_listed_inspectors_sign(world: World, colleague: User) -> None:
    inspection = start(world)
    submit(inspection)
    with pytest.raises(services.NotPermitted):
        sign(inspection, colleague)
    with pytest.raises(services.NotPermitted):
        sign(inspection, world.enterprise_a)
    with pytest.raises(services.NotPermitted):
        submit(inspection, actor=colleague)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.SIGNING


def test_addendum_only_after_lock(world: World, colleague: User) -> None:
    inspection = start(world)

    def add(actor: User = world.official_a) -> InspectionAddendum:
        return services.inspection_add_addendum(actor=actor, inspection_id=inspection.pk, text="补充：复核了台账")

    with pytest.raises(services.HazardStepError, match="归档前"):
        add()
    submit(inspection)
    with pytest.raises(services.HazardStepError, match="归档前"):
        add()
    sign(inspection, world.official_a)
    addendum = add()
    assert addendum.author == world.official_a and addendum.inspection == inspection
    with pytest.raises(services.NotPermitted):
        add(colleague)
    assert InspectionAddendum.objects.count() == 1


# A failed item becomes a hazard ---------------------------------------------------------------


def test_failed_item_becomes_a_linked_hazard(world: World, checklists: Checklists) -> None:
    inspection = start(world)
    major_item, general_item = checklists.item(n=0), checklists.item(n=5)
    for item in (major_item, general_item):
        answer(inspection, item, "fail")
    major = services.hazard_from_failed_item(
        actor=world.official_a, inspection_id=inspection.pk, item_id=major_item.pk, data=hazard_input("major")
    )
    general = services.hazard_from_failed_item(
        actor=world.official_a, inspection_id=inspection.pk, item_id=general_item.pk, data=hazard_input()
    )
    assert (major.inspection, major.checklist_item, major.level) == (inspection, major_item, "major")
    assert (general.checklist_item, general.level) == (general_item, "general")
    assert major.source == Hazard.Source.INSPECTION and major.enterprise == world.ent_a
    assert major.number.startswith(f"YH-{timezone.localdate().year}-{world.town_a.code}-")


def _stored_files(settings: Any) -> list[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_item_photos_become_the_hazard_before_photos(world: World, checklists: Checklists, settings: Any) -> None:
    inspection = start(world)
    item = checklists.item(n=6)
    answer(
        inspection, item, "fail", note="防火堤东侧破损约1米", photos=[jpeg("east.jpg"), jpeg("west.jpg", colour="blue")]
    )
    item_photos = list(Attachment.objects.filter(checklist_result__item=item).order_by("pk"))
    files = _stored_files(settings)
    key = "p" * 32
    hazard = services.hazard_from_failed_item(
        actor=world.official_a,
        inspection_id=inspection.pk,
        item_id=item.pk,
        data=hazard_input(description="防火堤东侧破损约1米"),
        photos=[jpeg("more.jpg", colour="green")],
        key=key,
    )
    registered = hazard.events.get(action="registered")
    before = list(registered.attachments.order_by("pk"))
    assert [a.role for a in before] == ["before"] * 3
    carried = [a for a in before if a.original_name != "more.jpg"]
    # New rows of the hazard pointing at the item's stored files: no file copied, the item keeps its own.
    assert [(a.file.name, a.thumbnail.name, a.sha256) for a in carried] == [
        (p.file.name, p.thumbnail.name, p.sha256) for p in item_photos
    ]
    assert all(a.owner == hazard and a.step == registered for a in carried)  # not the item's any more
    assert len(_stored_files(settings)) == len(files) + 2  # only the new photo (and its thumbnail)
    assert list(Attachment.objects.filter(checklist_result__item=item).order_by("pk")) == item_photos
    assert all(
        isinstance(p.owner, ChecklistResult) for p in Attachment.objects.filter(pk__in=[p.pk for p in item_photos])
    )
    # A retried post carries nothing twice.
    services.hazard_from_failed_item(
        actor=world.official_a, inspection_id=inspection.pk, item_id=item.pk, data=hazard_input(), key=key
    )
    assert Attachment.objects.filter(hazard=hazard).count() == 3


def test_failed_item_fixed_on_spot(world: World, checklists: Checklists) -> None:
    inspection = start(world)
    answer(inspection, checklists.item(n=6), "fail")
    hazard = services.hazard_from_failed_item(
        actor=world.official_a,
        inspection_id=inspection.pk,
        item_id=checklists.item(n=6).pk,
        data=hazard_input(),
        fixed_on_spot=True,
        after_photos=[jpeg("after.jpg")],
    )
    assert hazard.status == Hazard.Status.CLOSED and hazard.fixed_on_spot


@pytest.mark.parametrize("result", ["pass", "na", None])
def test_only_a_failed_item_becomes_a_hazard(world: World, checklists: Checklists, result: str | None) -> None:
    inspection = start(world)
    if result:
        answer(inspection, checklists.item(), result)
    with pytest.raises(services.HazardStepError, match="不符合"):
        services.hazard_from_failed_item(
            actor=world.official_a, inspection_id=inspection.pk, item_id=checklists.item().pk, data=hazard_input()
        )
    assert not Hazard.objects.exists()


def test_hazard_from_item_is_idempotent_and_once_per_item(world: World, checklists: Checklists) -> None:
    inspection = start(world)
    item = checklists.item(n=4)
    answer(inspection, item, "fail")

    def register(key: str) -> Hazard:
        return services.hazard_from_failed_item(
            actor=world.official_a, inspection_id=inspection.pk, item_id=item.pk, data=hazard_input(), key=key
        )

    first = register("k-1")
    assert register("k-1") == first
    with pytest.raises(services.HazardStepError, match=first.number):
        register("k-2")
    assert Hazard.objects.count() == 1


def test_only_inspectors_turn_items_into_hazards(world: World, checklists: Checklists, colleague: User) -> None:
    inspection = start(world)
    answer(inspection, checklists.item(), "fail")
    for user in (colleague, world.enterprise_a, world.county_admin):
        with pytest.raises(services.NotPermitted):
            services.hazard_from_failed_item(
                actor=user, inspection_id=inspection.pk, item_id=checklists.item().pk, data=hazard_input()
            )
    with pytest.raises(services.HazardStepError):
        services.hazard_from_failed_item(
            actor=world.official_b, inspection_id=inspection.pk, item_id=checklists.item().pk, data=hazard_input()
        )
    assert not Hazard.objects.exists()


# The date window (issue 14 item 6) ------------------------------------------------------------


def test_inspection_date_window(world: World, settings: Any) -> None:
    """Not in the future, not before the enterprise was registered, more than
    INSPECTION_BACKDATE_DAYS back only with a reason, which the record keeps."""
    settings.INSPECTION_BACKDATE_DAYS = 30
    now = timezone.now()
    fresh = EnterpriseFactory(node=world.town_a, registered=now - timedelta(days=3))
    refused = [
        (dict(inspected_at=now + timedelta(hours=2)), "不能晚于现在"),
        (dict(enterprise=fresh, inspected_at=now - timedelta(days=5)), "不能早于该企业在系统中登记的时间"),
        (dict(inspected_at=now - timedelta(days=31)), "请填写补录原因"),
        (dict(inspected_at=now - timedelta(days=400), backdate_reason="   "), "请填写补录原因"),
    ]
    for kwargs, message in refused:
        with pytest.raises(services.HazardStepError, match=message):
            start(world, **kwargs)
    assert not Inspection.objects.exists()
    recent = start(world, inspected_at=now - timedelta(days=29), backdate_reason="不需要")
    late = start(world, inspected_at=now - timedelta(days=45), backdate_reason=" 纸质记录补录 ")
    same_day = start(world, enterprise=fresh, inspected_at=now - timedelta(days=2))
    assert (recent.backdate_reason, late.backdate_reason, same_day.backdate_reason) == ("", "纸质记录补录", "")
