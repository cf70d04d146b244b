"""The accident journey of issue 13 in Chromium: town A's official registers, on a phone, an
accident that is 较大 by its direct loss alone (1 death, 1200 万元) and reported 75 minutes after it
happened (迟报, 第九条); the county admin sees the level and why, the 迟报 badge and who
investigates (第十九条), finds town A responsible, sees town A's 较大及以上 indicator broken, opens
a 约谈 from the accident with the accident ticked as its reason, and opens the year's assessment:
with an earlier 较大 accident of the year for which town A is responsible, town A's sheet carries
the 一票否决 with both accidents."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from accountability.models import (
    Accident,
    AccidentLevel,
    AccidentResponsibility,
    Assessment,
    Grade,
    IndicatorLimit,
    Summons,
)
from tests.accountability.accident_factories import SIX_ITEMS, accident_row
from tests.browser.conftest import DESKTOP, PHONE, no_horizontal_overflow
from tests.browser.test_hazard_journey import login
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL = "%Y-%m-%dT%H:%M"


def test_a_larger_accident_by_loss_is_registered_summoned_and_vetoes_the_township(
    browser: Any, live_server: Any, world: World, shot: Any
) -> None:
    base = live_server.url
    now = timezone.localtime()
    occurred = (now - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    reported = occurred + datetime.timedelta(minutes=75)
    year = occurred.year
    world.official_a.full_name = "李明"
    world.official_a.save()
    # Town A may have no 较大及以上 accident this year (the county's limit) ...
    IndicatorLimit.objects.create(year=year, node=world.town_a, key="major_accidents", value=1)
    # ... and already had one, 较大 by its deaths, for which it was found responsible.
    earlier = accident_row(
        world.town_a,
        timezone.make_aware(datetime.datetime(year, 1, 1, 10, 0)),
        deaths=3,
        title="东城镇“1·1”机械伤害事故",
        responsible=[world.town_a],
    )
    assert earlier.level == AccidentLevel.LARGER

    # 1. Town A's official registers the accident on a phone.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    town = phone.new_page()
    errors: list[str] = []
    town.on("pageerror", lambda exc: errors.append(str(exc)))
    login(town, base, "official_a")
    town.goto(f"{base}/accountability/accidents/")
    town.click("a.btn:has-text('登记事故')")
    town.wait_for_url(f"{base}/accountability/accidents/new/")
    assert no_horizontal_overflow(town)
    town.fill("input[name=title]", "东城化工“12·4”物体打击事故")
    town.fill("input[name=occurred_at]", occurred.strftime(LOCAL))
    town.fill("input[name=reported_at]", reported.strftime(LOCAL))
    town.select_option("select[name=enterprise]", str(world.ent_a.pk))
    town.fill("input[name=place]", "东城化工2号车间")
    town.select_option("select[name=category]", "industrial")
    town.select_option("select[name=sector]", str(world.sector_chem.pk))
    town.fill("input[name=deaths]", "1")
    town.fill("input[name=serious_injuries]", "0")
    town.fill("input[name=direct_loss]", "1200")
    for name, text in SIX_ITEMS.items():
        town.fill(f"textarea[name={name}]", text)
    town.fill("textarea[name=casualties_note]", "死亡1人，厂房和设备损毁，直接经济损失初步估计1200万元。")
    assert no_horizontal_overflow(town)
    shot(town, "journey-accident-register-phone")
    town.click("button[name=register]")
    town.wait_for_url(re.compile(r"/accountability/accidents/\d+/$"))
    town.locator("text=已登记事故").wait_for()
    accident = Accident.objects.get(title="东城化工“12·4”物体打击事故")
    assert accident.status == Accident.Status.REGISTERED
    assert accident.level == AccidentLevel.LARGER and accident.reported_late
    assert accident.node == world.village_a and accident.deaths == 1
    # The township sees the level, and 迟报 among the clocks shown first on a phone.
    assert town.locator("[data-level]").inner_text() == "较大事故（按直接经济损失）"
    assert town.locator(".d-lg-none [data-late]").is_visible()
    assert town.locator("text=事故发生后 75 分钟报告").first.is_visible()
    # Responsibility is the county's: the township is not offered it.
    assert town.locator("a:has-text('责任认定')").count() == 0
    assert no_horizontal_overflow(town)
    shot(town, "journey-accident-registered-phone")
    assert not errors, errors
    phone.close()

    # 2. The county admin opens it on a desktop.
    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = desktop.new_page()
    login(page, base, "county_admin")
    page.click("nav a.nav-link:has-text('责任落实')")
    page.click("nav .dropdown-menu a:has-text('生产安全事故')")
    page.wait_for_url(f"{base}/accountability/accidents/")
    page.click(f"a:has-text('{accident.title}')")
    page.wait_for_url(f"{base}/accountability/accidents/{accident.pk}/")
    header = page.locator("h1 + div")
    assert "较大事故" in header.inner_text() and "迟报" in header.inner_text()
    assert page.locator("[data-level]").inner_text() == "较大事故（按直接经济损失）"
    assert page.locator("dt:has-text('负责调查（第十九条）') + dd").inner_text() == "事故发生地设区的市级人民政府"
    assert page.locator("dt:has-text('逐级上报至（第十条）') + dd").inner_text() == (
        "省级人民政府安全生产监督管理部门和有关部门"
    )
    assert page.locator(".d-none.d-lg-block [data-late]").is_visible()
    assert page.locator("text=1200.00 万元").count() == 1
    shot(page, "journey-accident-county")

    # The county finds town A responsible (属地管理责任).
    page.click("a:has-text('责任认定')")
    page.select_option("select[name=unit]", f"node:{world.town_a.pk}")
    page.fill("textarea[name=finding]", "东城镇未落实属地管理责任，对辖区企业监督检查不力。")
    page.click("main form button:has-text('确认')")
    page.wait_for_url(f"{base}/accountability/accidents/{accident.pk}/")
    page.locator("text=已添加责任认定").wait_for()
    assert page.locator("li:has-text('东城镇：东城镇未落实属地管理责任')").count() == 1
    assert AccidentResponsibility.objects.filter(accident=accident, node=world.town_a).exists()

    # 3. The indicators page: town A's 较大及以上 accidents are 2 of 1, the limit broken.
    page.click("nav a.nav-link:has-text('责任落实')")
    page.click("nav .dropdown-menu a:has-text('控制指标')")
    page.wait_for_url(f"{base}/accountability/indicators/")
    bar = page.locator("[data-node='东城镇'] [data-indicator=major_accidents]")
    assert bar.get_attribute("data-state") == "exceeded"
    assert "较大及以上" in bar.inner_text()
    assert "2/1 起 200%" in bar.inner_text()
    assert "已突破" in bar.inner_text()
    town_card = page.locator("[data-node='东城镇']")
    town_card.locator("summary").click()
    listed = town_card.locator("[data-accidents] li:has-text('东城化工“12·4”物体打击事故')")
    assert "较大事故" in listed.inner_text() and "迟报" in listed.inner_text()
    shot(page, "journey-accident-indicators")

    # 4. A 约谈 from the accident: the accident ticked as its reason, the enterprise the target.
    page.goto(f"{base}/accountability/accidents/{accident.pk}/")
    page.click("a:has-text('发起约谈')")
    page.wait_for_url(re.compile(r"/accountability/summonses/new/\?accident=\d+$"))
    assert "东城化工有限公司" in page.locator("h1").inner_text()
    reason = page.locator(f"input[name=reasons][value='accident:{accident.pk}']")
    assert reason.is_checked()
    assert page.locator(f"label[for='{reason.get_attribute('id')}']").inner_text().startswith(accident.number)
    assert page.locator(f"input[name=reasons][value='accident:{earlier.pk}']").count() == 0  # not at ent_a
    held_on = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    page.fill("input[name=held_on]", held_on)
    page.fill("input[name=place]", "县应急管理局三楼会议室")
    page.fill("input[name=summoned_by]", "县应急管理局局长 王强")
    page.fill("textarea[name=attendees]", "东城化工有限公司主要负责人、安全管理负责人")
    page.fill("textarea[name=summary]", "发生较大生产安全事故且迟报。")
    shot(page, "journey-accident-summons-form")
    page.click("main form button[type=submit]:has-text('保存')")
    page.wait_for_url(re.compile(r"/accountability/summonses/\d+/$"))
    page.locator("text=已保存，被约谈单位已收到约谈通知").wait_for()
    reasons = page.locator("[data-reasons]")
    assert accident.number in reasons.inner_text() and accident.title in reasons.inner_text()
    assert "较大事故，死亡1人" in reasons.inner_text()
    summons = Summons.objects.get()
    assert summons.enterprise == world.ent_a and summons.issuer == world.county
    assert summons.reasons.get().accident == accident
    shot(page, "journey-accident-summons")
    # The accident page lists the 约谈 it led to; the reason links back.
    page.click(f"[data-reasons] a:has-text('{accident.number}')")
    page.wait_for_url(f"{base}/accountability/accidents/{accident.pk}/")
    assert page.locator(f"a:has-text('{held_on} · 约谈 · 东城化工有限公司')").count() == 1

    # 5. The year-end assessment: the county starts the round; town A is vetoed by both accidents.
    page.click("nav a.nav-link:has-text('责任落实')")
    page.click("nav .dropdown-menu a:has-text('年度考核')")
    page.wait_for_url(f"{base}/accountability/assessments/")
    if timezone.localdate().month <= 3:  # from January to March the page shows last year first
        page.goto(f"{base}/accountability/assessments/?year={year}")
    page.click("a.btn:has-text('开始本年度考核')")
    page.click("button:has-text('生成评分表')")
    page.wait_for_url(re.compile(rf"/accountability/assessments/\?year={year}$"))
    page.locator("text=新建评分表2份").wait_for()
    assert page.locator("[data-figure=vetoed]").inner_text() == "1"
    row = page.locator("#ranking tr:has-text('东城镇')")
    assert row.locator("[data-veto]").count() == 1
    for item in (earlier, accident):
        assert f"{item.number} {item.title}（较大事故" in row.inner_text()
    assert page.locator("#ranking tr:has-text('西山镇') [data-veto]").count() == 0
    shot(page, "journey-accident-assessment-round")
    row.locator("a:has-text('东城镇')").click()
    sheet = Assessment.objects.get(year=year, node=world.town_a)
    page.wait_for_url(f"{base}/accountability/assessments/{sheet.pk}/")
    veto = page.locator("#veto")
    assert "一票否决：不得评为优秀" in veto.inner_text()
    assert "否决依据的事故" in veto.inner_text()
    assert veto.locator("li").count() == 2
    for item in (earlier, accident):
        assert f"{item.number} {item.title}（较大事故" in veto.inner_text()
    # The provisional grade on the sheet cannot be 优秀.
    assert "优秀" not in page.locator("[data-figure=grade]").inner_text()
    sheet.refresh_from_db()
    assert sheet.vetoed and sheet.grade != Grade.EXCELLENT
    assert no_horizontal_overflow(page)
    shot(page, "journey-accident-assessment-sheet")
    desktop.close()
