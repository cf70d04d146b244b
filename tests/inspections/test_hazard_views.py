"""The hazard pages: each 五落实 step through its view, as the right role, a wrong role and an outsider."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import CompletionReport, Hazard, HazardEvent, HazardExtension, HazardPlan
from safetyops.evidence.models import Attachment
from tests.conftest import World
from tests.inspections.conftest import jpeg, open_inspection, pdf, plan_input

MakeHazard = Callable[..., Hazard]


def today() -> Any:
    return timezone.localdate()


def new_key() -> str:
    return uuid.uuid4().hex


def url(name: str, hazard: Hazard) -> str:
    return reverse(name, kwargs={"pk": hazard.pk})


def plan_data(hazard: Hazard, **overrides: Any) -> dict[str, Any]:
    plan = plan_input(hazard)
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in plan.__dict__.items()}
    data["key"] = new_key()
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def events(hazard: Hazard) -> list[str]:
    return list(hazard.events.order_by("pk").values_list("action", flat=True))


def text_of(response: Any) -> str:
    return response.content.decode()


def snapshot(hazard: Hazard) -> tuple[Any, ...]:
    hazard.refresh_from_db()
    return (
        hazard.status,
        hazard.deadline,
        hazard.listed_supervision,
        hazard.events.count(),
        hazard.plans.count(),
        hazard.extensions.count(),
        hazard.completion_reports.count(),
        Attachment.objects.filter(hazard=hazard).count(),
    )


# Detail -----------------------------------------------------------------------------------------


def test_detail_shows_the_hazard_and_only_the_enterprise_steps(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    hazard = hazard_factory()
    client.force_login(world.enterprise_a)
    response = client.get(url("inspections:hazard_detail", hazard))
    page = text_of(response)
    assert response.status_code == 200
    assert hazard.number in page and "配电箱门未关闭" in page and "二号车间" in page
    assert "待报整改方案" in page and "东城化工有限公司" in page
    assert url("inspections:hazard_plan", hazard) in page
    assert url("inspections:hazard_extension_request", hazard) in page
    assert (
        url("inspections:hazard_plan_decide", hazard) not in page
        and url("inspections:hazard_fix_on_spot", hazard) not in page
    )
    photo = Attachment.objects.get(hazard=hazard)
    assert reverse("evidence:attachment_thumbnail", args=[photo.pk]) in page
    assert reverse("evidence:attachment_download", args=[photo.pk]) in page


def test_detail_shows_the_official_steps(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    registered = hazard_factory(inspection=open_inspection(world))
    pending = hazard_factory(level="major", status="plan_pending")
    awaiting = hazard_factory(status="awaiting_verification")
    client.force_login(world.official_a)
    page = text_of(client.get(url("inspections:hazard_detail", registered)))
    assert (
        url("inspections:hazard_fix_on_spot", registered) in page
        and url("inspections:hazard_plan", registered) not in page
    )
    page = text_of(client.get(url("inspections:hazard_detail", pending)))
    assert url("inspections:hazard_plan_decide", pending) in page
    assert url("inspections:hazard_list_supervision", pending) not in page  # only the county lists
    page = text_of(client.get(url("inspections:hazard_detail", awaiting)))
    assert url("inspections:hazard_verify", awaiting) in page and "2800.00" in page

    client.force_login(world.county_admin)
    page = text_of(client.get(url("inspections:hazard_detail", pending)))
    assert url("inspections:hazard_list_supervision", pending) in page


def test_detail_of_a_major_plan_shows_all_six_parts(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(level="major", status="rectifying")
    client.force_login(world.leader_a)
    response = client.get(url("inspections:hazard_detail", hazard))
    page = text_of(response)
    assert response.status_code == 200
    for part in [
        "更换破损防护罩",
        "王强",
        "设备科长",
        "13900001111",
        "3000.00",
        "整改期间停用该设备",
        "消除粉尘爆炸风险",
    ]:
        assert part in page
    assert "重大隐患" in page and "待您办理" not in page  # a leader only reads


def test_detail_shows_overdue_days(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(deadline=today() + timedelta(days=1))
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        client.force_login(world.official_a)  # inside: sessions expire
        page = text_of(client.get(url("inspections:hazard_detail", hazard)))
    assert "逾期 3 天" in page


def test_detail_checks_ownership(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory()
    for outsider in [world.official_b, world.enterprise_b, world.supervisor_a, world.nobody]:
        client.force_login(outsider)
        assert client.get(url("inspections:hazard_detail", hazard)).status_code == 404


def _grow_history(hazard: Hazard, world: World, events_wanted: int) -> None:
    """Add lifecycle events (returned 重大 plans, refused extensions) until the hazard has that many."""
    steps = [
        lambda: services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard)),
        lambda: services.hazard_return_plan(actor=world.official_a, hazard_id=hazard.pk, reason="措施不具体"),
        lambda: services.hazard_request_extension(
            actor=world.enterprise_a,
            hazard_id=hazard.pk,
            reason="设备到货延迟",
            requested_deadline=hazard.deadline + timedelta(days=10),
        ),
        lambda: services.hazard_decide_extension(
            actor=world.official_a, hazard_id=hazard.pk, approve=False, comment="不同意"
        ),
    ]
    done = hazard.events.count()
    while done < events_wanted:
        steps[(done - 1) % len(steps)]()
        done += 1
    assert hazard.events.count() == events_wanted


def _count_queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_detail_query_count_does_not_grow_with_history(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    small, large = hazard_factory(level="major"), hazard_factory(level="major")
    _grow_history(small, world, 2)
    _grow_history(large, world, 10)
    client.force_login(world.official_a)
    _count_queries(client, url("inspections:hazard_detail", small))  # warm the session and the scope
    assert _count_queries(client, url("inspections:hazard_detail", large)) == _count_queries(
        client, url("inspections:hazard_detail", small)
    )


# 我的隐患 ---------------------------------------------------------------------------------------


def test_my_hazards_lists_what_is_needed_next_overdue_first(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    later = hazard_factory(deadline=today() + timedelta(days=30))
    overdue = hazard_factory(deadline=today() + timedelta(days=1))
    rectifying = hazard_factory(status="rectifying", deadline=today() + timedelta(days=20))
    pending = hazard_factory(level="major", status="plan_pending", deadline=today() + timedelta(days=20))
    awaiting = hazard_factory(status="awaiting_verification", deadline=today() + timedelta(days=20))
    closed = hazard_factory(status="closed")
    other = hazard_factory(enterprise=world.ent_b)
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        client.force_login(world.enterprise_a)
        response = client.get(reverse("inspections:my_hazards"))
    page = text_of(response)
    assert response.status_code == 200
    assert other.number not in page
    positions = [page.index(h.number) for h in (overdue, rectifying, later, pending, awaiting, closed)]
    assert positions == sorted(positions)
    assert "逾期 2 天" in page and f"已逾期，请立即提交整改方案（期限 {overdue.deadline.isoformat()}）" in page
    assert f"请在 {later.deadline.isoformat()} 前提交整改方案" in page
    assert f"整改中，请在 {rectifying.deadline.isoformat()} 前报告完成" in page
    assert "方案待安监办审批" in page and "待验收" in page
    assert "<details" in page[page.index(rectifying.number) : page.index(closed.number)]


def test_my_hazards_says_a_returned_plan_must_be_corrected(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    hazard = hazard_factory(level="major", status="plan_pending")
    services.hazard_return_plan(actor=world.official_a, hazard_id=hazard.pk, reason="资金未落实")
    client.force_login(world.enterprise_a)
    assert "方案已退回" in text_of(client.get(reverse("inspections:my_hazards")))


@pytest.mark.parametrize("role", ["official_a", "county_admin", "leader_a", "supervisor_a", "nobody"])
def test_my_hazards_is_for_enterprise_users_only(client: Any, world: World, role: str) -> None:
    client.force_login(world.users()[role])
    assert client.get(reverse("inspections:my_hazards")).status_code == 403


def test_my_hazards_query_count_does_not_grow(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    client.force_login(world.enterprise_a)
    hazard_factory(status="rectifying")
    hazard_factory(status="closed")
    client.get(reverse("inspections:my_hazards"))
    few = _count_queries(client, reverse("inspections:my_hazards"))
    for status in ["registered", "plan_pending", "rectifying", "awaiting_verification"] * 2:
        hazard_factory(status=status, level="major" if status == "plan_pending" else "general")
    assert Hazard.objects.filter(enterprise=world.ent_a).count() == 10
    assert _count_queries(client, reverse("inspections:my_hazards")) == few


# Registration -----------------------------------------------------------------------------------


def create_data(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": new_key(),
        "level": "general",
        "category": "thing",
        "sector": world.sector_chem.pk,
        "location": "罐区",
        "description": "储罐区静电接地线断开",
        "photos": [jpeg()],
    }
    data.update(overrides)
    return data


def test_enterprise_registers_a_self_found_hazard(client: Any, world: World) -> None:
    client.force_login(world.enterprise_a)
    response = client.post(reverse("inspections:hazard_create"), create_data(world))
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == url("inspections:hazard_detail", hazard)
    assert hazard.enterprise == world.ent_a and hazard.source == Hazard.Source.SELF
    assert hazard.deadline == today() + timedelta(days=15)  # the default for 一般
    assert events(hazard) == ["registered"]
    assert Attachment.objects.filter(hazard=hazard, role="before").count() == 1


def test_enterprise_cannot_register_for_another_enterprise(client: Any, world: World) -> None:
    client.force_login(world.enterprise_a)
    response = client.post(f"{reverse('inspections:hazard_create')}?enterprise={world.ent_b.pk}", create_data(world))
    assert response.status_code == 404
    assert not Hazard.objects.exists()


def test_official_registers_a_major_hazard_with_default_deadline(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    path = f"{reverse('inspections:hazard_create')}?enterprise={world.ent_a.pk}"
    assert 'name="fixed_on_spot"' not in client.get(path).content.decode()  # 当场整改 lives in the inspection
    response = client.post(path, create_data(world, level="major", photos=[jpeg(), jpeg("2.jpg")]))
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert hazard.level == "major" and hazard.source == Hazard.Source.INSPECTION
    assert hazard.deadline == today() + timedelta(days=60)
    assert Attachment.objects.filter(hazard=hazard).count() == 2


def test_registration_outside_an_inspection_cannot_close_on_the_spot(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    path = f"{reverse('inspections:hazard_create')}?enterprise={world.ent_a.pk}"
    page = client.get(path).content.decode()
    assert 'name="fixed_on_spot"' not in page and "当场整改须在检查中确认" in page
    client.post(path, create_data(world, fixed_on_spot="on", after_photos=[jpeg("after.jpg", colour="green")]))
    hazard = Hazard.objects.get()
    assert hazard.status == "registered" and not hazard.fixed_on_spot
    assert events(hazard) == ["registered"]


def test_registration_rejects_a_sector_of_another_enterprise_and_a_past_deadline(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    path = f"{reverse('inspections:hazard_create')}?enterprise={world.ent_a.pk}"
    response = client.post(path, create_data(world, sector=world.sector_build.pk))
    assert response.status_code == 400
    response = client.post(path, create_data(world, deadline=(today() - timedelta(days=1)).isoformat()))
    assert response.status_code == 400 and "整改期限不能早于今天" in text_of(response)
    assert not Hazard.objects.exists()


def test_registration_checks_ownership_and_rights(client: Any, world: World) -> None:
    path = f"{reverse('inspections:hazard_create')}?enterprise={world.ent_a.pk}"
    client.force_login(world.official_b)
    assert client.get(path).status_code == 404
    assert client.post(path, create_data(world)).status_code == 404
    client.force_login(world.leader_a)
    assert client.get(path).status_code == 403
    assert client.post(path, create_data(world)).status_code == 403
    client.force_login(world.nobody)
    assert client.get(reverse("inspections:hazard_create")).status_code == 403
    assert not Hazard.objects.exists()


def test_official_without_enterprise_gets_a_scoped_picker(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    page = text_of(client.get(reverse("inspections:hazard_create")))
    assert "东城化工有限公司" in page and "西山建设工程有限公司" not in page
    page = text_of(client.get(reverse("inspections:hazard_create"), {"q": "建筑"}))
    assert f"?enterprise={world.ent_a2.pk}" in page and "东城化工有限公司" not in page


# 五落实 plan ------------------------------------------------------------------------------------


def test_enterprise_submits_a_general_plan_that_takes_effect(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    hazard = hazard_factory()
    client.force_login(world.enterprise_a)
    page = text_of(client.get(url("inspections:hazard_plan", hazard)))
    assert 'name="key"' in page and "五、预案" in page
    response = client.post(url("inspections:hazard_plan", hazard), plan_data(hazard))
    assert response.status_code == 302 and response["Location"] == url("inspections:hazard_detail", hazard)
    hazard.refresh_from_db()
    assert hazard.status == "rectifying"
    assert events(hazard) == ["registered", "plan_submitted"]
    assert hazard.plans.get().decision == HazardPlan.Decision.APPROVED


def test_major_plan_needs_the_six_parts_and_waits_for_approval(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    hazard = hazard_factory(level="major")
    client.force_login(world.enterprise_a)
    before = snapshot(hazard)
    response = client.post(url("inspections:hazard_plan", hazard), plan_data(hazard, goal=""))
    assert response.status_code == 400 and "治理的目标和任务" in text_of(response)
    assert snapshot(hazard) == before
    client.post(url("inspections:hazard_plan", hazard), plan_data(hazard))
    hazard.refresh_from_db()
    assert hazard.status == "plan_pending"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"responsible_phone": ""}, "请填写责任人联系电话"),
        ({"measures": ""}, "请填写“整改措施”"),
        ({"contingency": ""}, "请填写“应急预案及整改期间安全措施”"),
        ({"funds": "-1"}, "不能为负数"),
        ({"funds": "0", "funds_reason": ""}, "整改资金为0时，须说明无需资金的理由"),
        ({"deadline": "LATER"}, "不能晚于整改期限"),
    ],
)
def test_bad_plan_is_explained_and_nothing_changes(
    client: Any, world: World, hazard_factory: MakeHazard, overrides: dict[str, str], message: str
) -> None:
    hazard = hazard_factory()
    if overrides.get("deadline") == "LATER":
        overrides = {"deadline": (hazard.deadline + timedelta(days=1)).isoformat()}
    client.force_login(world.enterprise_a)
    before = snapshot(hazard)
    response = client.post(url("inspections:hazard_plan", hazard), plan_data(hazard, **overrides))
    assert response.status_code == 400
    assert message in text_of(response)
    assert snapshot(hazard) == before


def test_zero_funds_with_a_reason_is_accepted(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory()
    client.force_login(world.enterprise_a)
    client.post(url("inspections:hazard_plan", hazard), plan_data(hazard, funds="0", funds_reason="本单位电工自行整改"))
    hazard.refresh_from_db()
    assert hazard.status == "rectifying" and hazard.plans.get().funds == 0


def test_plan_in_the_wrong_state_is_refused_with_the_service_message(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    hazard = hazard_factory(status="rectifying")
    client.force_login(world.enterprise_a)
    assert "现在不能办理此事项" in text_of(client.get(url("inspections:hazard_plan", hazard)))
    before = snapshot(hazard)
    response = client.post(url("inspections:hazard_plan", hazard), plan_data(hazard))
    assert response.status_code == 400 and "当前状态为“整改中”" in text_of(response)
    assert snapshot(hazard) == before


def test_overdue_hazard_still_takes_a_plan_at_the_passed_deadline(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    hazard = hazard_factory(deadline=today() + timedelta(days=1))
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        client.force_login(world.enterprise_a)
        assert url("inspections:hazard_plan", hazard) in text_of(client.get(url("inspections:hazard_detail", hazard)))
        earlier = (hazard.deadline - timedelta(days=1)).isoformat()
        response = client.post(url("inspections:hazard_plan", hazard), plan_data(hazard, deadline=earlier))
        assert response.status_code == 400 and "方案完成时限不能早于今天" in text_of(response)
        client.post(url("inspections:hazard_plan", hazard), plan_data(hazard, deadline=hazard.deadline.isoformat()))
        hazard.refresh_from_db()
        assert hazard.status == "rectifying" and hazard.is_overdue()


@pytest.mark.parametrize(("role", "code"), [("official_a", 403), ("leader_a", 403), ("official_b", 404)])
def test_plan_is_for_the_enterprise_only(
    client: Any, world: World, hazard_factory: MakeHazard, role: str, code: int
) -> None:
    hazard = hazard_factory()
    client.force_login(world.users()[role])
    before = snapshot(hazard)
    assert client.get(url("inspections:hazard_plan", hazard)).status_code == code
    assert client.post(url("inspections:hazard_plan", hazard), plan_data(hazard)).status_code == code
    assert snapshot(hazard) == before


def test_plan_of_another_enterprise_is_not_found(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory()
    client.force_login(world.enterprise_b)
    assert client.post(url("inspections:hazard_plan", hazard), plan_data(hazard)).status_code == 404
    assert hazard.plans.count() == 0


def test_returned_plan_is_offered_again_with_the_reason(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(level="major", status="plan_pending")
    services.hazard_return_plan(actor=world.official_a, hazard_id=hazard.pk, reason="应急预案过于简单")
    client.force_login(world.enterprise_a)
    page = text_of(client.get(url("inspections:hazard_plan", hazard)))
    assert "应急预案过于简单" in page and "更换破损防护罩" in page


# Plan decision ----------------------------------------------------------------------------------


def test_official_approves_a_major_plan(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(level="major", status="plan_pending")
    client.force_login(world.official_a)
    assert "更换破损防护罩" in text_of(client.get(url("inspections:hazard_plan_decide", hazard)))
    response = client.post(url("inspections:hazard_plan_decide", hazard), {"key": new_key(), "decision": "approve"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "rectifying" and events(hazard)[-1] == "plan_approved"


def test_returning_a_plan_needs_a_reason(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(level="major", status="plan_pending")
    client.force_login(world.official_a)
    before = snapshot(hazard)
    response = client.post(url("inspections:hazard_plan_decide", hazard), {"key": new_key(), "decision": "return"})
    assert response.status_code == 400 and "退回方案须说明理由" in text_of(response)
    assert snapshot(hazard) == before
    client.post(
        url("inspections:hazard_plan_decide", hazard), {"key": new_key(), "decision": "return", "comment": "资金不足"}
    )
    hazard.refresh_from_db()
    assert hazard.status == "registered" and hazard.plans.get().decision_comment == "资金不足"


@pytest.mark.parametrize(("role", "code"), [("enterprise_a", 403), ("leader_a", 403), ("official_b", 404)])
def test_plan_decision_is_for_officials_in_scope(
    client: Any, world: World, hazard_factory: MakeHazard, role: str, code: int
) -> None:
    hazard = hazard_factory(level="major", status="plan_pending")
    client.force_login(world.users()[role])
    before = snapshot(hazard)
    response = client.post(url("inspections:hazard_plan_decide", hazard), {"key": new_key(), "decision": "approve"})
    assert response.status_code == code
    assert snapshot(hazard) == before


# Completion -------------------------------------------------------------------------------------


def test_enterprise_reports_completion_with_photos_and_documents(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    hazard = hazard_factory(status="rectifying")
    client.force_login(world.enterprise_a)
    page = text_of(client.get(url("inspections:hazard_completion", hazard)))
    assert "data-upload-form" in page and "data-shrink" in page and "js/uploads.js" in page
    data = {
        "key": new_key(),
        "description": "已更换防护罩",
        "money_spent": "2800.50",
        "after_photos": [jpeg("a1.jpg"), jpeg("a2.jpg")],
        "documents": [pdf("发票.pdf")],
    }
    response = client.post(url("inspections:hazard_completion", hazard), data)
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "awaiting_verification"
    assert hazard.completion_reports.get().money_spent == Decimal("2800.50")
    event = hazard.events.get(action="completion_reported")
    assert sorted(event.attachments.values_list("role", flat=True)) == ["after", "after", "document"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "请至少上传一张整改后照片"),
        ({"after_photos": [pdf()]}, "不是图片"),
        ({"after_photos": [SimpleUploadedFile("after.png", b"just some text", "image/png")]}, "不是有效的图片"),
        ({"after_photos": [jpeg()], "documents": [SimpleUploadedFile("x.pdf", b"", "application/pdf")]}, "空文件"),
    ],
)
def test_bad_completion_is_explained_and_nothing_changes(
    client: Any, world: World, hazard_factory: MakeHazard, files: dict[str, Any], message: str
) -> None:
    hazard = hazard_factory(status="rectifying")
    client.force_login(world.enterprise_a)
    before = snapshot(hazard)
    data = {"key": new_key(), "description": "已更换", "money_spent": "100", **files}
    response = client.post(url("inspections:hazard_completion", hazard), data)
    assert response.status_code == 400 and message in text_of(response)
    assert snapshot(hazard) == before


def test_oversized_file_is_refused(client: Any, world: World, hazard_factory: MakeHazard, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    hazard = hazard_factory(status="rectifying")
    client.force_login(world.enterprise_a)
    before = snapshot(hazard)
    big = SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1), "application/pdf")
    data = {"key": new_key(), "description": "已更换", "money_spent": "100", "after_photos": [jpeg()]}
    response = client.post(url("inspections:hazard_completion", hazard), {**data, "documents": [big]})
    assert response.status_code == 400 and "超过上限 1 MB" in text_of(response)
    assert snapshot(hazard) == before


@pytest.mark.parametrize(("role", "code"), [("official_a", 403), ("official_b", 404), ("enterprise_b", 404)])
def test_completion_is_for_the_enterprise_only(
    client: Any, world: World, hazard_factory: MakeHazard, role: str, code: int
) -> None:
    hazard = hazard_factory(status="rectifying")
    client.force_login(world.users()[role])
    before = snapshot(hazard)
    data = {"key": new_key(), "description": "已更换", "money_spent": "100", "after_photos": [jpeg()]}
    assert client.post(url("inspections:hazard_completion", hazard), data).status_code == code
    assert snapshot(hazard) == before


# Verification -----------------------------------------------------------------------------------


def test_official_verifies_and_closes(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(level="major", status="awaiting_verification")
    client.force_login(world.official_a)
    page = text_of(client.get(url("inspections:hazard_verify", hazard)))
    assert "已更换" in page and "专家评估意见" in page
    data = {"key": new_key(), "decision": "verify", "opinion": "整改到位", "expert_opinion": "同意销号"}
    assert client.post(url("inspections:hazard_verify", hazard), data).status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.closed_by == world.official_a
    assert hazard.events.get(action="verified").data["expert_opinion"] == "同意销号"


def test_official_rejects_with_a_new_deadline(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(status="awaiting_verification")
    client.force_login(world.official_a)
    before = snapshot(hazard)
    response = client.post(url("inspections:hazard_verify", hazard), {"key": new_key(), "decision": "reject"})
    assert response.status_code == 400 and "验收不通过须说明理由" in text_of(response)
    assert snapshot(hazard) == before
    new_deadline = today() + timedelta(days=40)
    data = {"key": new_key(), "decision": "reject", "opinion": "接地不规范", "new_deadline": new_deadline.isoformat()}
    client.post(url("inspections:hazard_verify", hazard), data)
    hazard.refresh_from_db()
    assert hazard.status == "rectifying" and hazard.deadline == new_deadline
    assert events(hazard)[-1] == "verification_rejected"


@pytest.mark.parametrize(("role", "code"), [("enterprise_a", 403), ("leader_county", 403), ("official_b", 404)])
def test_verification_is_for_officials_in_scope(
    client: Any, world: World, hazard_factory: MakeHazard, role: str, code: int
) -> None:
    hazard = hazard_factory(status="awaiting_verification")
    client.force_login(world.users()[role])
    before = snapshot(hazard)
    data = {"key": new_key(), "decision": "verify", "opinion": "整改到位"}
    assert client.post(url("inspections:hazard_verify", hazard), data).status_code == code
    assert snapshot(hazard) == before


# Extensions -------------------------------------------------------------------------------------


def test_extension_is_requested_and_approved(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(status="rectifying")
    wanted = hazard.deadline + timedelta(days=20)
    client.force_login(world.enterprise_a)
    data = {"key": new_key(), "requested_deadline": wanted.isoformat(), "reason": "设备到货延迟"}
    assert client.post(url("inspections:hazard_extension_request", hazard), data).status_code == 302
    assert hazard.extensions.get().decision == HazardExtension.Decision.PENDING
    assert "已有一份延期申请在审批中" in text_of(client.get(url("inspections:hazard_extension_request", hazard)))

    client.force_login(world.official_a)
    assert url("inspections:hazard_extension_decide", hazard) in text_of(
        client.get(url("inspections:hazard_detail", hazard))
    )
    assert (
        client.post(
            url("inspections:hazard_extension_decide", hazard), {"key": new_key(), "decision": "approve"}
        ).status_code
        == 302
    )
    hazard.refresh_from_db()
    assert hazard.deadline == wanted
    assert events(hazard)[-2:] == ["extension_requested", "extension_approved"]


def test_extension_refusal_needs_a_reason(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory()
    services.hazard_request_extension(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        reason="资金未到位",
        requested_deadline=hazard.deadline + timedelta(days=5),
    )
    client.force_login(world.official_a)
    before = snapshot(hazard)
    response = client.post(url("inspections:hazard_extension_decide", hazard), {"key": new_key(), "decision": "refuse"})
    assert response.status_code == 400 and "不同意延期须说明理由" in text_of(response)
    assert snapshot(hazard) == before
    client.post(
        url("inspections:hazard_extension_decide", hazard),
        {"key": new_key(), "decision": "refuse", "comment": "理由不充分"},
    )
    assert hazard.extensions.get().decision == HazardExtension.Decision.REFUSED
    assert snapshot(hazard)[1] == before[1]


def test_extension_must_move_the_deadline_later(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory()
    client.force_login(world.enterprise_a)
    before = snapshot(hazard)
    data = {"key": new_key(), "requested_deadline": hazard.deadline.isoformat(), "reason": "忙"}
    response = client.post(url("inspections:hazard_extension_request", hazard), data)
    assert response.status_code == 400 and "须晚于现期限" in text_of(response)
    assert snapshot(hazard) == before


def test_extension_roles(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory()
    data = {"key": new_key(), "requested_deadline": (hazard.deadline + timedelta(days=3)).isoformat(), "reason": "x"}
    client.force_login(world.official_a)
    assert client.post(url("inspections:hazard_extension_request", hazard), data).status_code == 403
    client.force_login(world.enterprise_b)
    assert client.post(url("inspections:hazard_extension_request", hazard), data).status_code == 404
    client.force_login(world.enterprise_a)
    assert client.post(url("inspections:hazard_extension_decide", hazard), {"decision": "approve"}).status_code == 403
    assert hazard.extensions.count() == 0


# Official-only steps ----------------------------------------------------------------------------


def test_official_fixes_a_general_hazard_on_the_spot(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(inspection=open_inspection(world))
    client.force_login(world.official_a)
    response = client.post(url("inspections:hazard_fix_on_spot", hazard), {"key": new_key(), "after_photos": [jpeg()]})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.fixed_on_spot


def test_fix_on_spot_is_refused_for_major_and_for_enterprises(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    major = hazard_factory(level="major", inspection=open_inspection(world))
    client.force_login(world.official_a)
    assert "重大隐患不能当场整改销号" in text_of(client.get(url("inspections:hazard_fix_on_spot", major)))
    before = snapshot(major)
    response = client.post(url("inspections:hazard_fix_on_spot", major), {"key": new_key(), "after_photos": [jpeg()]})
    assert response.status_code == 400 and "重大隐患不能当场整改销号" in text_of(response)
    assert snapshot(major) == before

    general = hazard_factory(inspection=open_inspection(world))
    client.force_login(world.enterprise_a)
    before = snapshot(general)
    response = client.post(url("inspections:hazard_fix_on_spot", general), {"key": new_key(), "after_photos": [jpeg()]})
    assert response.status_code == 403
    assert snapshot(general) == before


def test_county_lists_a_major_hazard_for_supervision(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory(level="major", status="rectifying")
    client.force_login(world.official_a)
    assert client.post(url("inspections:hazard_list_supervision", hazard), {"key": new_key()}).status_code == 403
    client.force_login(world.county_admin)
    data = {"key": new_key(), "comment": "限期30日内完成"}
    assert client.post(url("inspections:hazard_list_supervision", hazard), data).status_code == 302
    hazard.refresh_from_db()
    assert hazard.listed_supervision and events(hazard)[-1] == "listed_supervision"
    assert "挂牌督办" in text_of(client.get(url("inspections:hazard_detail", hazard)))
    assert "该隐患已挂牌督办" in text_of(client.get(url("inspections:hazard_list_supervision", hazard)))


# Idempotency, anonymous -------------------------------------------------------------------------


def test_a_retried_post_with_the_same_key_is_applied_once(
    client: Any, world: World, hazard_factory: MakeHazard
) -> None:
    hazard = hazard_factory(status="rectifying")
    client.force_login(world.enterprise_a)
    data = {"key": new_key(), "description": "已更换", "money_spent": "100"}
    first = client.post(url("inspections:hazard_completion", hazard), {**data, "after_photos": [jpeg()]})
    again = client.post(url("inspections:hazard_completion", hazard), {**data, "after_photos": [jpeg()]})
    assert first.status_code == again.status_code == 302
    assert hazard.events.filter(action="completion_reported").count() == 1
    assert CompletionReport.objects.filter(hazard=hazard).count() == 1
    assert Attachment.objects.filter(hazard=hazard, role="after").count() == 1


def test_a_retried_registration_creates_one_hazard(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    path = f"{reverse('inspections:hazard_create')}?enterprise={world.ent_a.pk}"
    data = create_data(world)
    client.post(path, data)
    client.post(path, {**data, "photos": [jpeg()]})
    assert Hazard.objects.count() == 1 and HazardEvent.objects.count() == 1


def test_every_form_carries_a_fresh_key(client: Any, world: World, hazard_factory: MakeHazard) -> None:
    hazard = hazard_factory()
    client.force_login(world.enterprise_a)
    first = text_of(client.get(url("inspections:hazard_plan", hazard)))
    second = text_of(client.get(url("inspections:hazard_plan", hazard)))
    key = first.split('name="key" value="')[1].split('"')[0]
    assert len(key) == 32 and key not in second


@pytest.mark.parametrize(
    "name",
    [
        "inspections:hazard_detail",
        "inspections:hazard_plan",
        "inspections:hazard_plan_decide",
        "inspections:hazard_completion",
        "inspections:hazard_verify",
        "inspections:hazard_extension_request",
        "inspections:hazard_extension_decide",
        "inspections:hazard_fix_on_spot",
        "inspections:hazard_list_supervision",
    ],
)
def test_anonymous_is_sent_to_login(client: Any, hazard_factory: MakeHazard, name: str) -> None:
    hazard = hazard_factory()
    response = client.post(url(name, hazard), {"decision": "approve"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert snapshot(hazard)[0] == "registered"
