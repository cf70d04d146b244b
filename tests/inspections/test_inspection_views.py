"""Inspection pages: each as an inspector, a non-inspector official in scope (reads, 403 on POST), an
official of another township (404), an enterprise user (reads its own, 403 on POST) and anonymous."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from inspections import services
from inspections.models import ChecklistResult, Hazard, Inspection, InspectionAddendum
from safetyops.evidence.models import Attachment
from safetyops.orgs.models import User
from tests.conftest import World
from tests.inspections import test_inspection_services as service_tests
from tests.inspections.conftest import jpeg, plan_input
from tests.inspections.test_inspection_services import Checklists, answer, hazard_input, sign, start, submit

HTMX = {"HTTP_HX_REQUEST": "true"}
checklists = service_tests.checklists  # fixtures shared with the service tests
colleague = service_tests.colleague


@pytest.fixture
def inspection(world: World, checklists: Checklists) -> Inspection:
    return start(world)


def url(name: str, inspection: Inspection, item: Any = None) -> str:
    args = [inspection.pk] if item is None else [inspection.pk, item.pk]
    return reverse(name, args=args)


def body(response: Any) -> str:
    return response.content.decode()


# Who gets what ---------------------------------------------------------------------------------

WRITE_VIEWS = [
    "inspections:inspection_answer",
    "inspections:inspection_item_hazard",
    "inspections:inspection_submit",
    "inspections:inspection_sign",
    "inspections:inspection_addendum",
]


def _urls(inspection: Inspection, item: Any) -> dict[str, str]:
    return {
        name: url(
            name,
            inspection,
            item if name in {"inspections:inspection_answer", "inspections:inspection_item_hazard"} else None,
        )
        for name in WRITE_VIEWS
    }


def test_anonymous_is_sent_to_login(client: Any, world: World, inspection: Inspection, checklists: Checklists) -> None:
    urls = [
        reverse("inspections:inspection_list"),
        reverse("inspections:inspection_create"),
        reverse("inspections:enterprise_picker"),
    ]
    urls += [url("inspections:inspection_detail", inspection), *_urls(inspection, checklists.item()).values()]
    for target in urls:
        for method in (client.get, client.post):
            response = method(target)
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), target


def test_it_checks_ownership(client: Any, world: World, inspection: Inspection, checklists: Checklists) -> None:
    """Another township's official and another enterprise get 404 for every page of the record."""
    targets = [url("inspections:inspection_detail", inspection), *_urls(inspection, checklists.item()).values()]
    for user in (world.official_b, world.enterprise_b, world.supervisor_a, world.nobody):
        client.force_login(user)
        for target in targets:
            assert client.get(target).status_code == 404, (user, target)
            assert client.post(target, {"result": "pass"}).status_code == 404, (user, target)
    assert not ChecklistResult.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "county_admin", "leader_a", "leader_county", "enterprise_a"])
def test_it_requires_being_an_inspector(
    client: Any, world: World, inspection: Inspection, checklists: Checklists, colleague: User, who: str
) -> None:
    """Everyone else in scope reads the record, and every write answers 403 and changes nothing."""
    client.force_login(colleague if who == "colleague" else world.users()[who])
    response = client.get(url("inspections:inspection_detail", inspection))
    assert response.status_code == 200
    assert 'name="result"' not in body(response) and "提交签字" not in body(response)
    for name, target in _urls(inspection, checklists.item()).items():
        assert client.get(target).status_code == 403, name
        data = {"result": "fail", "conclusion": "x", "typed_name": "x", "text": "x"}
        assert client.post(target, data).status_code == 403, name
    assert (
        client.post(
            url("inspections:inspection_answer", inspection, checklists.item()), {"result": "pass"}, **HTMX
        ).status_code
        == 403
    )
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DRAFT and not ChecklistResult.objects.exists()


def test_inspector_gets_every_step_page(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    """GET of a step answers its page (the no-JavaScript fallback), never a redirect."""
    client.force_login(world.official_a)
    for name, target in _urls(inspection, checklists.item()).items():
        assert client.get(target).status_code == 200, name
    card = body(client.get(url("inspections:inspection_answer", inspection, checklists.item())))
    assert (
        'value="fail"' in card
        and f'action="{url("inspections:inspection_answer", inspection, checklists.item())}"' in card
    )
    partial = body(client.get(url("inspections:inspection_answer", inspection, checklists.item()), **HTMX))
    assert "<html" not in partial and f'id="item-{checklists.item().pk}"' in partial


# List ------------------------------------------------------------------------------------------


def test_list_is_scoped(client: Any, world: World, checklists: Checklists) -> None:
    mine = start(world)
    theirs = start(world, actor=world.official_b, enterprise=world.ent_b)
    for user, sees, hidden in [
        (world.official_a, mine, theirs),
        (world.enterprise_a, mine, theirs),
        (world.leader_a, mine, theirs),
        (world.official_b, theirs, mine),
    ]:
        client.force_login(user)
        response = client.get(reverse("inspections:inspection_list"))
        assert response.status_code == 200
        assert url("inspections:inspection_detail", sees) in body(response)
        assert url("inspections:inspection_detail", hidden) not in body(response)
    client.force_login(world.enterprise_a)
    assert reverse("inspections:inspection_create") not in body(client.get(reverse("inspections:inspection_list")))


def test_list_filters_by_status_and_kind(client: Any, world: World, checklists: Checklists) -> None:
    draft = start(world)
    special = start(world, kind=Inspection.Kind.SPECIAL)
    submit(special)
    client.force_login(world.official_a)
    response = client.get(reverse("inspections:inspection_list"), {"status": "signing"})
    assert url("inspections:inspection_detail", special) in body(response) and url(
        "inspections:inspection_detail", draft
    ) not in body(response)
    response = client.get(reverse("inspections:inspection_list"), {"kind": "routine"})
    assert url("inspections:inspection_detail", draft) in body(response) and url(
        "inspections:inspection_detail", special
    ) not in body(response)


def test_list_query_count_is_constant(client: Any, world: World, checklists: Checklists, colleague: User) -> None:
    client.force_login(world.official_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("inspections:inspection_list")).status_code == 200
        return len(ctx)

    start(world, co=[colleague])
    few = count()
    for _ in range(6):
        inspection = start(world, co=[colleague], enterprise=world.ent_a2)
        answer(inspection, checklists.item("build"), "fail")
    assert count() == few


# Start -----------------------------------------------------------------------------------------


def test_create_page_and_rights(client: Any, world: World) -> None:
    for user, status in [
        (world.official_a, 200),
        (world.supervisor_a, 200),
        (world.county_admin, 200),
        (world.leader_a, 403),
        (world.enterprise_a, 403),
        (world.nobody, 403),
    ]:
        client.force_login(user)
        assert client.get(reverse("inspections:inspection_create")).status_code == status, user
        assert client.get(reverse("inspections:enterprise_picker"), {"q": "东城"}).status_code == status, user
        if status == 403:
            assert (
                client.post(reverse("inspections:inspection_create"), {"enterprise": world.ent_a.pk}).status_code == 403
            )


def test_create_preselects_the_enterprise(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    page = body(client.get(reverse("inspections:inspection_create"), {"enterprise": world.ent_a.pk}))
    assert world.ent_a.name in page and f'value="{world.ent_a.pk}" checked' in page
    outside = body(client.get(reverse("inspections:inspection_create"), {"enterprise": world.ent_b.pk}))
    assert world.ent_b.name not in outside


def test_picker_finds_by_name_or_code_in_scope_only(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    found = body(client.get(reverse("inspections:enterprise_picker"), {"q": "东城"}, **HTMX))
    assert world.ent_a.name in found and world.ent_a2.name in found and "<html" not in found
    by_code = body(client.get(reverse("inspections:enterprise_picker"), {"q": world.ent_a2.credit_code.lower()}))
    assert world.ent_a2.name in by_code and world.ent_a.name not in by_code
    assert world.ent_b.name not in body(client.get(reverse("inspections:enterprise_picker"), {"q": "西山"}))


def test_picker_returns_at_most_twenty(client: Any, world: World) -> None:
    from tests.orgs.factories import EnterpriseFactory

    for n in range(25):
        EnterpriseFactory(name=f"东城五金厂{n:02d}", node=world.town_a)
    client.force_login(world.official_a)
    assert body(client.get(reverse("inspections:enterprise_picker"), {"q": "五金厂"})).count('name="enterprise"') == 20


def test_create_with_co_inspector_and_campaign(client: Any, world: World, colleague: User) -> None:
    campaign = Campaign.objects.create(
        kind=Campaign.Kind.GREAT_INSPECTION,
        name="2026年大排查大整治",
        year=2026,
        node=world.county,
        starts_on=timezone.localdate() - timedelta(days=10),
        ends_on=timezone.localdate() + timedelta(days=60),
        status=Campaign.Status.ACTIVE,
    )
    client.force_login(world.official_a)
    page = body(client.get(reverse("inspections:inspection_create")))
    assert "李明" in page and campaign.name in page and world.official_b.full_name not in page
    response = client.post(
        reverse("inspections:inspection_create"),
        {
            "enterprise": world.ent_a.pk,
            "kind": "unannounced",
            "co_inspectors": [colleague.pk],
            "campaign": campaign.pk,
            "inspected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == url("inspections:inspection_detail", inspection)
    assert (inspection.kind, inspection.campaign) == ("unannounced", campaign)
    assert set(inspection.inspectors.all()) == {world.official_a, colleague}


def test_create_rejects_bad_choices_and_saves_nothing(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    cases = [
        ({"enterprise": world.ent_b.pk}, "不在您的管辖范围"),
        ({"co_inspectors": [world.supervisor_a.pk]}, "不负责该企业"),
        ({"co_inspectors": [world.official_b.pk]}, "不能参加本次检查"),
        ({"inspected_at": future}, "不能晚于现在"),
        ({"enterprise": ""}, "请先搜索并选择"),
    ]
    for change, message in cases:
        data = {"enterprise": world.ent_a.pk, "kind": "routine", "inspected_at": "2026-01-05T09:30"} | change
        response = client.post(reverse("inspections:inspection_create"), data)
        assert response.status_code == 200 and message in body(response), message
    assert not Inspection.objects.exists()


def test_create_late_entry_needs_a_reason_shown_on_the_record(client: Any, world: World, settings: Any) -> None:
    """Issue 14 item 6: more than INSPECTION_BACKDATE_DAYS back only with a reason, kept and shown."""
    settings.INSPECTION_BACKDATE_DAYS = 30
    client.force_login(world.official_a)
    old = (timezone.localtime() - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    data = {"enterprise": world.ent_a.pk, "kind": "routine", "inspected_at": old}
    response = client.post(reverse("inspections:inspection_create"), data)
    assert response.status_code == 200 and "属于补录，请填写补录原因" in body(response)
    assert not Inspection.objects.exists()
    world.ent_a.created_at = timezone.now() - timedelta(days=10)
    type(world.ent_a).objects.filter(pk=world.ent_a.pk).update(created_at=world.ent_a.created_at)
    response = client.post(reverse("inspections:inspection_create"), data | {"backdate_reason": "补录纸质记录"})
    assert "不能早于该企业在系统中登记的时间" in body(response) and not Inspection.objects.exists()
    type(world.ent_a).objects.filter(pk=world.ent_a.pk).update(created_at=timezone.now() - timedelta(days=400))
    response = client.post(reverse("inspections:inspection_create"), data | {"backdate_reason": "补录<b>纸质</b>记录"})
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and inspection.backdate_reason == "补录<b>纸质</b>记录"
    page = body(client.get(url("inspections:inspection_detail", inspection)))
    assert "补录：补录&lt;b&gt;纸质&lt;/b&gt;记录" in page


# The checklist ---------------------------------------------------------------------------------


def test_inspector_sees_the_checklist_with_buttons(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    answer(inspection, checklists.item(), "fail")
    answer(inspection, checklists.item(n=1), "pass")
    client.force_login(world.official_a)
    page = body(client.get(url("inspections:inspection_detail", inspection)))
    assert page.count('value="fail"') == 17 and "通用检查" in page and "危化品检查" in page
    assert "已检查 2/17 项，不符合 1 项" in page
    assert 'capture="environment"' in page and "data-shrink" in page and "hx-post" in page
    assert url("inspections:inspection_item_hazard", inspection, checklists.item()) in page
    assert url("inspections:inspection_item_hazard", inspection, checklists.item(n=1)) not in page
    assert "建筑检查内容" not in page


def test_answer_with_htmx_swaps_the_card_and_progress(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    client.force_login(world.official_a)
    item = checklists.item(n=2)
    response = client.post(
        url("inspections:inspection_answer", inspection, item),
        {"result": "fail", "note": "导静电接地断开", "photos": [jpeg()]},
        **HTMX,
    )
    assert response.status_code == 200
    html = body(response)
    assert f'id="item-{item.pk}"' in html and "<html" not in html
    assert 'hx-swap-oob="true"' in html and "已检查 1/17 项，不符合 1 项" in html
    assert "导静电接地断开" in html and url("inspections:inspection_item_hazard", inspection, item) in html
    result = ChecklistResult.objects.get(inspection=inspection, item=item)
    assert result.result == "fail" and Attachment.objects.filter(checklist_result=result).count() == 1


def test_answer_without_htmx_redirects_to_the_item(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    client.force_login(world.official_a)
    item = checklists.item(n=3)
    response = client.post(url("inspections:inspection_answer", inspection, item), {"result": "na"})
    assert (
        response.status_code == 302
        and response["Location"] == url("inspections:inspection_detail", inspection) + f"#item-{item.pk}"
    )
    assert ChecklistResult.objects.get(item=item).result == "na"
    missing = client.post(url("inspections:inspection_answer", inspection, item), {"result": ""})
    assert missing.status_code == 200 and "请点选" in body(missing)


def test_answer_for_an_item_of_another_sector_is_404(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    client.force_login(world.official_a)
    response = client.post(
        url("inspections:inspection_answer", inspection, checklists.item("build")), {"result": "pass"}
    )
    assert response.status_code == 404 and not ChecklistResult.objects.exists()


def test_answer_after_submit_shows_why_and_changes_nothing(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    answer(inspection, checklists.item(), "pass")
    submit(inspection)
    client.force_login(world.official_a)
    response = client.post(
        url("inspections:inspection_answer", inspection, checklists.item()), {"result": "fail"}, **HTMX
    )
    assert response.status_code == 200 and "不能再修改" in body(response)
    assert ChecklistResult.objects.get().result == "pass"


def test_checklist_page_query_count_does_not_grow(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    """3 answered items or 15, with photos and hazards: the checklist page runs the same queries."""
    items = list(checklists.chem.items.order_by("order"))
    client.force_login(world.official_a)

    def answer_and_count(chosen: list[Any]) -> int:
        for item in chosen:
            answer(inspection, item, "fail", photos=[jpeg()])
            services.hazard_from_failed_item(
                actor=world.official_a, inspection_id=inspection.pk, item_id=item.pk, data=hazard_input()
            )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("inspections:inspection_detail", inspection)).status_code == 200
        return len(ctx)

    few = answer_and_count(items[:3])
    assert answer_and_count(items[3:15]) == few
    assert ChecklistResult.objects.filter(inspection=inspection).count() == 15


# A failed item becomes a hazard ----------------------------------------------------------------


def test_item_hazard_form_is_prefilled(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    major_item, general_item = checklists.item(n=0), checklists.item("everyone")
    answer(inspection, major_item, "fail", note="现场无人监护")
    answer(inspection, general_item, "fail")
    client.force_login(world.official_a)
    page = body(client.get(url("inspections:inspection_item_hazard", inspection, major_item)))
    # The finding (the inspector's note), not the requirement, which may read as its opposite.
    assert ">\n现场无人监护</textarea>" in page or ">现场无人监护</textarea>" in page
    assert "危化检查内容1\n" not in page
    assert re.search(r'name="level" value="major"\s+id="id_level_\d" required checked', page)
    assert (timezone.localdate() + timedelta(days=60)).isoformat() in page
    assert f'<option value="{world.sector_chem.pk}" selected>' in page
    general_page = body(client.get(url("inspections:inspection_item_hazard", inspection, general_item)))
    assert f'value="{(timezone.localdate() + timedelta(days=15)).isoformat()}"' in general_page
    assert f"不符合：{general_item.text}</textarea>" in general_page  # no note: the requirement, negated


def test_item_hazard_post_registers_and_redirects_to_the_item(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    item = checklists.item(n=0)
    answer(inspection, item, "fail")
    client.force_login(world.official_a)
    deadline = (timezone.localdate() + timedelta(days=60)).isoformat()
    data = {
        "key": "a" * 32,
        "description": "危化检查内容1",
        "level": "major",
        "category": "management",
        "sector": world.sector_chem.pk,
        "location": "罐区",
        "deadline": deadline,
        "photos": [jpeg()],
    }
    response = client.post(url("inspections:inspection_item_hazard", inspection, item), data)
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("inspections:inspection_detail", inspection) + f"#item-{item.pk}"
    assert (hazard.inspection, hazard.checklist_item, hazard.level, hazard.sector) == (
        inspection,
        item,
        "major",
        world.sector_chem,
    )
    page = body(client.get(response["Location"]))
    assert hazard.number in page and reverse("inspections:hazard_detail", args=[hazard.pk]) in page
    data["photos"] = [jpeg()]
    again = client.post(url("inspections:inspection_item_hazard", inspection, item), data)
    assert again.status_code == 302 and Hazard.objects.count() == 1


def test_the_enterprise_and_the_verifier_see_the_item_photos(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    item = checklists.item(n=6)
    answer(inspection, item, "fail", note="静电接地线断开", photos=[jpeg("found.jpg")])
    [photo] = Attachment.objects.filter(checklist_result__item=item)
    client.force_login(world.official_a)
    form_page = body(client.get(url("inspections:inspection_item_hazard", inspection, item)))
    assert "1 张检查照片将作为整改前照片随隐患登记" in form_page
    data = {
        "key": "c" * 32,
        "description": "静电接地线断开",
        "level": "general",
        "category": "thing",
        "deadline": (timezone.localdate() + timedelta(days=15)).isoformat(),
    }
    assert client.post(url("inspections:inspection_item_hazard", inspection, item), data).status_code == 302
    hazard = Hazard.objects.get()
    [carried] = Attachment.objects.filter(hazard=hazard)
    assert carried.file.name == photo.file.name and carried.role == "before"

    client.force_login(world.enterprise_a)  # what was found, as the enterprise sees it
    page = body(client.get(reverse("inspections:hazard_detail", args=[hazard.pk])))
    assert reverse("evidence:attachment_thumbnail", args=[carried.pk]) in page and "整改前" in page
    download = client.get(reverse("evidence:attachment_download", args=[carried.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == photo.file.open("rb").read()
    client.force_login(world.enterprise_b)
    assert client.get(reverse("evidence:attachment_download", args=[carried.pk])).status_code == 404

    client.force_login(world.enterprise_a)
    services.hazard_submit_plan(actor=world.enterprise_a, hazard_id=hazard.pk, plan=plan_input(hazard))
    services.hazard_report_completion(
        actor=world.enterprise_a, hazard_id=hazard.pk, description="已接好", money_spent=0, after_photos=[jpeg("a.jpg")]
    )
    client.force_login(world.official_a)  # and what the official verifies against
    verify = body(client.get(reverse("inspections:hazard_verify", args=[hazard.pk])))
    assert "整改前照片" in verify and reverse("evidence:attachment_thumbnail", args=[carried.pk]) in verify


def test_item_hazard_errors_are_explained(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    item = checklists.item(n=0)
    answer(inspection, item, "fail")
    client.force_login(world.official_a)
    base = {"key": "b" * 32, "description": "x", "level": "major", "category": "thing", "deadline": "2020-01-01"}
    response = client.post(url("inspections:inspection_item_hazard", inspection, item), base)
    assert response.status_code == 200 and "整改期限不能早于今天" in body(response)
    spot = base | {"deadline": timezone.localdate().isoformat(), "fixed_on_spot": "on"}
    assert "重大隐患不能当场整改" in body(
        client.post(url("inspections:inspection_item_hazard", inspection, item), spot)
    )
    assert not Hazard.objects.exists()


def test_item_hazard_for_a_passed_item_has_no_form(
    client: Any, world: World, inspection: Inspection, checklists: Checklists
) -> None:
    answer(inspection, checklists.item(), "pass")
    client.force_login(world.official_a)
    response = client.get(url("inspections:inspection_item_hazard", inspection, checklists.item()))
    assert response.status_code == 200 and 'name="description"' not in body(response)
    assert client.post(url("inspections:inspection_item_hazard", inspection, checklists.item()), {}).status_code == 200
    assert not Hazard.objects.exists()


# Submit, sign, addenda --------------------------------------------------------------------------


def test_submit_then_everyone_signs_then_locked(
    client: Any, world: World, checklists: Checklists, colleague: User
) -> None:
    inspection = start(world, co=[colleague])
    answer(inspection, checklists.item(), "pass")
    client.force_login(world.official_a)
    missing = client.post(url("inspections:inspection_submit", inspection), {"findings": "看了罐区", "conclusion": ""})
    assert missing.status_code == 200 and "请填写检查结论" in body(missing)
    response = client.post(
        url("inspections:inspection_submit", inspection), {"findings": "看了罐区", "conclusion": "未发现隐患"}
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.SIGNING and inspection.conclusion == "未发现隐患"
    page = body(client.get(url("inspections:inspection_detail", inspection)))
    assert 'name="typed_name"' in page and "已签 0/2" in page and 'value="fail"' not in page

    wrong = client.post(url("inspections:inspection_sign", inspection), {"typed_name": "王五", "confirmed": "on"})
    assert wrong.status_code == 200 and "签名须与您的姓名" in body(wrong)
    client.post(
        url("inspections:inspection_sign", inspection), {"typed_name": world.official_a.full_name, "confirmed": "on"}
    )
    signature = inspection.signatures.get(inspector=world.official_a)
    assert signature.signed_at is not None and signature.signed_ip == "127.0.0.1"

    client.force_login(colleague)
    response = client.post(
        url("inspections:inspection_sign", inspection), {"typed_name": "李明", "confirmed": "on"}, follow=True
    )
    assert "检查记录已归档" in body(response)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.LOCKED
    page = body(client.get(url("inspections:inspection_detail", inspection)))
    assert "已签 2/2" in page and 'name="typed_name"' not in page and 'name="text"' in page


def test_addendum_only_when_locked(client: Any, world: World, inspection: Inspection) -> None:
    client.force_login(world.official_a)
    early = client.post(url("inspections:inspection_addendum", inspection), {"text": "补充：复核了台账"})
    assert early.status_code == 200 and "归档前" in body(early)
    submit(inspection)
    sign(inspection, world.official_a)
    response = client.post(url("inspections:inspection_addendum", inspection), {"text": "补充：复核了台账"})
    assert response.status_code == 302 and response["Location"].endswith("#addenda")
    assert InspectionAddendum.objects.get().text == "补充：复核了台账"
    client.force_login(world.enterprise_a)
    page = body(client.get(url("inspections:inspection_detail", inspection)))
    assert "补充：复核了台账" in page and 'name="text"' not in page
