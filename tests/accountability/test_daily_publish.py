"""Publishing the daily 承诺公告: valid, refused (units, negative, name, twice, future), idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accountability.daily import services
from accountability.errors import NotPermitted, PledgeError
from accountability.models import STANDARD_PLEDGE, DailyJudgment, DailyPledge
from safetyops.core.audit import audit_events_for
from safetyops.evidence.signing import verify
from tests.accountability.daily_factories import JUDGMENTS, name_of, pledge_input, publish
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 12, 3, 9, 15, tzinfo=SHANGHAI), tick=False)
def test_a_valid_pledge_is_published_signed_and_audited(world: World) -> None:
    pledge = publish(world, operations={"hot_work_2": 2, "lifting": 1}, startup_shutdown=True)
    assert pledge.date == datetime(2026, 12, 3).date()
    assert pledge.enterprise == world.ent_a and pledge.node == world.village_a
    assert pledge.pledger == world.enterprise_a and pledge.pledger_name == name_of(world.enterprise_a)
    assert pledge.due_at == datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)
    assert pledge.late is False
    assert (pledge.hot_work_2, pledge.lifting, pledge.hot_work, pledge.startup_shutdown) == (2, 1, 2, True)
    assert pledge.pledge_text == STANDARD_PLEDGE
    assert [j.level for j in pledge.judgments.all()] == ["team", "workshop", "plant"]
    signature = pledge.signature
    assert signature is not None and signature.owner_id == pledge.pk
    assert (
        world.ent_a.name in signature.text and STANDARD_PLEDGE in signature.text and "二级动火作业2处" in signature.text
    )
    assert verify(signature, signature.text)
    assert [e.action for e in audit_events_for(pledge)] == ["accountability.daily.published"]


def _refused(world: World, message: str, **kwargs: object) -> None:
    user = world.enterprise_a
    params: dict[str, object] = {"typed_name": name_of(user), "confirmed": True}
    data = kwargs.pop("data", pledge_input())
    params.update(kwargs)
    with pytest.raises(PledgeError) as refused:
        services.daily_pledge_publish(actor=user, data=data, **params)  # type: ignore[arg-type]
    assert message in refused.value.message
    assert not DailyPledge.objects.exists() and not DailyJudgment.objects.exists()


def test_units_that_do_not_add_up_are_refused(world: World) -> None:
    _refused(world, "须等于生产装置总数（5）", data=pledge_input(units_total=5))


def test_a_negative_count_is_refused(world: World) -> None:
    _refused(world, "不能为负数", data=pledge_input(operations={"confined_space": -1}))
    _refused(world, "不能为负数", data=pledge_input(units_stopped=-1, units_running=5))


def test_a_typed_name_that_is_not_the_publishers_is_refused(world: World) -> None:
    _refused(world, "签名须与您的姓名", typed_name="别人")


def test_the_tick_is_required(world: World) -> None:
    _refused(world, "请勾选", confirmed=False)


def test_every_level_of_the_judgment_is_required(world: World) -> None:
    _refused(world, "尚缺车间", data=pledge_input(judgments=[JUDGMENTS[0], JUDGMENTS[2]]))


def test_a_future_date_is_refused(world: World) -> None:
    _refused(world, "不能提前发布", day=timezone.localdate() + timedelta(days=1))


def test_publishing_twice_the_same_day_is_refused(world: World) -> None:
    first = publish(world)
    with pytest.raises(PledgeError) as refused:
        publish(world, units_total=3, units_running=3, units_stopped=0)
    assert "已于" in refused.value.message and "不能重复发布" in refused.value.message
    assert list(DailyPledge.objects.all()) == [first]


def test_a_replayed_form_returns_the_first_pledge(world: World) -> None:
    first = publish(world, key="k-1")
    assert publish(world, key="k-1") == first
    assert DailyPledge.objects.count() == 1


def test_an_official_cannot_publish(world: World) -> None:
    with pytest.raises(NotPermitted):
        publish(world, world.official_a)


def test_an_enterprise_outside_the_sectors_cannot_publish(world: World) -> None:
    with pytest.raises(PledgeError, match="不在每日安全风险研判与承诺公告范围内"):
        publish(world, world.enterprise_b)


def _post(world: World, **overrides: str) -> dict[str, str]:
    data = {
        "units_total": "4",
        "units_running": "3",
        "units_stopped": "1",
        "units_maintenance": "0",
        "major_sources_controlled": "yes",
        "typed_name": name_of(world.enterprise_a),
        "confirmed": "on",
        "key": "form-key-1",
        "j-TOTAL_FORMS": "3",
        "j-INITIAL_FORMS": "0",
        "j-0-level": "team",
        "j-0-unit_name": "甲班",
        "j-0-signer_name": "王班长",
        "j-1-level": "workshop",
        "j-1-unit_name": "合成车间",
        "j-1-signer_name": "李主任",
        "j-2-level": "plant",
        "j-2-unit_name": "厂级",
        "j-2-signer_name": "赵厂长",
    }
    for name in (
        "hot_work_special",
        "hot_work_1",
        "hot_work_2",
        "confined_space",
        "blind_plate",
        "work_at_height",
        "lifting",
        "temporary_electricity",
        "excavation",
        "road_break",
    ):
        data[name] = "0"
    data.update(overrides)
    return data


def test_the_form_publishes_and_a_double_submit_makes_one(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.enterprise_a)
    url = reverse("accountability:daily_publish")
    assert client.get(url).status_code == 200
    response = client.post(url, _post(world))
    pledge = DailyPledge.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "accountability:daily_pledge", args=[pledge.pk]
    )
    again = client.post(url, _post(world))  # the same form sent twice
    assert again.status_code == 302 and DailyPledge.objects.count() == 1


def test_the_form_shows_chinese_errors_and_saves_nothing(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.enterprise_a)
    url = reverse("accountability:daily_publish")
    response = client.post(url, _post(world, hot_work_1="-2"))
    assert response.status_code == 400 and "数量不能为负数" in response.content.decode()
    response = client.post(url, _post(world, units_total="9"))
    assert response.status_code == 400 and "须等于生产装置总数（9）" in response.content.decode()
    response = client.post(url, _post(world, typed_name="张三丰"))
    assert response.status_code == 400 and "签名须与您的姓名" in response.content.decode()
    assert not DailyPledge.objects.exists()
