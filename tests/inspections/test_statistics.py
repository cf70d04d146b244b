"""隐患统计报告 (第十四条, issue 14 item 10a): periods and due dates, figures pre-filled from the
hazards as at the period's end, the 主要负责人's signature (name, confirmation, time, IP, SHA-256 of
the exact text), reminders from N days before the due date until filed (the township's officials
after it), and the scoped list of who has not filed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Hazard, HazardStatisticsReport
from inspections.statistics import (
    NotPermitted,
    Period,
    StatisticsError,
    last_quarter,
    last_year,
    statistics_figures,
    statistics_report_sign,
)
from safetyops.core.models import AuditEvent
from safetyops.notify.models import Reminder
from safetyops.notify.services import reminders_scan
from safetyops.orgs.models import Role, User
from tests.conftest import World
from tests.inspections.conftest import jpeg, plan_input
from tests.notify.conftest import fired, on
from tests.orgs.factories import make_user

Q1 = Period(2026, 1)


@pytest.fixture
def principal(world: World) -> User:
    """ent_a's 主要负责人: the register names 张三."""
    user = make_user(Role.ENTERPRISE_USER, enterprise=world.ent_a, username="ent_a_principal", full_name="张三")
    user.membership.title = "主要负责人"
    user.membership.save()
    return user


@pytest.fixture
def quarter(world: World, hazard_factory: Callable[..., Hazard], principal: User) -> dict[str, Hazard]:
    """Q1 2026 at ent_a: a 一般 closed in March, a 重大 open and overdue at the quarter's end, a 一般
    self-reported and still rectifying; one found in April (not Q1); one of ent_b (not ent_a's)."""
    made: dict[str, Hazard] = {}
    with on(date(2026, 2, 2)):
        made["closed"] = hazard_factory(status="rectifying", deadline=date(2026, 3, 1))
        made["major"] = hazard_factory(level="major", deadline=date(2026, 3, 20))
        made["other"] = hazard_factory(enterprise=world.ent_b, deadline=date(2026, 3, 1))
        made["self"] = services.hazard_register(
            actor=world.enterprise_a,
            enterprise_id=world.ent_a.pk,
            data=services.HazardInput(
                level="general", category="thing", description="灭火器过期", deadline=date(2026, 4, 30)
            ),
            photos=[jpeg()],
        )
        services.hazard_submit_plan(
            actor=world.enterprise_a, hazard_id=made["self"].pk, plan=plan_input(made["self"], funds=Decimal("1200"))
        )
    with on(date(2026, 2, 20)):
        services.hazard_report_completion(
            actor=world.enterprise_a,
            hazard_id=made["closed"].pk,
            description="已更换",
            money_spent=Decimal("800.50"),
            after_photos=[jpeg()],
        )
    with on(date(2026, 3, 5)):
        services.hazard_verify(actor=world.official_a, hazard_id=made["closed"].pk, opinion="同意销号")
    with on(date(2026, 4, 3)):
        made["april"] = hazard_factory(deadline=date(2026, 4, 30))
    return made


def test_periods_and_due_dates() -> None:
    assert (Q1.start, Q1.end, Q1.due, Q1.label, Q1.slug) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 4, 15),
        "2026年第一季度",
        "2026-Q1",
    )
    q4, year = Period(2025, 4), Period(2025)
    assert (q4.start, q4.end, q4.due) == (date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 15))
    assert (year.start, year.end, year.due, year.label) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
        date(2026, 1, 31),
        "2025年度",
    )
    assert last_quarter(date(2026, 4, 1)) == Q1 and last_quarter(date(2026, 2, 10)) == q4
    assert last_year(date(2026, 1, 20)) == year
    assert Period.parse("2026-Q3") == Period(2026, 3) and Period.parse("2026") == Period(2026)
    assert Period.parse("2026-Q5") is None and Period.parse("1999") is None and Period.parse("x") is None


def test_figures_are_prefilled_from_the_hazards_as_at_the_period_end(world: World, quarter: dict[str, Hazard]) -> None:
    with on(date(2026, 4, 10)):
        figures = statistics_figures(enterprise=world.ent_a, period=Q1)
    want = {
        "found": 3,
        "found_general": 2,
        "found_major": 1,
        "found_self": 1,
        "found_closed": 1,
        "found_major_closed": 0,
        "closed_in_period": 1,
        "open_end": 2,
        "overdue_end": 1,
        "overdue_major_end": 1,
        "rate": 33.3,
        "funds_planned": "4200.00",  # the rectifying hazard's 3000 and the self-reported one's 1200
        "funds_spent": "800.50",
    }
    assert {key: figures[key] for key in want} == want
    assert [(m["number"], m["state"]) for m in figures["majors"]] == [(quarter["major"].number, "逾期未销号")]
    # Closing the 重大 hazard in April does not change Q1.
    Hazard.objects.filter(pk=quarter["major"].pk).tally_update(
        status="closed", closed_at=quarter["april"].registered_at
    )
    assert statistics_figures(enterprise=world.ent_a, period=Q1) == figures


def test_the_principal_signs_the_exact_text_once(world: World, quarter: dict[str, Hazard], principal: User) -> None:
    sign: dict[str, Any] = {
        "actor": principal,
        "enterprise_id": world.ent_a.pk,
        "period": Q1,
        "typed_name": "张三",
        "confirmed": True,
    }
    with on(date(2026, 3, 30)):
        with pytest.raises(StatisticsError, match="尚未结束"):
            statistics_report_sign(**sign)
    with on(date(2026, 4, 10)):
        safety_officer = world.enterprise_a  # an enterprise user, not the 主要负责人
        with pytest.raises(StatisticsError, match="须由本企业主要负责人（张三）本人签署"):
            statistics_report_sign(**{**sign, "actor": safety_officer, "typed_name": str(safety_officer)})
        with pytest.raises(StatisticsError, match="签名须与您的姓名“张三”一致"):
            statistics_report_sign(**{**sign, "typed_name": "张 三"})
        with pytest.raises(StatisticsError, match="请勾选确认"):
            statistics_report_sign(**{**sign, "confirmed": False})
        with pytest.raises(StatisticsError, match="发生了变化"):
            statistics_report_sign(**sign, expected_sha256="0" * 64)
        for outsider in (world.enterprise_b, world.official_a, world.leader_county):
            with pytest.raises(NotPermitted):
                statistics_report_sign(**{**sign, "actor": outsider})
        assert not HazardStatisticsReport.objects.exists()
        report = statistics_report_sign(**sign, note="  重点加强粉尘治理  ", ip="10.1.2.3")
        with pytest.raises(StatisticsError, match="已签署报送"):
            statistics_report_sign(**sign)
    assert (report.year, report.quarter, report.due_on, report.signed_name, report.signed_ip) == (
        2026,
        1,
        date(2026, 4, 15),
        "张三",
        "10.1.2.3",
    )
    assert report.sha256 == hashlib.sha256(report.signed_text.encode()).hexdigest()
    assert "排查发现事故隐患3项，其中一般事故隐患2项、重大事故隐患1项" in report.signed_text
    assert report.signed_text.endswith("分析说明：\n重点加强粉尘治理") and report.note == "重点加强粉尘治理"
    assert AuditEvent.objects.filter(action="inspections.statistics.signed", target_id=str(report.pk)).exists()


def test_reminders_from_n_days_before_until_filed_then_the_township(
    world: World, principal: User, settings: Any
) -> None:
    settings.STATISTICS_REMINDER_DAYS_BEFORE = 7
    enterprise_a = {"enterprise_a", "ent_a_principal"}

    def scan(day: date) -> set[str]:
        with on(day):
            reminders_scan()
        return fired(day).get("statistics_quarterly_due", set())

    assert scan(date(2026, 4, 7)) == set()  # 8 days before 15 April
    assert scan(date(2026, 4, 8)) == enterprise_a | {"enterprise_b"}  # ent_a2 has no users
    assert scan(date(2026, 4, 15)) == enterprise_a | {"enterprise_b"}
    # After the due date the township's officials too (supervisors and leaders are not).
    assert scan(date(2026, 4, 16)) == enterprise_a | {"enterprise_b", "official_a", "official_b"}
    with on(date(2026, 4, 16)):
        statistics_report_sign(
            actor=principal, enterprise_id=world.ent_a.pk, period=Q1, typed_name="张三", confirmed=True
        )
    assert scan(date(2026, 4, 17)) == {"enterprise_b", "official_a", "official_b"}  # official_a for ent_a2
    # The officials get one digest per township a day, not one message per enterprise.
    digests = Reminder.objects.filter(reason="statistics_quarterly_due", recipient__username="official_a")
    assert [(r.day, r.title) for r in digests.order_by("day")] == [
        (date(2026, 4, 16), "2家企业逾期未报送2026年第一季度隐患统计报告"),
        (date(2026, 4, 17), "1家企业逾期未报送2026年第一季度隐患统计报告"),
    ]
    settings.STATISTICS_REMINDERS = False
    assert scan(date(2026, 4, 18)) == set()
    settings.STATISTICS_REMINDERS = True
    assert fired(date(2026, 1, 25)) == {} and scan(date(2026, 1, 25)) >= enterprise_a  # Q4 2025 is late then
    with on(date(2026, 1, 25)):
        reminders_scan()
    assert fired(date(2026, 1, 25))["statistics_annual_due"] == enterprise_a | {"enterprise_b"}


def test_sign_page_and_detail(client: Any, world: World, quarter: dict[str, Hazard], principal: User) -> None:
    client.force_login(principal)
    url = reverse("inspections:statistics_sign", args=[world.ent_a.pk, "2026-Q1"])
    with on(date(2026, 4, 10)):
        page = client.get(url).content.decode()
        assert "排查发现事故隐患3项" in page and "确认签字并报送" in page
        bad = client.post(url, {"typed_name": "张三"})
        assert bad.status_code == 400 and "请勾选确认" in bad.content.decode()
        assert not HazardStatisticsReport.objects.exists()
        done = client.post(
            url, {"typed_name": "张三", "confirmed": "on", "note": "<script>x</script>"}, REMOTE_ADDR="10.0.0.9"
        )
        detail = reverse("inspections:statistics_detail", args=[world.ent_a.pk, "2026-Q1"])
        assert done.status_code == 302 and done["Location"] == detail
        report = HazardStatisticsReport.objects.get()
        assert report.signed_ip == "10.0.0.9"
        shown = client.get(detail).content.decode()
        assert "主要负责人 张三 于 2026-04-10" in shown and report.sha256 in shown
        assert "<script>x</script>" not in shown and "&lt;script&gt;x&lt;/script&gt;" in shown
        listed = client.get(reverse("inspections:statistics_list")).content.decode()
        assert "2026-04-10 已报送" in listed
        client.force_login(world.enterprise_a)  # the safety officer reads, cannot sign
        assert (
            "须由本企业主要负责人（张三）本人签署"
            in client.get(reverse("inspections:statistics_sign", args=[world.ent_a.pk, "2025-Q4"])).content.decode()
        )
        assert (
            client.get(reverse("inspections:statistics_detail", args=[world.ent_a.pk, "2026-Q2"])).status_code == 404
        )  # not ended


def test_unfiled_list_is_scoped_and_filtered(client: Any, world: World, principal: User) -> None:
    world.ent_a2.name = "东城<b>建筑</b>有限公司"
    world.ent_a2.save()
    with on(date(2026, 4, 20)):
        statistics_report_sign(
            actor=principal, enterprise_id=world.ent_a.pk, period=Q1, typed_name="张三", confirmed=True
        )
        seen = {}
        for user in (world.county_admin, world.official_a, world.supervisor_a, world.leader_a, world.enterprise_b):
            client.force_login(user)
            page = client.get(reverse("inspections:statistics_unfiled"), {"period": "2026-Q1"}).content.decode()
            seen[user.username] = {name for name in ("东城化工", "东城&lt;b&gt;建筑", "西山建设") if name in page}
            assert "东城<b>建筑" not in page
        assert seen == {
            "county_admin": {"东城&lt;b&gt;建筑", "西山建设"},
            "official_a": {"东城&lt;b&gt;建筑"},
            "supervisor_a": {"东城&lt;b&gt;建筑"},
            "leader_a": {"东城&lt;b&gt;建筑"},
            "enterprise_b": {"西山建设"},
        }
        client.force_login(world.official_a)
        q4 = client.get(reverse("inspections:statistics_unfiled"), {"period": "2025-Q4"}).content.decode()
        assert "东城化工" in q4  # ent_a filed Q1, not Q4
        found = client.get(
            reverse("inspections:statistics_unfiled"), {"period": "2025-Q4", "q": "化工"}
        ).content.decode()
        assert "东城化工" in found and "东城&lt;b&gt;建筑" not in found


def test_no_report_is_owed_for_a_period_before_the_enterprise_was_registered(world: World, principal: User) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    type(world.ent_a).objects.filter(pk=world.ent_a.pk).update(
        created_at=datetime(2026, 4, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    with on(date(2026, 4, 10)), pytest.raises(StatisticsError, match="不在册"):
        statistics_report_sign(
            actor=principal, enterprise_id=world.ent_a.pk, period=Q1, typed_name="张三", confirmed=True
        )


def test_unfiled_list_queries_do_not_grow_with_rows(client: Any, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.orgs.factories import EnterpriseFactory

    client.force_login(world.county_admin)
    url = reverse("inspections:statistics_unfiled")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"period": "2025-Q4"}).status_code == 200
    for n in range(30):
        EnterpriseFactory(node=world.town_b, name=f"西山第{n}企业有限公司")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"period": "2025-Q4"}).content.decode()
    assert "西山第29企业有限公司" in page
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("size", [1, 2])
def test_reminders_in_small_batches_reach_the_same_people(
    world: World, principal: User, monkeypatch: Any, size: int
) -> None:
    """Each batch's users are read as a range of enterprise ids (the batch walks them in id order):
    batches of one or two enterprises must give every enterprise its own users, no more, no fewer."""
    from inspections import statistics

    def sent() -> set[tuple[str, str, str]]:
        with on(date(2026, 4, 16)):
            reminders_scan()
        rows = set(
            Reminder.objects.filter(reason__startswith="statistics_").values_list(
                "reason", "target_id", "recipient__username"
            )
        )
        Reminder.objects.all().delete()
        return rows

    whole = sent()
    assert ("statistics_quarterly_due", str(world.ent_b.pk), "enterprise_b") in whole
    batches = statistics.keyset_batches
    monkeypatch.setattr(statistics, "keyset_batches", lambda *args, **kwargs: batches(*args, **kwargs, size=size))
    assert sent() == whole
