"""约谈/督办 services: reasons chosen from the records (and only inside the issuer's part), the
lifecycle planned → held → reported → closed / cancelled, and bad input refused in Chinese with
nothing changed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.errors import NotPermitted
from accountability.models import Summons, SummonsCommitment, SummonsReason
from accountability.summons import selectors, services
from accountability.summons.errors import SummonsError
from safetyops.core.audit import audit_events_for
from safetyops.orgs.units import unit_fields
from tests.accountability.accident_factories import accident_row
from tests.accountability.daily_factories import hazard
from tests.accountability.summons_factories import summons_of, supervised_hazard
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _create(world: World, **overrides: Any) -> Summons:
    values: dict[str, Any] = {
        "actor": world.county_admin,
        "unit": world.ent_a,
        "kind": Summons.Kind.SUPERVISION,
        "held_on": timezone.localdate(),
        "place": "县应急管理局",
        "summoned_by": "王军",
        "attendees": "张强",
        "reasons": [],
    }
    values.update(overrides)
    return services.summons_create(**values)


def test_the_options_are_the_units_records_inside_the_issuers_part(world: World) -> None:
    listed = supervised_hazard(world, listed=True, description="重大隐患：储罐区未设防火堤")
    overdue = hazard(world, description="消防通道堵塞")
    from inspections.models import Hazard

    Hazard.objects.filter(pk=overdue.pk).tally_update(deadline=timezone.localdate() - timedelta(days=4))
    hazard(world, description="未到期的一般隐患")  # neither overdue nor at 督办: not offered
    other_town = supervised_hazard(world, enterprise=world.ent_b, description="西山镇的督办隐患")
    accident = accident_row(world.village_a, timezone.now() - timedelta(days=10), deaths=1, title="东城化工中毒事故")
    accident_row(world.town_b, timezone.now() - timedelta(days=10), deaths=1, title="西山镇事故")

    from campaigns.models import ReportTask, UnitReport
    from tests.campaigns.factories import county_campaign

    task = ReportTask.objects.create(
        campaign=county_campaign(world),
        title="第一周报表",
        period_start=timezone.localdate() - timedelta(days=10),
        period_end=timezone.localdate() - timedelta(days=4),
        deadline=timezone.localdate() - timedelta(days=2),
    )
    late = UnitReport.objects.create(task=task, **unit_fields(world.town_a))

    options = {(o.record, o.pk): o for o in selectors.reason_options(world.county_admin, world.town_a)}
    assert set(options) == {
        ("hazard", listed.pk),
        ("hazard", overdue.pk),
        ("accident", accident.pk),
        ("unit_report", late.pk),
    }
    assert options[("hazard", listed.pk)].kind == SummonsReason.Kind.HAZARD_LISTED
    assert options[("hazard", overdue.pk)].kind == SummonsReason.Kind.HAZARD_OVERDUE
    assert "逾期4天" in options[("hazard", overdue.pk)].label
    assert "逾期未报" in options[("unit_report", late.pk)].label
    # Town B's official sees none of town A's records, even for ent_b's summons of its own hazard.
    assert selectors.reason_options(world.official_b, world.ent_b)[0].pk == other_town.pk


def test_a_summons_freezes_its_reasons_and_shows_on_the_hazards_timeline(world: World, client: Any) -> None:
    found = supervised_hazard(world)
    summons = _create(world, reasons=[("hazard", found.pk)], held_on=timezone.localdate() + timedelta(days=2))
    assert summons.status == Summons.Status.PLANNED
    assert (summons.issuer, summons.enterprise, summons.area) == (world.county, world.ent_a, world.village_a)
    reason = summons.reasons.get()
    assert (reason.hazard_id, reason.kind) == (found.pk, SummonsReason.Kind.HAZARD_SUPERVISED)
    assert found.number in reason.label
    assert audit_events_for(summons).filter(action="accountability.summons.planned").exists()

    services.summons_record(actor=world.county_admin, summons=summons, minutes="已约谈", held_on=timezone.localdate())
    client.force_login(world.official_a)
    response = client.get(reverse("inspections:hazard_detail", args=[found.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "拟督办" in page and "安平县于" in page
    assert f"/accountability/summonses/{summons.pk}/" in page and "查看督办记录" in page


def test_a_record_outside_the_issuers_part_or_of_another_unit_is_refused(world: World) -> None:
    town_b_hazard = supervised_hazard(world, enterprise=world.ent_b)
    town_a_hazard = supervised_hazard(world)
    with pytest.raises(SummonsError, match="不在本单位管辖范围内"):
        _create(world, actor=world.official_b, unit=world.ent_a, reasons=[("hazard", town_a_hazard.pk)])
    with pytest.raises(SummonsError, match="所选事由不属于该被约谈单位"):
        _create(world, actor=world.official_a, unit=world.ent_a, reasons=[("hazard", town_b_hazard.pk)])
    with pytest.raises(SummonsError, match="所选事由不属于该被约谈单位"):  # ent_b's hazard, ent_a's summons
        _create(world, unit=world.ent_a, reasons=[("hazard", town_b_hazard.pk)])
    plain = hazard(world, description="未到期的隐患")
    with pytest.raises(SummonsError, match="已不再符合约谈条件"):
        _create(world, reasons=[("hazard", plain.pk)])
    with pytest.raises(NotPermitted):
        _create(world, actor=world.leader_county, reasons=[("hazard", town_a_hazard.pk)])
    assert not Summons.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reasons": []}, "请至少选择一项约谈事由"),
        ({"place": "  "}, "请填写约谈地点"),
        ({"minutes": "纪要", "held_on": "future"}, "约谈日期晚于今天"),
        ({"minutes": "纪要", "commitments": [(None, "更换报警器")]}, "缺少完成期限"),
        ({"minutes": "纪要", "commitments": [("before", "更换报警器")]}, "早于约谈日期"),
        ({"minutes": "纪要", "report_due_on": "before"}, "整改报告报送期限不能早于约谈日期"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world: World, overrides: dict[str, Any], message: str) -> None:
    found = supervised_hazard(world)
    today = timezone.localdate()
    values: dict[str, Any] = {"reasons": [("hazard", found.pk)], **overrides}
    if values.get("held_on") == "future":
        values["held_on"] = today + timedelta(days=1)
    if values.get("report_due_on") == "before":
        values["report_due_on"] = today - timedelta(days=1)
    values["commitments"] = [
        (today - timedelta(days=1) if due == "before" else due, text) for due, text in values.get("commitments", [])
    ]
    with pytest.raises(SummonsError, match=message):
        _create(world, **values)
    assert not Summons.objects.exists() and not SummonsReason.objects.exists()


def test_held_at_once_the_report_is_due_in_fifteen_days_and_commitments_are_kept(world: World) -> None:
    found = supervised_hazard(world)
    today = timezone.localdate()
    summons = _create(
        world,
        reasons=[("hazard", found.pk)],
        minutes="企业说明了原因",
        commitments=[(today + timedelta(days=5), "更换报警器")],
    )
    assert summons.status == Summons.Status.HELD
    assert summons.report_due_on == today + timedelta(days=services.REPORT_DAYS) == today + timedelta(days=15)
    assert list(summons.commitments.values_list("text", "due_on")) == [("更换报警器", today + timedelta(days=5))]


def test_the_whole_way_planned_held_reported_closed(world: World) -> None:
    summons = summons_of(world)  # the county's 约谈 of town A, planned in 3 days
    with pytest.raises(SummonsError, match="约谈日期晚于今天"):
        services.summons_record(actor=world.county_admin, summons=summons, minutes="纪要")
    with pytest.raises(NotPermitted):  # town A's official is not the issuer's staff
        services.summons_record(actor=world.official_a, summons=summons, minutes="纪要", held_on=timezone.localdate())
    with pytest.raises(SummonsError, match="请填写约谈纪要"):
        services.summons_record(actor=world.county_admin, summons=summons, minutes="", held_on=timezone.localdate())
    summons.refresh_from_db()
    assert summons.status == Summons.Status.PLANNED
    today = timezone.localdate()
    services.summons_record(
        actor=world.county_admin,
        summons=summons,
        minutes="镇长说明了情况",
        held_on=today,
        commitments=[(today + timedelta(days=3), "完成整改"), (today + timedelta(days=9), "开展培训")],
        report_due_on=today + timedelta(days=10),
    )
    summons.refresh_from_db()
    assert (summons.status, summons.report_due_on) == (Summons.Status.HELD, today + timedelta(days=10))

    with pytest.raises(SummonsError, match="尚未报送整改报告"):
        services.summons_close(actor=world.county_admin, summons=summons)
    for stranger in (world.enterprise_a, world.official_b, world.county_admin, world.leader_a):
        with pytest.raises(NotPermitted):
            services.summons_report(actor=stranger, summons=summons, text="报告")
    with pytest.raises(SummonsError, match="请填写书面整改报告"):
        services.summons_report(actor=world.official_a, summons=summons, text=" ")
    first = summons.commitments.order_by("due_on").first()
    assert first is not None
    services.summons_commitment_done(actor=world.official_a, commitment=first, note="已完成")
    with pytest.raises(SummonsError, match="已报告完成"):
        services.summons_commitment_done(actor=world.official_a, commitment=first, note="再次")
    services.summons_report(actor=world.official_a, summons=summons, text="已逐项整改")
    summons.refresh_from_db()
    assert summons.status == Summons.Status.REPORTED and summons.reported_by == world.official_a

    services.summons_follow_up(actor=world.county_admin, summons=summons, note="已现场复查")
    services.summons_follow_up(actor=world.county_admin, summons=summons, note="已现场复查")  # a double click
    summons.refresh_from_db()
    assert summons.follow_up.count("已现场复查") == 1
    with pytest.raises(SummonsError, match="尚有1项整改承诺未完成"):
        services.summons_close(actor=world.county_admin, summons=summons)
    services.summons_close(actor=world.county_admin, summons=summons, reason="培训并入全县统一安排")
    summons.refresh_from_db()
    assert summons.status == Summons.Status.CLOSED
    assert "已现场复查" in summons.follow_up and "1项承诺未完成" in summons.follow_up
    with pytest.raises(SummonsError):
        services.summons_follow_up(actor=world.county_admin, summons=summons, note="再")
    assert SummonsCommitment.objects.filter(done_at__isnull=True).count() == 1


def test_only_a_planned_one_is_cancelled_with_a_reason(world: World) -> None:
    summons = summons_of(world)
    with pytest.raises(SummonsError, match="请填写取消原因"):
        services.summons_cancel(actor=world.county_admin, summons=summons, reason="")
    services.summons_cancel(actor=world.county_admin, summons=summons, reason="隐患已销号")
    summons.refresh_from_db()
    assert (summons.status, summons.cancelled_reason) == (Summons.Status.CANCELLED, "隐患已销号")
    held = summons_of(world, held=True)
    with pytest.raises(SummonsError, match="只有尚未举行的约谈可以取消"):
        services.summons_cancel(actor=world.county_admin, summons=held, reason="取消")


def test_an_accident_reason_and_a_towns_own_summons(world: World) -> None:
    accident = accident_row(
        world.village_a, datetime.now(tz=timezone.get_current_timezone()), deaths=3, enterprise=world.ent_a
    )
    summons = _create(
        world, actor=world.official_a, unit=world.ent_a, kind=Summons.Kind.SUMMONS, reasons=[("accident", accident.pk)]
    )
    assert summons.issuer == world.town_a
    reason = summons.reasons.get()
    assert reason.kind == SummonsReason.Kind.ACCIDENT and accident.number in reason.label
