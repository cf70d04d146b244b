"""The upload widget on a phone (Chromium, 390 px): a chosen photo shows as a small preview that
leaves the checklist's buttons usable, and a file the server would refuse for its size is refused in
the browser, before a byte of it is sent."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from inspections.models import ChecklistResult, Inspection
from tests.browser.conftest import PHONE
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-Word-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def start_inspection(page: Any, base: str, world: World) -> Any:
    """Official A's new inspection of 东城化工 at phone width; returns the first checklist card."""
    login(page, base, "official_a")
    page.goto(f"{base}/inspections/new/?enterprise={world.ent_a.pk}")
    page.click("main button[type=submit]:has-text('开始检查')")
    page.wait_for_url(re.compile(r"/inspections/\d+/$"))
    card = page.locator(".check-item").first
    card.locator("summary").click()  # 说明和照片
    return card


def camera_photo(tmp_path: Path) -> Path:
    path = tmp_path / "site.jpg"
    Image.new("RGB", (4000, 3000), "#884422").save(path, "JPEG", quality=90)
    return path


def fits(page: Any, card: Any) -> None:
    """The page is no wider than the phone; the preview is a thumbnail inside its card and the
    result buttons are on top where they are drawn (nothing covers them)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    preview = card.locator(".upload-preview img").first.bounding_box()
    box = card.bounding_box()
    assert preview["width"] <= 100 and preview["height"] <= 100
    assert box["x"] <= preview["x"] and preview["x"] + preview["width"] <= box["x"] + box["width"]


def test_a_chosen_photo_previews_small_on_the_checklist_and_the_hazard_page(
    browser: Any, live_server: Any, world: World, tmp_path: Path, shot: Any
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    card = start_inspection(page, live_server.url, world)

    card.locator("input[type=file]").set_input_files(str(camera_photo(tmp_path)))
    card.locator(".upload-preview img").wait_for()

    # Before: the preview was drawn 1920 px wide (its rules were in a stylesheet this page did not
    # load), the page became 1975 px wide and the photo covered 符合/不符合.
    fits(page, card)
    for value in ("pass", "fail", "na"):
        button = card.locator(f"button[value={value}]")
        button.scroll_into_view_if_needed()
        centre = button.bounding_box()
        hit = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.closest('button')?.value ?? null",
            [centre["x"] + centre["width"] / 2, centre["y"] + centre["height"] / 2],
        )
        assert hit == value
    shot(page, "upload-preview-checklist-phone")

    card.locator("button[value=fail]").click()
    page.locator("a:has-text('登记为隐患')").first.click()
    page.wait_for_url(re.compile(r"/items/\d+/hazard/"))
    form = page.locator("form[data-upload-form]")
    form.locator("input[name=photos]").set_input_files(str(camera_photo(tmp_path)))
    form.locator(".upload-preview img").wait_for()
    fits(page, form)
    shot(page, "upload-preview-register-phone")
    context.close()


def noise_png(tmp_path: Path, side: int) -> Path:
    """A photo that cannot be shrunk: no larger than 1920 px, and noise does not compress."""
    path = tmp_path / "噪点.png"
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, "PNG")
    return path


def test_a_file_over_the_limit_is_refused_before_it_is_sent(
    browser: Any, live_server: Any, world: World, tmp_path: Path, settings: Any, shot: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    card = start_inspection(page, live_server.url, world)
    posts: list[Any] = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)

    # A photo the browser cannot make smaller than the limit: refused at once, with the reason.
    photo = noise_png(tmp_path, 800)
    assert photo.stat().st_size > 1024 * 1024
    card.locator("input[type=file]").set_input_files(str(photo))
    refused = card.locator(".upload-refused")
    refused.wait_for()
    assert "“噪点.png”有" in refused.inner_text() and "超过上限 1.0 MB，未添加，不会上传" in refused.inner_text()
    assert card.locator(".upload-preview img").count() == 0
    assert page.evaluate("document.querySelector('.check-item input[type=file]').files.length") == 0
    page.wait_for_timeout(300)
    assert posts == []  # nothing was sent
    shot(page, "upload-refused-checklist-phone")

    # The answer itself still saves, without the photo: the post is small.
    with page.expect_response(re.compile(r"/items/\d+/$")) as answered:
        card.locator("button[value=fail]").click()
    assert answered.value.ok
    [post] = posts
    assert len(post.post_data_buffer or b"") < 100_000
    result = ChecklistResult.objects.get(inspection=Inspection.objects.get())
    assert result.result == ChecklistResult.Result.FAIL and not result.attachments.exists()

    # A PDF (not an image, so never shrunk) over the limit on the 登记为隐患 form: refused alike.
    page.locator("a:has-text('登记为隐患')").first.click()
    page.wait_for_url(re.compile(r"/items/\d+/hazard/"))
    posts.clear()
    document = tmp_path / "检测报告.pdf"
    document.write_bytes(b"%PDF-1.4\n" + os.urandom(1536 * 1024))
    form = page.locator("form[data-upload-form]")
    form.locator("input[name=photos]").set_input_files(str(document))
    form.locator(".upload-refused").wait_for()
    assert "“检测报告.pdf”有 1.5 MB，超过上限 1.0 MB" in form.locator(".upload-refused").inner_text()
    page.wait_for_timeout(300)
    assert posts == []
    context.close()
