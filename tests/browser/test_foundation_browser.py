"""In a real Chromium: log in on a phone, read the dashboard, search the enterprise directory."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, no_horizontal_overflow
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-Word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_official_logs_in_and_searches(browser: Any, live_server: Any, world: World, shot: Any, viewport: dict) -> None:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/accounts/login/")
    assert "登录" in page.title()
    tag = "phone" if viewport is PHONE else "desktop"
    shot(page, f"login-{tag}")

    login(page, live_server.url, "official_a")
    assert page.locator("text=企业总数").is_visible()
    page.wait_for_selector(".chart svg")  # ECharts drew the vendored chart without a CDN
    assert no_horizontal_overflow(page)
    shot(page, f"dashboard-{tag}")

    if viewport is PHONE:
        page.click(".navbar-toggler")
    page.click("text=企业名录")
    page.wait_for_selector("table.enterprise-table")
    assert page.locator("text=东城化工有限公司").is_visible()
    assert page.locator("text=西山建设工程有限公司").count() == 0  # another township
    page.fill("input[name=q]", "建筑")
    page.locator("text=东城化工有限公司").wait_for(state="detached")
    assert page.locator("text=东城建筑有限公司").is_visible()
    assert "q=" in page.url  # htmx pushed the filter into the address bar
    assert no_horizontal_overflow(page)
    shot(page, f"enterprise-list-{tag}")
    assert not errors, errors  # no CSP violations or script errors
    context.close()


def test_enterprise_user_sees_only_their_enterprise(browser: Any, live_server: Any, world: World, shot: Any) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "enterprise_a")
    assert page.locator("h1", has_text="东城化工有限公司").is_visible()
    response = page.goto(f"{live_server.url}/enterprises/{world.ent_b.pk}/")
    assert response is not None and response.status == 404
    assert page.locator("text=不在您的管辖范围内").is_visible()
    shot(page, "enterprise-user-404-phone")
    context.close()
