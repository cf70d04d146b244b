"""承诺不实: each rule, with the hazard before the pledge and after it, raised once, told once."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accountability.daily.flags import flags_scan
from accountability.daily.notices import run_daily_scan
from accountability.daily.services import pledge_flag_review
from accountability.errors import PledgeError
from accountability.models import PledgeFlag
from safetyops.core.audit import audit_events_for
from safetyops.notify.models import Reminder
from tests.accountability.daily_factories import hazard, publish
from tests.conftest import World

pytestmark = pytest.mark.django_db
Rule = PledgeFlag.Rule


def told(flag: PledgeFlag) -> list[int]:
    return sorted(
        Reminder.objects.filter(reason="daily_pledge_flag", target_id=str(flag.pk)).values_list(
            "recipient_id", flat=True
        )
    )


def _register(world: World, capture: Any, **kwargs: Any) -> Any:
    with capture(execute=True):
        return hazard(world, **kwargs)


def _publish(world: World, capture: Any, **kwargs: Any) -> Any:
    with capture(execute=True):
        return publish(world, **kwargs)


CASES = [
    (Rule.HOT_WORK, {"description": "储罐区动火作业未办理动火作业票"}, {}),
    (Rule.HOT_WORK, {"description": "作业人员无证", "location": "二车间焊接作业点"}, {}),
    (Rule.CONFINED_SPACE, {"description": "进入受限空间作业前未检测氧含量"}, {}),
    (Rule.CONFINED_SPACE, {"description": "有限空间作业无监护人"}, {}),
    (Rule.MAJOR_HAZARD, {"description": "罐区可燃气体报警器失效", "level": "major"}, {}),
]


@pytest.mark.parametrize(("rule", "found", "pledged"), CASES)
def test_a_hazard_registered_after_the_pledge_raises_the_flag_at_once(
    world: World, django_capture_on_commit_callbacks: Any, rule: str, found: dict[str, Any], pledged: dict[str, Any]
) -> None:
    pledge = _publish(world, django_capture_on_commit_callbacks, **pledged)
    assert not PledgeFlag.objects.exists()
    found_hazard = _register(world, django_capture_on_commit_callbacks, **found)
    flag = PledgeFlag.objects.get()
    assert (flag.pledge, flag.rule, flag.hazard, flag.status) == (pledge, rule, found_hazard, PledgeFlag.Status.OPEN)
    assert told(flag) == [world.official_a.pk]
    assert [e.action for e in audit_events_for(flag)] == ["accountability.daily.flag_raised"]


@pytest.mark.parametrize(("rule", "found", "pledged"), CASES)
def test_a_hazard_registered_before_the_pledge_raises_the_flag_on_publishing(
    world: World, django_capture_on_commit_callbacks: Any, rule: str, found: dict[str, Any], pledged: dict[str, Any]
) -> None:
    found_hazard = _register(world, django_capture_on_commit_callbacks, **found)
    pledge = _publish(world, django_capture_on_commit_callbacks, **pledged)
    flag = PledgeFlag.objects.get()
    assert (flag.pledge, flag.rule, flag.hazard) == (pledge, rule, found_hazard)
    assert told(flag) == [world.official_a.pk]


def test_once_a_second_scan_and_a_second_signal_add_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from accountability.daily.flags import flags_raise_for_hazard

    _publish(world, django_capture_on_commit_callbacks)
    found = _register(world, django_capture_on_commit_callbacks, description="动火作业现场无灭火器")
    with django_capture_on_commit_callbacks(execute=True):
        assert flags_raise_for_hazard(hazard_id=found.pk, enterprise_id=world.ent_a.pk) == []
        assert flags_scan() == 0
        assert run_daily_scan()["flags"] == 0
    flag = PledgeFlag.objects.get()
    assert told(flag) == [world.official_a.pk]
    assert Reminder.objects.filter(reason="daily_pledge_flag").count() == 1


def test_the_scan_raises_what_the_signal_missed(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _publish(world, django_capture_on_commit_callbacks)
    hazard(world, description="受限空间作业未通风")  # its signal never runs: no commit in this test
    assert not PledgeFlag.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert flags_scan() == 1
    assert told(PledgeFlag.objects.get()) == [world.official_a.pk]


def test_what_the_pledge_declared_is_no_contradiction(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _publish(
        world,
        django_capture_on_commit_callbacks,
        operations={"hot_work_1": 1, "confined_space": 1},
        major_sources_controlled=False,
    )
    _register(world, django_capture_on_commit_callbacks, description="动火作业监护人离岗")
    _register(world, django_capture_on_commit_callbacks, description="受限空间作业未检测")
    _register(world, django_capture_on_commit_callbacks, description="罐区报警失效", level="major")
    _register(world, django_capture_on_commit_callbacks, description="配电箱门未关闭")
    assert flags_scan() == 0 and not PledgeFlag.objects.exists()


def test_another_enterprises_hazard_is_not_counted(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _publish(world, django_capture_on_commit_callbacks)
    _register(world, django_capture_on_commit_callbacks, description="动火作业无票", enterprise=world.ent_a2)
    assert not PledgeFlag.objects.exists()


def test_a_closed_major_hazard_does_not_contradict(world: World, django_capture_on_commit_callbacks: Any) -> None:
    found = _register(world, django_capture_on_commit_callbacks, description="罐区报警失效", level="major")
    type(found).objects.filter(pk=found.pk).tally_update(status="closed", closed_at=timezone.now())
    _publish(world, django_capture_on_commit_callbacks)
    assert not PledgeFlag.objects.exists()


def test_the_official_confirms_or_dismisses_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _publish(world, django_capture_on_commit_callbacks)
    _register(world, django_capture_on_commit_callbacks, description="动火作业无票")
    _register(world, django_capture_on_commit_callbacks, description="受限空间无监护")
    hot, confined = PledgeFlag.objects.order_by("rule")[1], PledgeFlag.objects.order_by("rule")[0]
    assert (hot.rule, confined.rule) == (Rule.HOT_WORK, Rule.CONFINED_SPACE)
    with pytest.raises(PledgeError, match="须填写理由"):
        pledge_flag_review(actor=world.official_a, flag_id=confined.pk, confirm=False, note=" ")
    pledge_flag_review(actor=world.official_a, flag_id=hot.pk, confirm=True)
    pledge_flag_review(actor=world.official_a, flag_id=confined.pk, confirm=False, note="系检查表描述，非当日作业")
    hot.refresh_from_db()
    confined.refresh_from_db()
    assert (hot.status, hot.reviewed_by) == (PledgeFlag.Status.CONFIRMED, world.official_a)
    assert (confined.status, confined.review_note) == (PledgeFlag.Status.DISMISSED, "系检查表描述，非当日作业")
    assert "accountability.daily.flag_confirmed" in [e.action for e in audit_events_for(hot)]
    with pytest.raises(PledgeError, match="不能再次核实"):
        pledge_flag_review(actor=world.official_a, flag_id=hot.pk, confirm=False, note="改判")
    with pytest.raises(PledgeError, match="不在您的管辖范围内"):
        pledge_flag_review(actor=world.official_b, flag_id=hot.pk, confirm=True)


def test_the_review_page(client: Any, world: World, django_capture_on_commit_callbacks: Any) -> None:
    from django.urls import reverse

    _publish(world, django_capture_on_commit_callbacks)
    _register(world, django_capture_on_commit_callbacks, description="动火作业无票")
    flag = PledgeFlag.objects.get()
    client.force_login(world.official_a)
    url = reverse("accountability:daily_flag", args=[flag.pk])
    response = client.post(url, {"decision": "dismiss", "note": ""})
    assert response.status_code == 400 and "排除承诺不实须填写理由" in response.content.decode()
    response = client.post(url, {"decision": "confirm", "note": "现场核实"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == PledgeFlag.Status.CONFIRMED
    board = client.get(reverse("accountability:daily_board")).content.decode()
    assert world.ent_a.name in board and "承诺不实" in board


def test_the_checklist_items_text_counts(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from datetime import timedelta

    from inspections import services as inspections
    from inspections.models import ChecklistItem, ChecklistTemplate

    item = ChecklistItem.objects.create(template=ChecklistTemplate.objects.first(), text="受限空间作业票证是否齐全")
    pledge = _publish(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        found = inspections.hazard_register(
            actor=world.official_a,
            enterprise_id=world.ent_a.pk,
            data=inspections.HazardInput(
                level="general",
                category="management",
                description="票证不全",
                deadline=timezone.localdate() + timedelta(days=5),
            ),
            checklist_item=item,
        )
    flag = PledgeFlag.objects.get()
    assert (flag.pledge, flag.rule, flag.hazard) == (pledge, Rule.CONFINED_SPACE, found)
