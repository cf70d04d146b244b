"""No boxes on a device without CJK fonts: Chromium is offered only DejaVu (tests/browser/conftest.py),
and for every rendered text node with Chinese in it the DevTools protocol must report the vendored
"SafetyOps Sans" as the only font that drew it, on the login page, the dashboard (its ECharts
labels included), the ledger and the Django admin. Rare name characters outside GB2312 included."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inspections.models import Hazard
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import World
from tools.fontcheck import CJK, LATIN_FONT_DIR, VENDORED_FAMILY, font_usage, not_vendored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RARE = "堃赟璟喆昇垚"  # common in names, outside GB2312
RARE_ENTERPRISE = "东城堃赟璟喆昇垚化工有限公司"


def login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-Word-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def settle(page: Any) -> None:
    """Wait until the font slices the page needs are loaded and the charts are drawn."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
    page.wait_for_load_state("networkidle")


def assert_vendored_only(page: Any, shot: Any, name: str, *, at_least: int = 5) -> list[dict[str, Any]]:
    settle(page)
    shot(page, f"fonts-{name}")
    usage = font_usage(page)
    cjk_nodes = [item for item in usage if CJK.search(item["text"])]
    assert len(cjk_nodes) >= at_least, f"{name}: only {len(cjk_nodes)} Chinese text nodes rendered"
    bad = not_vendored(usage)
    assert not bad, f"{name}: text drawn by another font (boxes on a device without CJK fonts): {bad[:10]}"
    return usage


@pytest.fixture
def rare_world(world: World, hazard_factory: Callable[..., Hazard]) -> World:
    world.ent_a.name = RARE_ENTERPRISE
    world.ent_a.save(update_fields=["name"])
    world.county_admin.first_name = "李喆"  # the admin's header greets the user by this name
    world.county_admin.save(update_fields=["first_name"])
    hazard_factory(level="major", status="rectifying")
    hazard_factory(level="general", status="registered")
    return world


def test_the_browser_has_no_cjk_font_but_the_vendored_one(browser: Any, live_server: Any) -> None:
    """Control: the check fails on tofu. A character the font lacks (Ext B) is reported, and text
    in the system stack alone (the old app.css order put system-ui first) is drawn by DejaVu."""
    assert Path(LATIN_FONT_DIR).is_dir()
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
        const a = document.createElement("p"); a.textContent = "生产\\u{20000}"; document.body.append(a);
        const b = document.createElement("p"); b.textContent = "安全生产"; b.style.fontFamily = "system-ui, sans-serif";
        document.body.append(b);
    }"""
    )
    settle(page)
    bad = not_vendored(font_usage(page))
    assert any("生产\U00020000" in line for line in bad), bad
    assert any("'安全生产'" in line and "DejaVu" in line for line in bad), bad
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_login_dashboard_and_ledger_use_only_the_vendored_font(
    browser: Any, live_server: Any, rare_world: World, shot: Any, viewport: dict
) -> None:
    tag = "phone" if viewport is PHONE else "desktop"
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert_vendored_only(page, shot, f"login-{tag}")

    login(page, live_server.url, "county_admin")
    page.wait_for_selector(".chart svg text")
    usage = assert_vendored_only(page, shot, f"dashboard-{tag}")
    svg_labels = page.evaluate("[...document.querySelectorAll('.chart svg text')].map(t => t.textContent)")
    assert "东城镇" in svg_labels  # the chart's labels were among the nodes checked
    assert any(item["text"] == "东城镇" for item in usage)

    login(page, live_server.url, "official_a")
    page.goto(f"{live_server.url}/hazards/")
    usage = assert_vendored_only(page, shot, f"ledger-{tag}")
    rare_nodes = [item for item in usage if RARE_ENTERPRISE in item["text"]]
    assert rare_nodes, "the enterprise with rare characters is not on the ledger"
    for item in rare_nodes:
        fonts = item["fonts"]
        assert [f["familyName"] for f in fonts] == [VENDORED_FAMILY], fonts
        assert sum(f["glyphCount"] for f in fonts) >= len(RARE_ENTERPRISE)
    context.close()


def test_the_admin_uses_the_vendored_font_and_speaks_chinese_in_its_widgets(
    browser: Any, live_server: Any, rare_world: World, shot: Any
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "county_admin")
    page.goto(f"{live_server.url}/admin/")
    usage = assert_vendored_only(page, shot, "admin-index")
    assert any("李喆" in item["text"] for item in usage), [item["text"] for item in usage][:20]

    page.goto(f"{live_server.url}/admin/orgs/user/{rare_world.official_a.pk}/change/")
    page.wait_for_selector(".selector-chooseall")
    assert_vendored_only(page, shot, "admin-user-change")
    # The filter_horizontal widget of the membership's sectors: the JavaScript catalog is Chinese.
    buttons = " ".join(page.locator(".selector button, .selector a, .selector h2, .selector span").all_inner_texts())
    assert "Choose" not in buttons and "Remove" not in buttons, buttons
    assert "选择全部" in buttons and "移除全部" in buttons, buttons
    context.close()
