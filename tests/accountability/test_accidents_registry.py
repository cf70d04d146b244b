"""The registry's services: registration (第十二条), 迟报 (第九条), numbers, revisions (第十三条),
bad input, 结案 and races."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accountability.accidents import levels, services
from accountability.accidents.errors import AccidentError
from accountability.errors import NotPermitted
from accountability.models import Accident, AccidentCategory, AccidentFollowUp, AccidentLevel, AccidentRevision
from safetyops.core.models import AuditEvent
from tests.accountability.accident_factories import draft_fields, registered_accident
from tests.conftest import World
from tests.inspections.conftest import jpeg, pdf
from tests.races import at_once

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.mark.parametrize(("minutes", "late"), [(59, False), (60, False), (61, True)])
def test_late_report_at_59_60_61_minutes(world: World, minutes: int, late: bool) -> None:
    occurred = timezone.now() - datetime.timedelta(hours=5)
    accident = registered_accident(
        world, occurred_at=occurred, reported_at=occurred + datetime.timedelta(minutes=minutes)
    )
    assert accident.reported_late is late
    assert Accident.objects.get(pk=accident.pk).reported_late is late


def test_registration_requires_the_six_items(world: World) -> None:
    draft = services.accident_draft_save(
        actor=world.official_a, **draft_fields(world, scene="", other="  ", measures="")
    )
    with pytest.raises(AccidentError) as refused:
        services.accident_register(actor=world.official_a, accident=draft)
    message = refused.value.message
    assert "事故发生的时间、地点以及事故现场情况" in message and "已经采取的措施" in message
    assert "其他应当报告的情况" in message and "事故的简要经过" not in message
    draft.refresh_from_db()
    assert draft.status == Accident.Status.DRAFT and draft.registered_at is None
    assert not AccidentFollowUp.objects.filter(accident=draft).exists()


def test_registration_stores_level_number_and_four_follow_ups(world: World) -> None:
    accident = registered_accident(world, deaths=1, serious_injuries=2, direct_loss=Decimal("1200"))
    assert accident.level == AccidentLevel.LARGER
    year = timezone.localdate().year
    assert accident.number == f"SG-{year}-0001"
    assert accident.registered_by == world.official_a and accident.node == world.village_a
    assert set(accident.follow_ups.values_list("item", flat=True)) == set(AccidentFollowUp.Item.values)
    second = registered_accident(world)
    assert second.number == f"SG-{year}-0002"


def test_registering_twice_is_refused(world: World) -> None:
    accident = registered_accident(world)
    with pytest.raises(AccidentError, match="已登记"):
        services.accident_register(actor=world.official_a, accident=accident)


def test_leaders_and_supervisors_cannot_register(world: World) -> None:
    for user in (world.leader_a, world.supervisor_a, world.enterprise_a):
        with pytest.raises(NotPermitted):
            services.accident_draft_save(actor=user, **draft_fields(world))
    assert not Accident.objects.exists()


def test_another_townships_official_is_refused_by_the_services(world: World) -> None:
    accident = registered_accident(world)
    with pytest.raises(NotPermitted):
        services.accident_revise(actor=world.official_b, accident=accident, **_figures(accident, deaths=5))
    accident.refresh_from_db()
    assert accident.deaths == 1 and not AccidentRevision.objects.exists()


BAD = [
    ({"deaths": -1}, "死亡人数不能为负数"),
    ({"serious_injuries": -2}, "不能为负数"),
    ({"deaths": "abc"}, "必须是整数"),
    ({"direct_loss": "十万"}, "必须是数字"),
    ({"direct_loss": "-5"}, "不能为负数"),
    ({"direct_loss": "1.234"}, "最多保留两位小数"),
    ({"direct_loss": "1e20"}, "数额过大"),
    ({"direct_loss": "NaN"}, "必须是数字"),
]


@pytest.mark.parametrize(("override", "message"), BAD)
def test_bad_figures_are_refused_and_nothing_is_saved(world: World, override: dict[str, Any], message: str) -> None:
    with pytest.raises(AccidentError, match=message):
        services.accident_draft_save(actor=world.official_a, **draft_fields(world, **override))
    assert not Accident.objects.exists()


def test_bad_times_are_refused(world: World) -> None:
    now = timezone.now()
    cases = [
        (
            {"occurred_at": now - datetime.timedelta(hours=1), "reported_at": now - datetime.timedelta(hours=2)},
            "报告时间不能早于事故发生时间",
        ),
        (
            {"occurred_at": now + datetime.timedelta(hours=1), "reported_at": now + datetime.timedelta(hours=2)},
            "发生时间不能晚于当前时间",
        ),
        (
            {"occurred_at": now - datetime.timedelta(hours=1), "reported_at": now + datetime.timedelta(minutes=5)},
            "报告时间不能晚于当前时间",
        ),
    ]
    for override, message in cases:
        with pytest.raises(AccidentError, match=message):
            services.accident_draft_save(actor=world.official_a, **draft_fields(world, **override))
    assert not Accident.objects.exists()


def test_enterprise_or_node_outside_scope_is_refused(world: World) -> None:
    with pytest.raises(AccidentError, match="不在您的管辖范围内"):
        services.accident_draft_save(actor=world.official_a, **draft_fields(world, enterprise=world.ent_b))
    with pytest.raises(AccidentError, match="不在您的管辖范围内"):
        services.accident_draft_save(
            actor=world.official_a, **draft_fields(world, enterprise=None, node=world.town_b, place="西山路口")
        )
    assert not Accident.objects.exists()
    accident = services.accident_draft_save(
        actor=world.official_a, **draft_fields(world, enterprise=None, node=world.village_a, place="东村桥头")
    )
    assert accident.node == world.village_a and accident.enterprise is None


# Revisions (第十三条) ------------------------------------------------------------------------------


def _figures(accident: Accident, **changes: Any) -> dict[str, Any]:
    values = {
        "deaths": accident.deaths,
        "serious_injuries": accident.serious_injuries,
        "minor_injuries": accident.minor_injuries,
        "missing": accident.missing,
        "direct_loss": accident.direct_loss,
    }
    values.update(changes)
    return values


def _register_at(world: World, when: datetime.datetime, **overrides: Any) -> Accident:
    with time_machine.travel(when + datetime.timedelta(hours=2), tick=False):
        return registered_accident(
            world, occurred_at=when, reported_at=when + datetime.timedelta(minutes=20), **overrides
        )


def test_revision_within_30_days_regrades_the_accident(world: World) -> None:
    occurred = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
    accident = _register_at(world, occurred, deaths=2)
    assert accident.level == AccidentLevel.GENERAL
    with time_machine.travel(occurred + datetime.timedelta(days=30), tick=False):
        revision = services.accident_revise(actor=world.official_a, accident=accident, **_figures(accident, deaths=3))
    accident.refresh_from_db()
    assert accident.deaths == 3 and accident.level == AccidentLevel.LARGER
    assert revision.within_window is True and revision.reason == ""
    assert revision.before["deaths"] == 2 and revision.after["deaths"] == 3
    assert (revision.level_before, revision.level_after) == (AccidentLevel.GENERAL, AccidentLevel.LARGER)
    event = AuditEvent.objects.get(action="accountability.accident.revised", target_id=str(accident.pk))
    assert event.data["level_after"] == AccidentLevel.LARGER


def test_revision_after_30_days_needs_a_reason_and_is_audited(world: World) -> None:
    occurred = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
    accident = _register_at(world, occurred, deaths=1)
    late = occurred + datetime.timedelta(days=30, minutes=1)
    with time_machine.travel(late, tick=False):
        with pytest.raises(AccidentError, match="已超过第十三条规定的补报期限（30日），请填写补报原因"):
            services.accident_revise(actor=world.official_a, accident=accident, **_figures(accident, deaths=2))
        assert not AccidentRevision.objects.exists()
        revision = services.accident_revise(
            actor=world.official_a, accident=accident, reason="伤者经抢救无效死亡", **_figures(accident, deaths=2)
        )
    assert revision.within_window is False and revision.reason == "伤者经抢救无效死亡"
    event = AuditEvent.objects.get(action="accountability.accident.revised", target_id=str(accident.pk))
    assert event.data["within_window"] is False and event.data["reason"] == "伤者经抢救无效死亡"


@pytest.mark.parametrize("category", [AccidentCategory.ROAD, AccidentCategory.FIRE])
def test_road_and_fire_have_a_7_day_window(world: World, category: str) -> None:
    occurred = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
    accident = _register_at(world, occurred, deaths=1, category=category, enterprise=None, node=world.town_a)
    with time_machine.travel(occurred + datetime.timedelta(days=7), tick=False):
        first = services.accident_revise(
            actor=world.official_a, accident=accident, **_figures(accident, minor_injuries=2)
        )
    assert first.within_window is True
    accident.refresh_from_db()
    with time_machine.travel(occurred + datetime.timedelta(days=7, seconds=1), tick=False):
        with pytest.raises(AccidentError, match="（7日）"):
            services.accident_revise(actor=world.official_a, accident=accident, **_figures(accident, deaths=3))
        second = services.accident_revise(
            actor=world.official_a, accident=accident, reason="医院补报", **_figures(accident, deaths=3)
        )
    assert second.within_window is False and second.number == 2
    accident.refresh_from_db()
    assert accident.level == AccidentLevel.LARGER


def test_a_revision_without_change_is_refused(world: World) -> None:
    accident = registered_accident(world)
    with pytest.raises(AccidentError, match="没有变化"):
        services.accident_revise(actor=world.official_a, accident=accident, **_figures(accident, direct_loss="50"))
    with pytest.raises(AccidentError, match="不能为负数"):
        services.accident_revise(actor=world.official_a, accident=accident, **_figures(accident, deaths=-1))
    assert not AccidentRevision.objects.exists()


# Investigation, 四不放过 and 结案 ---------------------------------------------------------------------


def _replied(world: World) -> Accident:
    admin = world.county_admin
    accident = registered_accident(world)
    today = timezone.localdate()
    services.accident_investigation_start(actor=admin, accident=accident, group="县政府事故调查组", started_on=today)
    services.accident_report_submit(actor=admin, accident=accident, report=pdf(), submitted_on=today)
    return services.accident_reply(actor=admin, accident=accident, replied_on=today, reference="安政复〔2026〕1号")


def test_reply_due_is_15_days_after_the_report(world: World) -> None:
    admin = world.county_admin
    accident = registered_accident(world)
    today = timezone.localdate()
    with pytest.raises(AccidentError, match="调查组成立后"):
        services.accident_report_submit(actor=admin, accident=accident, report=pdf(), submitted_on=today)
    services.accident_investigation_start(actor=admin, accident=accident, group="调查组", started_on=today)
    with pytest.raises(AccidentError, match="PDF"):
        services.accident_report_submit(actor=admin, accident=accident, report=jpeg(), submitted_on=today)
    accident = services.accident_report_submit(actor=admin, accident=accident, report=pdf(), submitted_on=today)
    assert accident.reply_due_on == today + datetime.timedelta(days=15)
    assert accident.attachments.count() == 1


def test_a_regrade_to_especially_major_moves_the_reply_due_to_30_days(world: World) -> None:
    """第三十二条: 15 days, 30 for 特别重大. A revision that re-grades the accident after its report
    is in moves the deadline both ways, until the reply is recorded."""
    admin = world.county_admin
    accident = registered_accident(world, deaths=12)
    today = timezone.localdate()
    services.accident_investigation_start(actor=admin, accident=accident, group="省政府事故调查组", started_on=today)
    accident = services.accident_report_submit(actor=admin, accident=accident, report=pdf(), submitted_on=today)
    assert accident.level == AccidentLevel.MAJOR and accident.reply_due_on == today + datetime.timedelta(days=15)
    services.accident_revise(actor=world.official_a, accident=accident, reason="补报", **_figures(accident, deaths=30))
    accident.refresh_from_db()
    assert accident.level == AccidentLevel.ESPECIALLY_MAJOR
    assert accident.reply_due_on == today + datetime.timedelta(days=30)
    event = AuditEvent.objects.filter(action="accountability.accident.revised", target_id=str(accident.pk)).get()
    assert event.data["reply_due_on"] == [str(today + datetime.timedelta(days=15)), str(accident.reply_due_on)]
    services.accident_revise(actor=world.official_a, accident=accident, reason="核减", **_figures(accident, deaths=29))
    accident.refresh_from_db()
    assert accident.level == AccidentLevel.MAJOR and accident.reply_due_on == today + datetime.timedelta(days=15)


def test_township_officials_cannot_manage(world: World) -> None:
    accident = registered_accident(world)
    with pytest.raises(NotPermitted):
        services.accident_investigation_start(
            actor=world.official_a, accident=accident, group="x", started_on=timezone.localdate()
        )
    with pytest.raises(NotPermitted):
        services.accident_mark_misreport(actor=world.official_a, accident=accident, kind="concealed", reason="x")


def test_close_needs_all_four_follow_ups(world: World) -> None:
    accident = _replied(world)
    admin = world.county_admin
    items = list(accident.follow_ups.order_by("pk"))
    for item in items[:2]:
        services.accident_follow_up_done(actor=admin, follow_up=item, note="已落实", files=[jpeg()])
    with pytest.raises(AccidentError) as refused:
        services.accident_close(actor=admin, accident=accident)
    assert refused.value.message.startswith("四不放过事项尚未全部落实：")
    assert str(items[2].get_item_display()) in refused.value.message
    accident.refresh_from_db()
    assert accident.status == Accident.Status.REPLIED
    with pytest.raises(AccidentError, match="至少一份佐证材料"):
        services.accident_follow_up_done(actor=admin, follow_up=items[2], note="已落实", files=[])
    with pytest.raises(AccidentError, match="请填写落实情况"):
        services.accident_follow_up_done(actor=admin, follow_up=items[2], note=" ", files=[pdf()])
    for item in items[2:]:
        services.accident_follow_up_done(actor=admin, follow_up=item, note="已落实", files=[pdf()])
    closed = services.accident_close(actor=admin, accident=accident)
    assert closed.status == Accident.Status.CLOSED and closed.closed_by == admin


def test_close_before_the_reply_is_refused(world: World) -> None:
    accident = registered_accident(world)
    with pytest.raises(AccidentError, match="政府批复记录后才能结案"):
        services.accident_close(actor=world.county_admin, accident=accident)


def test_responsibility_in_scope_and_removal_before_closure(world: World) -> None:
    accident = registered_accident(world)
    admin = world.county_admin
    row = services.accident_responsibility_add(
        actor=admin, accident=accident, unit=world.town_a, finding="属地管理责任"
    )
    services.accident_responsibility_add(actor=admin, accident=accident, unit=world.ent_a, finding="主体责任")
    with pytest.raises(AccidentError, match="已认定"):
        services.accident_responsibility_add(actor=admin, accident=accident, unit=world.town_a, finding="重复")
    services.accident_responsibility_remove(actor=admin, responsibility=row)
    assert list(accident.responsibilities.values_list("enterprise_id", flat=True)) == [world.ent_a.pk]


def test_misreport_mark_and_clear_need_a_reason(world: World) -> None:
    accident = registered_accident(world)
    admin = world.county_admin
    with pytest.raises(AccidentError, match="请填写认定理由"):
        services.accident_mark_misreport(actor=admin, accident=accident, kind="concealed", reason="")
    services.accident_mark_misreport(actor=admin, accident=accident, kind="concealed", reason="少报死亡1人")
    accident.refresh_from_db()
    assert accident.misreport == "concealed" and accident.misreport_reason == "少报死亡1人"
    with pytest.raises(AccidentError, match="撤销认定的理由"):
        services.accident_mark_misreport(actor=admin, accident=accident, kind="", reason="")
    services.accident_mark_misreport(actor=admin, accident=accident, kind="", reason="复核不属实")
    accident.refresh_from_db()
    assert accident.misreport == ""
    assert AuditEvent.objects.filter(action="accountability.accident.misreport_cleared").count() == 1


def test_forward_goes_to_the_next_level_up(world: World) -> None:
    """第十条: 逐级上报 — a 较大 accident ends at the province, but the county passes it to the 设区的市."""
    accident = registered_accident(world, direct_loss=Decimal("1000"))
    forwarded = services.accident_forward(actor=world.county_admin, accident=accident, forwarded_at=timezone.now())
    assert forwarded.forwarded_to.startswith("设区的市级")
    assert str(levels.FORWARD_TO[forwarded.level]).startswith("省级")
    with pytest.raises(AccidentError, match="不能重复上报"):
        services.accident_forward(actor=world.county_admin, accident=accident, forwarded_at=timezone.now())


# Races -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(world: World) -> None:
    first = services.accident_draft_save(actor=world.official_a, **draft_fields(world))
    second = services.accident_draft_save(actor=world.official_a, **draft_fields(world))
    results = at_once(
        lambda: services.accident_register(actor=world.official_a, accident=first),
        lambda: services.accident_register(actor=world.county_admin, accident=second),
    )
    assert all(isinstance(r, Accident) for r in results), results
    year = timezone.localdate().year
    assert sorted(Accident.objects.values_list("number", flat=True)) == [f"SG-{year}-0001", f"SG-{year}-0002"]


@pytest.mark.django_db(transaction=True)
def test_the_same_draft_registered_twiceat_once(world: World) -> None:
    draft = services.accident_draft_save(actor=world.official_a, **draft_fields(world))
    results = at_once(
        lambda: services.accident_register(actor=world.official_a, accident=draft),
        lambda: services.accident_register(actor=world.county_admin, accident=draft),
    )
    assert sum(isinstance(r, Accident) for r in results) == 1
    assert sum(isinstance(r, AccidentError) for r in results) == 1
    assert AccidentFollowUp.objects.filter(accident=draft).count() == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_closures(world: World) -> None:
    accident = _replied(world)
    for item in accident.follow_ups.all():
        services.accident_follow_up_done(actor=world.county_admin, follow_up=item, note="已落实", files=[pdf()])
    results = at_once(
        lambda: services.accident_close(actor=world.county_admin, accident=accident),
        lambda: services.accident_close(actor=world.county_admin, accident=accident),
    )
    assert sum(isinstance(r, Accident) for r in results) == 1
    assert AuditEvent.objects.filter(action="accountability.accident.closed").count() == 1


def test_an_accident_on_31_december_2330_beijing_is_numbered_in_that_year(world: World) -> None:
    occurred = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI)
    with time_machine.travel(datetime.datetime(2026, 1, 1, 1, 0, tzinfo=SHANGHAI), tick=False):
        accident = registered_accident(
            world, occurred_at=occurred, reported_at=occurred + datetime.timedelta(minutes=40)
        )
        now = timezone.now()
        following = registered_accident(
            world, occurred_at=now - datetime.timedelta(minutes=30), reported_at=now - datetime.timedelta(minutes=20)
        )
    assert accident.number == "SG-2025-0001" and following.number == "SG-2026-0001"


def test_bad_dates_of_the_county_steps_change_nothing(world: World) -> None:
    admin = world.county_admin
    accident = registered_accident(world)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(AccidentError, match="上报时间不能早于接到事故报告的时间"):
        services.accident_forward(
            actor=admin, accident=accident, forwarded_at=accident.reported_at - datetime.timedelta(minutes=1)
        )
    with pytest.raises(AccidentError, match="调查组成立日期不能晚于今天"):
        services.accident_investigation_start(actor=admin, accident=accident, group="组", started_on=tomorrow)
    with pytest.raises(AccidentError, match="请填写事故调查组"):
        services.accident_investigation_start(
            actor=admin, accident=accident, group=" ", started_on=timezone.localdate()
        )
    from safetyops.orgs.models import Node
    from tests.orgs.factories import NodeFactory

    elsewhere = NodeFactory(code="330002", name="邻县", level=Node.Level.COUNTY, kind=Node.Kind.COUNTY)
    with pytest.raises(AccidentError, match="所选责任单位不在您的管辖范围内"):
        services.accident_responsibility_add(actor=admin, accident=accident, unit=elsewhere, finding="x")
    accident.refresh_from_db()
    assert accident.forwarded_at is None and accident.status == Accident.Status.REGISTERED
    assert not accident.responsibilities.exists()
