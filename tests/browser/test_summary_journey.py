"""The county admin opens the summary of an ended campaign on a phone (drafted on the first
visit), edits it, publishes it, and downloads the PDF the worker rendered."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from campaigns import summary
from campaigns.models import Campaign
from tests.briefings.conftest import pdf_text, squeezed
from tests.browser.conftest import PHONE, no_horizontal_overflow
from tests.browser.test_hazard_journey import login
from tests.campaigns.factories import ended_campaign
from tests.campaigns.test_summary import NAME, RARE, campaign  # noqa: F401 - a fixture
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_edits_publishes_and_downloads_the_summary(
    browser: Any,
    live_server: Any,
    world: World,
    campaign: Campaign,  # noqa: F811
    shot: Any,
    tmp_path: Path,
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    login(page, live_server.url, "county_admin")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/summary/")
    textarea = page.locator("textarea[name=text]")
    assert "共列入目标企业3家" in textarea.input_value()
    assert no_horizontal_overflow(page)
    shot(page, "journey-summary-edit-phone")
    textarea.fill(textarea.input_value().replace("1. （请结合存在问题填写下步工作打算。）", "1. 巩固整治成果。"))
    page.click("button:has-text('保存')")
    page.locator(".alert:has-text('总结已保存')").wait_for()
    page.click("a:has-text('发布总结')")
    page.click("button:has-text('确认发布')")
    page.wait_for_url(re.compile(r"/summary/$"))
    page.reload()  # the worker (eager here) has rendered it by now
    page.locator("a:has-text('下载总结PDF')").wait_for(timeout=60_000)
    shot(page, "journey-summary-published-phone")
    with page.expect_download() as download_info:
        page.click("a:has-text('下载总结PDF')")
    pdf = tmp_path / "summary.pdf"
    download_info.value.save_as(pdf)
    text = squeezed(pdf_text(pdf))
    assert f"《{NAME}》工作总结" in text and RARE in text and "1.巩固整治成果。" in text
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUMMARISED
    context.close()


def test_the_published_summary_shows_its_pdf_once_the_worker_has_rendered_it(
    browser: Any, live_server: Any, world: World, monkeypatch: Any
) -> None:
    """The page polls while the PDF is queued: the download appears without a reload."""
    ended = ended_campaign(world)
    summary.summary_draft(actor=world.county_admin, campaign_id=ended.pk)
    monkeypatch.setattr(summary, "_enqueue", lambda summary_id: None)  # the worker has not got to it yet
    published = summary.summary_publish(actor=world.county_admin, campaign_id=ended.pk)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "county_admin")
    page.goto(f"{live_server.url}/campaigns/{ended.pk}/summary/")
    page.locator("#summary-status .spinner-border").wait_for()
    assert page.locator("a:has-text('下载总结PDF')").count() == 0
    summary.summary_render(summary_id=published.pk)  # the worker renders it
    page.locator("#summary-status a:has-text('下载总结PDF')").wait_for(timeout=30_000)
    assert page.locator("#summary-status").count() == 1  # swapped in place, not nested
    context.close()
