"""The 重大 hazard's report (现状及原因, 危害程度和整改难易程度分析, with its 治理方案; 第十四条) and the
record that it was also reported to the workers' congress (双报告, 安全生产法 第四十一条).
Issue 14 item 10 (b) and (c)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import congress, services
from inspections.models import Hazard, HazardCongressReport
from inspections.services import HazardStepError, NotPermitted
from safetyops.core.models import AuditEvent
from tests.conftest import World
from tests.inspections.conftest import jpeg, pdf, plan_input
from tests.inspections.test_hazard_views import plan_data


def test_major_plan_needs_the_situation_and_the_analysis(world: World, hazard_factory: Callable[..., Hazard]) -> None:
    hazard = hazard_factory(level="major")
    with pytest.raises(HazardStepError, match="隐患的现状及其产生原因、隐患的危害程度和整改难易程度分析"):
        services.hazard_submit_plan(
            actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard, situation=" ", analysis="")
        )
    services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard))
    plan = hazard.plans.get()
    assert plan.situation.startswith("除尘系统未设泄爆装置") and plan.analysis.startswith("可能引发粉尘爆炸")


def test_major_plan_form_asks_for_the_report_and_the_hazard_page_shows_it(
    client: Any, world: World, hazard_factory: Callable[..., Hazard]
) -> None:
    hazard = hazard_factory(level="major")
    client.force_login(world.enterprise_a)
    url = reverse("inspections:hazard_plan", args=[hazard.pk])
    page = client.get(url).content.decode()
    assert "重大事故隐患报告（第十四条）" in page and "隐患的危害程度和整改难易程度分析" in page
    response = client.post(url, plan_data(hazard, situation=""))
    assert response.status_code == 400 and "请填写“隐患的现状及其产生原因”" in response.content.decode()
    assert not hazard.plans.exists()
    client.post(url, plan_data(hazard, situation="泄爆<b>装置</b>缺失，设计缺陷"))
    shown = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    assert "现状及原因" in shown and "泄爆&lt;b&gt;装置&lt;/b&gt;缺失" in shown and "危害程度和整改难易程度" in shown
    general = hazard_factory()
    assert "现状及其产生原因" not in client.get(reverse("inspections:hazard_plan", args=[general.pk])).content.decode()


def test_report_to_the_workers_congress(world: World, hazard_factory: Callable[..., Hazard]) -> None:
    hazard = hazard_factory(level="major")
    today = timezone.localdate()
    record: dict[str, Any] = {
        "hazard_id": hazard.pk,
        "body": "representatives",
        "reported_on": today,
        "note": "第三届职代会第二次会议通报",
    }
    for actor in (world.official_a, world.leader_a):
        with pytest.raises(NotPermitted):
            congress.hazard_report_to_congress(actor=actor, **record)
    with pytest.raises(HazardStepError, match="不在您的管辖范围"):
        congress.hazard_report_to_congress(actor=world.enterprise_b, **record)
    with pytest.raises(HazardStepError, match="不能晚于今天"):
        congress.hazard_report_to_congress(
            actor=world.enterprise_a, **{**record, "reported_on": today + timedelta(days=1)}
        )
    with pytest.raises(HazardStepError, match="不能早于隐患登记日期"):
        congress.hazard_report_to_congress(
            actor=world.enterprise_a, **{**record, "reported_on": today - timedelta(days=1)}
        )
    with pytest.raises(HazardStepError, match="请填写"):
        congress.hazard_report_to_congress(actor=world.enterprise_a, **{**record, "note": " "})
    with pytest.raises(HazardStepError, match="只有重大事故隐患"):
        congress.hazard_report_to_congress(actor=world.enterprise_a, **{**record, "hazard_id": hazard_factory().pk})
    assert not HazardCongressReport.objects.exists()
    report = congress.hazard_report_to_congress(actor=world.enterprise_a, **record, evidence=pdf("职代会记录.pdf"))
    assert (report.body, report.reported_on, report.evidence.owner) == ("representatives", today, hazard)
    assert AuditEvent.objects.filter(action="inspections.hazard.congress_reported", target_id=str(hazard.pk)).exists()


def test_congress_page_records_and_the_hazard_shows_it(
    client: Any, world: World, hazard_factory: Callable[..., Hazard]
) -> None:
    hazard = hazard_factory(level="major")
    client.force_login(world.enterprise_a)
    detail = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    assert (
        "向职工大会报告（双报告）" in detail
        and reverse("inspections:hazard_congress_report", args=[hazard.pk]) in detail
    )
    url = reverse("inspections:hazard_congress_report", args=[hazard.pk])
    today = timezone.localdate().isoformat()
    bad = client.post(url, {"body": "assembly", "reported_on": today, "note": "", "key": "k1"})
    assert bad.status_code == 400 and not HazardCongressReport.objects.exists()
    two = client.post(
        url,
        {"body": "assembly", "reported_on": today, "note": "通报", "evidence": [jpeg("a.jpg"), jpeg("b.jpg")]},
    )
    assert "只能上传一个文件" in two.content.decode() and not HazardCongressReport.objects.exists()
    done = client.post(
        url, {"body": "assembly", "reported_on": today, "note": "职工大会<i>通报</i>", "evidence": jpeg()}
    )
    assert done.status_code == 302
    shown = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    assert "职工大会&lt;i&gt;通报&lt;/i&gt;" in shown and "证明材料" in shown
    client.force_login(world.official_a)
    official_view = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    assert "职工大会&lt;i&gt;通报&lt;/i&gt;" in official_view and url not in official_view
    assert client.get(url).status_code == 403
