"""The whole path in Chromium at phone width: an official inspects with a checklist and a photo and
registers a hazard; the enterprise files the 五落实 plan and the evidence; the official verifies and
closes it (销号). Screenshots of every stage are kept in var/artifacts/screenshots/journey-*.png."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from inspections.models import Hazard, HazardEvent, Inspection
from tests.browser.conftest import PHONE, no_horizontal_overflow
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def big_photo(tmp_path: Path, name: str, colour: str) -> Path:
    """A 4000×3000 camera-sized photo: the browser must shrink it before upload."""
    path = tmp_path / name
    Image.new("RGB", (4000, 3000), colour).save(path, "JPEG", quality=95)
    return path


def login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-Word-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_inspect_register_rectify_verify_close(
    browser: Any, live_server: Any, world: World, shot: Any, tmp_path: Path
) -> None:
    base = live_server.url
    world.official_a.full_name = "李明"
    world.official_a.save()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. The official starts an inspection of 东城化工 and fails the first checklist item, with a photo.
    login(page, base, "official_a")
    page.goto(f"{base}/inspections/new/?enterprise={world.ent_a.pk}")
    page.click("main button[type=submit]:has-text('开始检查')")
    page.wait_for_url(re.compile(r"/inspections/\d+/$"))
    inspection = Inspection.objects.get(enterprise=world.ent_a)
    first_card = page.locator("main form[hx-post]").first
    first_card.locator("input[type=file]").set_input_files(str(big_photo(tmp_path, "site.jpg", "#884422")))
    first_card.locator("button[value=fail]").click()
    page.locator("a:has-text('登记为隐患')").first.wait_for()
    site_photo = inspection.results.get().attachments.get()
    with Image.open(site_photo.file.path) as stored:  # shrunk in the browser before the htmx post
        assert max(stored.size) == 1920
    assert no_horizontal_overflow(page)
    shot(page, "journey-1-checklist-phone")

    # 2. The failed item becomes a hazard in one step (prefilled form).
    page.click("a:has-text('登记为隐患')")
    page.check("input[name=level][value=general]")
    page.check("input[name=category][value=management]")
    page.locator("input[name=photos]").set_input_files(str(big_photo(tmp_path, "hazard.jpg", "#aa3322")))
    shot(page, "journey-2-register-phone")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('登记隐患')")
    page.wait_for_url(re.compile(r"/inspections/\d+/(#.*)?$"))
    hazard = Hazard.objects.get()
    assert hazard.inspection == inspection and hazard.checklist_item is not None
    assert page.locator(f"text={hazard.number}").first.is_visible()
    # The checklist photo came along as a 整改前 photo (the same stored file), next to the new one.
    assert hazard.attachments.filter(file=site_photo.file.name, role="before").exists()
    photo = hazard.attachments.exclude(file=site_photo.file.name).get()
    with Image.open(photo.file.path) as stored:
        assert max(stored.size) == 1920

    # 3. Findings, conclusion, signature: the record locks.
    page.fill("textarea[name=findings]", "现场检查发现配电箱门未关闭。")
    page.fill("textarea[name=conclusion]", "责令限期整改。")
    page.click("button:has-text('提交签字')")
    page.fill("input[name=typed_name]", "李明")
    page.check("input[name=confirmed]")
    page.click("main button[type=submit]:has-text('签字')")
    page.locator("text=已签字").first.wait_for()
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.LOCKED
    shot(page, "journey-3-signed-phone")

    # 4. The enterprise sees it in 我的隐患 and files the 五落实 plan.
    login(page, base, "enterprise_a")
    page.goto(f"{base}/hazards/mine/")
    assert page.locator(f"text={hazard.number}").first.is_visible()
    shot(page, "journey-4-my-hazards-phone")
    page.goto(f"{base}/hazards/{hazard.pk}/plan/")
    page.fill("textarea[name=measures]", "更换配电箱门锁，设置警示标志")
    page.fill("input[name=responsible_name]", "王强")
    page.fill("input[name=responsible_post]", "设备科长")
    page.fill("input[name=responsible_phone]", "13900001111")
    page.fill("input[name=funds]", "800")
    page.fill("input[name=deadline]", (timezone.localdate() + timedelta(days=5)).isoformat())
    page.fill("textarea[name=contingency]", "整改期间断电挂牌，专人监护")
    shot(page, "journey-5-plan-phone")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/hazards/{hazard.pk}/")
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.RECTIFYING

    # 5. Evidence: the after-photo (shrunk, with progress) and the money spent.
    page.goto(f"{base}/hazards/{hazard.pk}/completion/")
    page.fill("textarea[name=description]", "已更换门锁并张贴警示标志")
    page.fill("input[name=money_spent]", "650")
    page.locator("input[name=after_photos]").set_input_files(str(big_photo(tmp_path, "after.jpg", "#227733")))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/hazards/{hazard.pk}/")
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.AWAITING_VERIFICATION
    shot(page, "journey-6-awaiting-phone")

    # 6. The official verifies and closes (销号); the timeline shows every step.
    login(page, base, "official_a")
    page.goto(f"{base}/hazards/{hazard.pk}/verify/")
    page.check("input[name=decision][value=verify]")
    page.fill("textarea[name=opinion]", "经现场验收，整改到位，同意销号")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/hazards/{hazard.pk}/")
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED and hazard.closed_by == world.official_a
    assert list(hazard.events.values_list("action", flat=True)) == [
        HazardEvent.Action.REGISTERED,
        HazardEvent.Action.PLAN_SUBMITTED,
        HazardEvent.Action.COMPLETION_REPORTED,
        HazardEvent.Action.VERIFIED,
    ]
    assert page.locator("text=已销号").first.is_visible()
    assert no_horizontal_overflow(page)
    shot(page, "journey-7-closed-phone")
    assert not errors, errors
    context.close()


def test_enterprise_cannot_reach_another_enterprises_hazard_photo_or_export(
    browser: Any, live_server: Any, world: World, shot: Any
) -> None:
    from inspections import services
    from tests.inspections.conftest import jpeg

    hazard = services.hazard_register(
        actor=world.official_b,
        enterprise_id=world.ent_b.pk,
        photos=[jpeg()],
        data=services.HazardInput(
            level="general",
            category="thing",
            description="西山的隐患",
            deadline=timezone.localdate() + timedelta(days=9),
        ),
    )
    photo = hazard.attachments.get()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "enterprise_a")
    for path, status in [
        (f"/hazards/{hazard.pk}/", 404),
        (f"/files/{photo.pk}/", 404),
        (f"/files/{photo.pk}/thumb/", 404),
        ("/hazards/export.xlsx", 403),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == status, path
    shot(page, "journey-refused-phone")
    context.close()
