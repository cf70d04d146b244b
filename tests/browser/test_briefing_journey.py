"""Journey (b) in Chromium: a leader asks for this month's briefing of their township, watches it
become ready, downloads it, and the PDF holds the month's figures."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from safetyops.briefings.models import Briefing
from tests.browser.conftest import PHONE, no_horizontal_overflow
from tests.browser.test_hazard_journey import login
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_requests_watches_and_downloads_a_briefing(
    browser: Any, live_server: Any, world: World, hazard_factory: Any, shot: Any, tmp_path: Path
) -> None:
    hazard_factory(enterprise=world.ent_a)
    hazard_factory(enterprise=world.ent_a, level="major")
    context = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    login(page, live_server.url, "leader_a")
    page.goto(f"{live_server.url}/briefings/")
    page.select_option("select[name=node]", str(world.town_a.pk))
    page.select_option("select[name=month]", f"{timezone.localdate():%Y-%m}")
    page.click("form.briefing-request button[type=submit]")
    page.wait_for_url(re.compile(r"/briefings/\d+/$"))
    page.locator("a:has-text('下载PDF')").wait_for(timeout=60_000)  # the status card polls until ready
    assert no_horizontal_overflow(page)
    shot(page, "journey-briefing-ready-phone")
    briefing = Briefing.objects.get(node=world.town_a)
    assert briefing.status == "draft" and briefing.requested_by == world.leader_a
    with page.expect_download() as download_info:
        page.click("a:has-text('下载PDF')")
    pdf = tmp_path / "briefing.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout,
    )
    assert "东城镇" in text and "安全生产工作简报" in text
    assert "发现事故隐患2项" in text or "新发现事故隐患2项" in text, text[:600]
    assert "重大事故隐患1项" in text
    context.close()
