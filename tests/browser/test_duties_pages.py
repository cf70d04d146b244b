"""The enterprise's duty pages in Chromium at phone and desktop width: the 隐患统计报告 list, sign page
and signed report, the officials' 未报送 list, the 双报告 page and a 重大 hazard showing its report and
its congress record. No page overflows sideways; screenshots in var/artifacts/screenshots/duties-*.png."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from inspections import congress, services
from inspections.models import Hazard, HazardStatisticsReport
from inspections.statistics import last_quarter
from safetyops.orgs.models import Role
from tests.browser.conftest import DESKTOP, PHONE, no_horizontal_overflow
from tests.browser.test_hazard_journey import login
from tests.conftest import World
from tests.inspections.conftest import jpeg, plan_input
from tests.orgs.factories import EnterpriseFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _hazards(world: World) -> Hazard:
    """A quarter with a few hazards at ent_a (moved into the last quarter), and a 重大 one with its
    report, plan and congress record."""
    period = last_quarter(timezone.localdate())
    when = timezone.make_aware(
        timezone.datetime.combine(period.start + timedelta(days=20), timezone.datetime.min.time())
    )
    for n in range(3):
        hazard = services.hazard_register(
            actor=world.official_a,
            enterprise_id=world.ent_a.pk,
            data=services.HazardInput(
                level="general",
                category="thing",
                description=f"配电箱未上锁，电缆裸露老化需要更换（{n}）",
                deadline=timezone.localdate() + timedelta(days=10),
            ),
            photos=[jpeg()],
        )
        Hazard.objects.filter(pk=hazard.pk).tally_update(
            registered_at=when, deadline=period.end - timedelta(days=n * 30)
        )
    major = services.hazard_register(
        actor=world.official_a,
        enterprise_id=world.ent_a.pk,
        data=services.HazardInput(
            level="major",
            category="thing",
            description="粉尘涉爆区域除尘系统未设置泄爆、隔爆装置，干式除尘器布置在厂房内",
            deadline=timezone.localdate() + timedelta(days=50),
        ),
        photos=[jpeg()],
    )
    services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=major.pk, plan=plan_input(major))
    congress.hazard_report_to_congress(
        actor=world.enterprise_a,
        hazard_id=major.pk,
        body="representatives",
        reported_on=timezone.localdate(),
        note="第三届职工代表大会第二次会议通报该重大事故隐患的现状、治理方案和整改期限，职工代表无异议。",
        evidence=jpeg(),
    )
    Hazard.objects.filter(pk=major.pk).tally_update(registered_at=when)
    return major


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_duty_pages_fit_the_screen(
    browser: Any, live_server: Any, world: World, shot: Any, viewport: dict[str, int]
) -> None:
    base, width = live_server.url, viewport["width"]
    principal = make_user(Role.ENTERPRISE_USER, enterprise=world.ent_a, username="ent_a_principal", full_name="张三")
    principal.membership.title = "主要负责人"
    principal.membership.save()
    for n in range(4):
        EnterpriseFactory(name=f"东城镇第{n + 1}机械制造有限责任公司（分厂）", node=world.town_a)
    major = _hazards(world)
    period = last_quarter(timezone.localdate())
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def visit(path: str, name: str) -> None:
        page.goto(base + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert no_horizontal_overflow(page), f"{name} overflows at {width}"
        shot(page, f"duties-{name}-{width}")

    login(page, base, "ent_a_principal")
    visit("/statistics/", "statistics-list")
    visit(f"/statistics/{world.ent_a.pk}/{period.slug}/sign/", "statistics-sign")
    page.fill("textarea[name=note]", "本季度重点整治配电设施和粉尘涉爆场所。")
    page.check("input[name=confirmed]")
    page.fill("input[name=typed_name]", "张三")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert HazardStatisticsReport.objects.filter(
        enterprise=world.ent_a, year=period.year, quarter=period.quarter
    ).exists()
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert no_horizontal_overflow(page)
    shot(page, f"duties-statistics-detail-{width}")

    login(page, base, "enterprise_a")
    visit(f"/hazards/{major.pk}/congress/", "congress-form")
    visit(f"/hazards/{major.pk}/", "hazard-major")
    assert page.locator("text=向职工大会报告（双报告）").first.is_visible()
    assert page.locator("text=现状及原因").first.is_visible()

    login(page, base, "official_a")
    visit(f"/statistics/unfiled/?period={period.slug}", "statistics-unfiled")
    assert page.locator("text=东城镇第1机械制造有限责任公司（分厂）").first.is_visible()
    assert errors == []
