"""The 目标责任书 and 安全承诺书 journey in Chromium: the county admin drafts this year's letter from
the standard text and issues it to both townships, and a pledge to an enterprise; town A's 镇长
reads and signs the letter on a phone; the county sees the signing rate move; the enterprise's
主要负责人 signs the pledge on a phone. Names with rare characters (堃, 赟, 璟) must not overflow."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from accountability.models import Letter, LetterTemplate
from safetyops.evidence.models import Signature
from tests.browser.conftest import DESKTOP, PHONE, no_horizontal_overflow
from tests.browser.test_hazard_journey import login
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_issues_letters_and_the_townships_and_enterprises_sign(
    browser: Any, live_server: Any, world: World, shot: Any
) -> None:
    base = live_server.url
    year = timezone.localdate().year
    world.leader_a.full_name = "欧阳堃赟璟"
    world.leader_a.save()
    world.enterprise_a.full_name = "司马璟堃"
    world.enterprise_a.save()
    world.ent_a.name = "东城璟赟堃精细化工股份有限公司第一生产基地危险化学品仓储分公司"
    world.ent_a.save()

    county = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = county.new_page()
    login(page, base, "county_admin")

    # The menu has one 责任落实 entry and still fits one line at 1280 px.
    nav = page.locator("nav.navbar")
    assert nav.locator("a.nav-link:has-text('责任落实')").count() == 1
    assert nav.bounding_box()["height"] < 70, "the navbar wraps at 1280 px"
    brand = page.locator(".navbar-brand")
    assert brand.evaluate("el => el.scrollWidth <= el.clientWidth"), "the brand is cut off at 1280 px"
    assert no_horizontal_overflow(page)
    shot(page, "journey-letters-navbar-1280")

    # 1. The county admin drafts the year's 目标责任书 from the standard text and issues it to the townships.
    # 责任落实 opens its menu: the letters, the signing rates, the daily board.
    page.click("nav a.nav-link:has-text('责任落实')")
    page.click("nav .dropdown-menu a:has-text('责任书与承诺书')")
    page.wait_for_url(f"{base}/accountability/")
    page.click("a:has-text('起草目标责任书')")
    assert "党政同责、一岗双责、齐抓共管、失职追责" in page.input_value("textarea[name=body]")
    assert page.input_value("input[name=value_industrial_accidents]") == "5"
    page.fill("input[name=value_industrial_accidents]", "4")
    page.fill("input[name=value_industrial_accidents]", "4")
    shot(page, "journey-letters-draft")
    page.click("button:has-text('保存草稿并选择签订单位')")
    page.wait_for_url(re.compile(r"/accountability/letters/\d+/address/$"))
    # Both townships are ticked for a new letter.
    assert page.is_checked(f"input[name=nodes][value='{world.town_a.pk}']")
    assert page.is_checked(f"input[name=nodes][value='{world.town_b.pk}']")
    page.click("button:has-text('加入签订名单')")
    page.locator("text=已增加 2 个签订单位").wait_for()
    page.click("a.btn:has-text('下达')")
    page.locator("text=将向 2 个单位下达").wait_for()
    page.click("button:has-text('确认下达')")
    page.locator("text=已下达，签署人已收到通知").wait_for()
    letter_template = LetterTemplate.objects.get(kind="responsibility")
    assert letter_template.status == "issued" and letter_template.letters.filter(status="issued").count() == 2
    assert page.locator("text=签署率 0.0%（0/2）").count() >= 1

    # And a pledge to the 危化 enterprise.
    page.goto(f"{base}/accountability/")
    page.click("a:has-text('起草安全承诺书')")
    page.click("button:has-text('保存草稿并选择签订单位')")
    page.wait_for_url(re.compile(r"/address/$"))
    page.check(f"input[name=enterprises][value='{world.ent_a.pk}']")
    page.click("button:has-text('加入签订名单')")
    page.click("a.btn:has-text('下达')")
    page.click("button:has-text('确认下达')")
    page.locator("text=已下达，签署人已收到通知").wait_for()
    pledge = Letter.objects.get(template__kind="pledge")
    assert pledge.status == "issued"

    # 2. Town A's 镇长 signs on a phone.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    town = phone.new_page()
    login(town, base, "leader_a")
    town.goto(f"{base}/accountability/")
    town.locator("text=待我签署").wait_for()
    assert no_horizontal_overflow(town)
    town.click("a:has-text('阅读并签署')")
    assert town.locator("article.letter-doc >> text=工矿商贸生产安全事故起数不超过4起").count() == 1
    assert town.get_attribute("input[name=typed_name]", "placeholder") == "请输入您的姓名：欧阳堃赟璟"
    town.fill("input[name=typed_name]", "欧阳堃")  # a wrong name first: refused, nothing signed
    town.check("input[name=confirmed]")
    town.click("button:has-text('确认签署')")
    town.locator("text=签名须与您的姓名“欧阳堃赟璟”一致").wait_for()
    assert not Signature.objects.exists()
    town.check("input[name=confirmed]")
    town.fill("input[name=typed_name]", "欧阳堃赟璟")
    assert no_horizontal_overflow(town)
    shot(town, "journey-letters-sign-phone")
    town.click("button:has-text('确认签署')")
    town.locator("text=签署成功").wait_for()
    assert town.locator("text=签署内容哈希 SHA-256").count() >= 1
    assert no_horizontal_overflow(town)
    shot(town, "journey-letters-signed-phone")
    signed = Letter.objects.get(node=world.town_a)
    assert signed.status == "signed" and signed.signature.signed_name == "欧阳堃赟璟"
    assert town.locator(f"text={signed.current_version.sha256}").count() >= 1
    phone.close()

    # 3. The county sees the rate move: one of two townships signed.
    page.goto(f"{base}/accountability/letters/{letter_template.pk}/")
    assert page.locator("text=签署率 50.0%（1/2）").count() >= 1
    assert page.locator("tr:has-text('东城镇') >> text=已签署").count() == 1
    assert page.locator("tr:has-text('西山镇') >> text=待签署").count() == 1
    shot(page, "journey-letters-template")
    page.goto(f"{base}/accountability/?year={year}")
    assert page.locator(".kind-responsibility [data-figure=rate]").inner_text() == "50.0%"
    assert page.locator(".kind-responsibility [data-figure=unsigned]").inner_text() == "1"
    shot(page, "journey-letters-overview")

    # 4. The enterprise's 主要负责人 signs the pledge on a phone.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    ent = phone.new_page()
    login(ent, base, "enterprise_a")
    ent.goto(f"{base}/accountability/")
    ent.click("a:has-text('阅读并签署')")
    assert ent.locator("article.letter-doc >> text=第二十一条").count() >= 1
    ent.check("input[name=confirmed]")
    ent.fill("input[name=typed_name]", "司马璟堃")
    ent.click("button:has-text('确认签署')")
    ent.locator("text=签署成功").wait_for()
    assert no_horizontal_overflow(ent)
    shot(ent, "journey-letters-pledge-phone")
    pledge.refresh_from_db()
    assert pledge.status == "signed"

    # 5. The same 危化 enterprise publishes today's 安全风险研判与承诺公告 on the phone.
    ent.goto(f"{base}/accountability/daily/publish/")
    for row, (unit, signer) in enumerate((("甲班", "李赟"), ("储运车间", "王堃"), ("厂级", "司马璟堃"))):
        ent.fill(f"input[name=j-{row}-unit_name]", unit)
        ent.fill(f"input[name=j-{row}-signer_name]", signer)
    ent.fill("input[name=units_total]", "3")
    ent.fill("input[name=units_running]", "2")
    ent.fill("input[name=units_stopped]", "0")
    ent.fill("input[name=units_maintenance]", "1")
    ent.fill("input[name=hot_work_2]", "1")
    ent.fill("input[name=typed_name]", "司马璟堃")
    ent.check("input[name=confirmed]")
    ent.click("button:has-text('签字并发布')")
    ent.wait_for_url(re.compile(r"/accountability/daily/\d+/$"))
    assert ent.locator("text=司马璟堃").count() >= 1
    assert no_horizontal_overflow(ent)
    shot(ent, "journey-daily-pledge-phone")
    phone.close()

    # The township sees it on today's board (on time or late, depending on the hour in Asia/Shanghai).
    township = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    board = township.new_page()
    login(board, base, "official_a")
    board.goto(f"{base}/accountability/daily/")
    row = board.locator(f"[data-enterprise='{world.ent_a.pk}']")
    assert "已公告" in row.inner_text() or "迟报" in row.inner_text()
    township.close()

    page.goto(f"{base}/accountability/?year={year}")
    assert page.locator(".kind-pledge [data-figure=rate]").inner_text() == "100.0%"
    county.close()
