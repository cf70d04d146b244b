"""The campaign journey in Chromium: the county admin starts this year's 安全生产月 from its proposal
(the end date and the closing report's deadline moved, everything else as proposed) and launches
it; the township official (on a phone) reports the launch ceremony with a photo and submits the
closing report pre-filled from the records; the county admin sees both, the coverage and the
ranking, ends the campaign, drafts and publishes the 总结, and downloads its PDF."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from campaigns.models import ActivityAssignment, Campaign, ReportVersion
from inspections.models import Inspection
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, no_horizontal_overflow
from tests.browser.test_hazard_journey import login
from tests.conftest import World
from tests.inspections.conftest import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def test_a_safety_month_from_proposal_to_published_summary(
    browser: Any, live_server: Any, world: World, shot: Any, tmp_path: Path
) -> None:
    base = live_server.url
    today = timezone.localdate()
    year = today.year
    county = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    page = county.new_page()
    login(page, base, "county_admin")

    # 1. The county admin picks 安全生产月: the year's proposal, edited, becomes a draft.
    page.goto(f"{base}/campaigns/")
    page.click("text=发起专项行动")
    page.click("a.card:has-text('安全生产月')")
    assert page.input_value("input[name=name]") == f"{year}年安全生产月活动"
    assert page.locator("input[name$='-title']").count() == 10  # nine activities and one report task
    page.fill("input[name=ends_on]", (today + timedelta(days=20)).isoformat())
    page.fill("input[name='t-0-deadline']", (today + timedelta(days=10)).isoformat())
    page.check(f"input[name='u-units'][value='node:{world.town_a.pk}']")
    page.check(f"input[name='u-units'][value='node:{world.town_b.pk}']")
    shot(page, "journey-campaign-proposal")
    page.click("button:has-text('创建草稿')")
    page.wait_for_url(re.compile(r"/campaigns/\d+/$"))
    campaign = Campaign.objects.get()
    assert campaign.status == "draft" and campaign.activities.count() == 9
    page.click("a:has-text('启动')")
    page.click("button:has-text('确认启动')")
    page.locator("text=行动已启动").wait_for()
    campaign.refresh_from_db()
    assert campaign.status == "active" and campaign.targets.count() == 3

    # An inspection of one of town A's targets within the period: the coverage counts it.
    Inspection.objects.create(enterprise=world.ent_a, inspected_at=timezone.now(), created_by=world.official_a)

    # 2. The township official, on a phone: the launch ceremony with a photo, then the closing report.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    town = phone.new_page()
    login(town, base, "official_a")
    town.goto(f"{base}/campaigns/mine/")
    town.click("a:has-text('启动仪式')")
    town.fill("input[name=place]", "东城镇政府广场")
    town.fill("input[name=participants]", "150")
    town.fill("textarea[name=summary]", "镇党委书记王堃作动员讲话，企业负责人签订安全承诺。")
    photo = tmp_path / "launch.jpg"
    photo.write_bytes(jpeg().read())
    town.set_input_files("input[name=photos]", str(photo))
    town.click("button:has-text('报送')")
    town.locator("text=已报送").first.wait_for()
    assert no_horizontal_overflow(town)
    shot(town, "journey-campaign-activity-phone")
    assignment = ActivityAssignment.objects.get(activity__kind="launch", node=world.town_a)
    assert assignment.reported and assignment.attachments.count() == 1

    town.goto(f"{base}/campaigns/mine/")
    town.click("a:has-text('安全生产月活动总结报送')")
    # Pre-filled from the records: town A inspected one enterprise in the period.
    assert town.input_value("input[name=value_inspected_enterprises]") == "1"
    assert town.locator("text=系统统计 1").count() >= 1
    town.fill("input[name=value_trained]", "320")
    town.fill("textarea[name=text]", "围绕主题开展宣传咨询、应急演练和警示教育。")
    assert no_horizontal_overflow(town)
    shot(town, "journey-campaign-report-phone")
    town.click("button:has-text('报送')")
    town.locator("text=第 1 版").wait_for()
    version = ReportVersion.objects.get(report__node=world.town_a)
    assert version.figures["inspected_enterprises"] == {"value": "1", "system": "1", "note": ""}
    assert version.figures["trained"]["value"] == "320" and not version.late
    phone.close()

    # 3. The county admin sees the report, the activity result, the coverage and the ranking.
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.click("a:has-text('安全生产月活动总结报送')")
    assert page.locator("tr:has-text('东城镇') >> text=已报").count() == 1
    assert page.locator("tr:has-text('西山镇') >> text=待报").count() == 1
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.click("a:has-text('启动仪式')")
    assert page.locator("text=镇党委书记王堃作动员讲话").count() == 1
    page.goto(f"{base}/campaigns/{campaign.pk}/progress/")
    assert page.locator("text=覆盖率 33.3%（1/3）").count() >= 1
    ranking = page.locator("table.ranking tbody tr")
    assert ranking.nth(0).inner_text().split()[1] == "东城镇"  # 1 of 2 inspected before 西山镇's 0 of 1
    page.locator(".chart svg").wait_for()
    shot(page, "journey-campaign-progress")

    # 4. End, draft the 总结, publish it and download the PDF.
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.click("a:has-text('结束')")
    page.click("button:has-text('确认结束')")
    page.locator("text=行动已结束").wait_for()
    _summary_steps(page, base, campaign, tmp_path)
    county.close()


def _summary_steps(page: Any, base: str, campaign: Campaign, tmp_path: Path) -> None:
    """The 总结: drafted from the records on the first visit, the closing words typed, published;
    the PDF (rendered by the worker, eager here) downloaded and looked at as PNG pages."""
    page.click("a:has-text('起草总结')")
    text = page.locator("textarea[name=text]")
    draft = text.input_value()
    assert "安全生产月" in draft and "东城镇" in draft
    text.fill(draft.replace("（请结合存在问题填写下步工作打算。）", "把宣传教育融入日常监管。"))
    page.click("button:has-text('保存')")
    page.click("a:has-text('发布总结')")
    page.click("button:has-text('确认发布')")
    page.wait_for_url(re.compile(r"/summary/$"))
    page.reload()
    page.locator("a:has-text('下载总结PDF')").wait_for(timeout=60_000)
    with page.expect_download() as download_info:
        page.click("a:has-text('下载总结PDF')")
    pdf = tmp_path / "summary.pdf"
    download_info.value.save_as(pdf)
    words = _pdf_text(pdf)
    assert f"《{campaign.name}》工作总结" in words and "把宣传教育融入日常监管。" in words
    assert "王堃" in words  # the township's activity result, quoted in the summary
    assert "检查中未发现事故隐患。" in words and "整改率0.0%" not in words  # no rate of nothing
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUMMARISED
    # Its pages as PNGs, kept with the screenshots for a person to look at.
    out = ARTIFACTS / "screenshots" / "journey-campaign-summary"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out)], check=True)
    assert list(out.parent.glob("journey-campaign-summary-*.png"))
