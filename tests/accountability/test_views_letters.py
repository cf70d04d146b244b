"""The pages of 目标责任书 and 安全承诺书: each renders for the right roles, its form posts and changes
the state, and bad input is refused in Chinese with nothing changed (issue 12, the web side)."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability import services
from accountability.models import Letter, LetterTemplate, LetterVersion
from safetyops.evidence import signing
from safetyops.evidence.models import Signature
from safetyops.orgs.models import Enterprise
from tests.accountability.factories import COUNTY_ITEMS, county_template, issued_letter, issued_pledge
from tests.conftest import World
from tests.inspections.conftest import pdf

pytestmark = pytest.mark.django_db


def _login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def _items_post(items: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in items:
        data[f"value_{item['key']}"] = item["value"]
        data[f"weight_{item['key']}"] = item.get("weight", "")
    return data


def _new_letter_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "responsibility",
        "title": "2026年度安全生产目标责任书",
        "year": "2026",
        "body": "为落实安全生产责任制，签订本责任书。\n\n# 主要职责\n- 党政同责、一岗双责",
        "assessment_method": "年终考核。",
        "sign_within_days": "7",
        **_items_post(COUNTY_ITEMS),
    }
    data.update(overrides)
    return data


def _sign(client: Any, letter: Letter, *, name: str, confirmed: bool = True, key: str = "k1") -> Any:
    letter.refresh_from_db()
    data = {"typed_name": name, "version": letter.current_version.number, "key": key}
    if confirmed:
        data["confirmed"] = "on"
    return client.post(reverse("accountability:letter_sign", args=[letter.pk]), data)


# The home and the signing rate ------------------------------------------------------------------------


def test_the_overview_tells_the_county_where_signing_stands(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    letter = issued_letter(world)
    url = reverse("accountability:overview")
    page = _login(client, world.county_admin).get(url, {"year": 2026}).content.decode()
    assert "2026年度安全生产目标责任书" in page and "东城镇" in page
    assert 'data-figure="rate">0.0%' in page and 'data-figure="unsigned">1<' in page
    with django_capture_on_commit_callbacks(execute=True):  # the county's cached rates follow the signature
        services.letter_sign(
            actor=world.leader_a, letter=letter, typed_name=signing.name_of(world.leader_a), confirmed=True
        )
    page = client.get(url, {"year": 2026}).content.decode()
    assert 'data-figure="rate">100.0%' in page and 'data-figure="unsigned">0<' in page


def test_the_township_leader_sees_what_waits_for_their_signature(client: Any, world: World) -> None:
    letter = issued_letter(world)
    page = _login(client, world.leader_a).get(reverse("accountability:overview"), {"year": 2026}).content.decode()
    assert "待我签署" in page and reverse("accountability:letter_sign", args=[letter.pk]) in page
    assert "据此向下级下达" not in page  # a leader reads; the township's officials issue


def test_a_township_official_passes_down_the_letter_it_received(client: Any, world: World) -> None:
    letter = issued_letter(world)
    client = _login(client, world.official_a)
    page = client.get(reverse("accountability:overview"), {"year": 2026}).content.decode()
    assert "上级下达" in page and "据此向下级下达" in page and "待我签署" not in page
    detail = client.get(reverse("accountability:letter_detail", args=[letter.pk])).content.decode()
    assert "据此下达" in detail and reverse("accountability:letter_sign", args=[letter.pk]) not in detail
    form = client.get(reverse("accountability:template_create"), {"source": letter.pk}).content.decode()
    assert "不超过5起" in form and "依据安平县下达的" in form  # the parent's limits, prefilled and shown
    looser = [dict(item) for item in COUNTY_ITEMS]
    looser[0]["value"] = 8
    response = client.post(
        reverse("accountability:template_create"), _new_letter_post(source=letter.pk, **_items_post(looser))
    )
    assert response.status_code == 400
    assert "不得超过上级下达的5起" in response.content.decode()
    assert not LetterTemplate.objects.filter(node=world.town_a).exists()
    response = client.post(reverse("accountability:template_create"), _new_letter_post(source=letter.pk))
    own = LetterTemplate.objects.get(node=world.town_a)
    assert response.status_code == 302 and own.source_letter == letter
    # Town B's official cannot build on town A's letter.
    _login(client, world.official_b)
    assert client.get(reverse("accountability:template_create"), {"source": letter.pk}).status_code == 404


def test_an_enterprise_sees_its_pledges_to_sign_first(client: Any, world: World) -> None:
    pledge = issued_pledge(world)
    page = _login(client, world.enterprise_a).get(reverse("accountability:overview"), {"year": 2026}).content.decode()
    assert "待我签署" in page and reverse("accountability:letter_sign", args=[pledge.pk]) in page
    other = _login(client, world.enterprise_b).get(reverse("accountability:overview"), {"year": 2026})
    assert "2026年度企业安全生产承诺书" not in other.content.decode()


# Drafting ------------------------------------------------------------------------------------------------


def test_a_new_letter_starts_from_the_standard_text(client: Any, world: World) -> None:
    client = _login(client, world.county_admin)
    page = client.get(reverse("accountability:template_create"), {"kind": "responsibility"}).content.decode()
    assert "党政同责、一岗双责、齐抓共管、失职追责" in page and "管行业必须管安全" in page
    assert "工矿商贸生产安全事故起数" in page
    pledge = client.get(reverse("accountability:template_create"), {"kind": "pledge"}).content.decode()
    assert "第二十一条" in pledge and "工矿商贸生产安全事故起数" not in pledge
    response = client.post(reverse("accountability:template_create"), _new_letter_post())
    template = LetterTemplate.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "accountability:template_address", args=[template.pk]
    )
    assert template.status == "draft" and [item["key"] for item in template.items][:2] == [
        "industrial_accidents",
        "industrial_deaths",
    ]


def test_a_pledge_names_a_campaign_the_user_sees(client: Any, world: World) -> None:
    from tests.campaigns.factories import county_campaign

    campaign = county_campaign(world)
    client = _login(client, world.county_admin)
    page = client.get(reverse("accountability:template_create"), {"kind": "pledge", "campaign": campaign.pk})
    assert campaign.name in page.content.decode()
    data = {"kind": "pledge", "title": "消防安全承诺书", "year": "2026", "body": "本人承诺。", "sign_within_days": "5"}
    client.post(reverse("accountability:template_create"), {**data, "campaign": campaign.pk})
    assert LetterTemplate.objects.get().campaign == campaign


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value_industrial_accidents": "-1"}, "不能为负数"),
        ({"value_industrial_accidents": "1.5"}, "须为整数"),
        ({"weight_industrial_accidents": "50"}, "合计须为100分"),
        ({"value_rectification_rate": "120"}, "不能超过100"),
        ({"title": ""}, "请填写标题"),
        ({"sign_within_days": "0"}, "签署期限须在1到90天之间"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(
    client: Any, world: World, change: dict[str, str], message: str
) -> None:
    response = _login(client, world.county_admin).post(
        reverse("accountability:template_create"), _new_letter_post(**change)
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_only_the_issuer_drafts_and_edits(client: Any, world: World) -> None:
    template = county_template(world)
    for user in (world.leader_county, world.supervisor_a, world.enterprise_a):
        assert (
            _login(client, user).post(reverse("accountability:template_create"), _new_letter_post()).status_code == 403
        )
    assert LetterTemplate.objects.count() == 1
    client = _login(client, world.county_admin)
    response = client.post(
        reverse("accountability:template_edit", args=[template.pk]), _new_letter_post(title="新的标题")
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.title == "新的标题" and template.year == 2026


def test_user_text_is_escaped_on_every_page(client: Any, world: World) -> None:
    evil = "<script>alert(1)</script>"
    template = county_template(world, title=f"责任书{evil}", body=f"正文 **{evil}**\n\n- {evil}")
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a])
    services.template_issue(actor=world.county_admin, template=template)
    letter = template.letters.get()
    client = _login(client, world.county_admin)
    for url in (
        reverse("accountability:template_detail", args=[template.pk]),
        reverse("accountability:letter_detail", args=[letter.pk]),
        reverse("accountability:overview") + "?year=2026",
    ):
        page = client.get(url).content.decode()
        assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
    sign_page = _login(client, world.leader_a).get(reverse("accountability:letter_sign", args=[letter.pk]))
    assert evil not in sign_page.content.decode()


# Addressing and issuing -------------------------------------------------------------------------------------


def test_addressing_ticks_the_townships_and_never_duplicates(client: Any, world: World) -> None:
    template = county_template(world)
    client = _login(client, world.county_admin)
    url = reverse("accountability:template_address", args=[template.pk])
    page = client.get(url).content.decode()
    assert f'value="{world.town_a.pk}" id="n{world.town_a.pk}" checked' in page  # all pre-ticked for a new letter
    client.post(url, {"nodes": [world.town_a.pk, world.town_b.pk]})
    client.post(url, {"nodes": [world.town_a.pk]})
    assert template.letters.count() == 2
    page = client.get(url).content.decode()
    assert "已在名单" in page


def test_all_enterprises_matching_the_filter_are_addressed_server_side(client: Any, world: World) -> None:
    from tests.orgs.factories import EnterpriseFactory

    for n in range(60):  # more than a page of checkboxes
        EnterpriseFactory(name=f"东城建材{n:02d}有限公司", node=world.town_a, sectors=[world.sector_build])
    template = county_template(world, kind=LetterTemplate.Kind.PLEDGE)
    client = _login(client, world.county_admin)
    url = reverse("accountability:template_address", args=[template.pk])
    page = client.get(url, {"sector": world.sector_build.pk}).content.decode()
    assert "共 62 家" in page  # 60 + ent_a2 + ent_b (建筑施工)
    assert page.count('name="enterprises"') == 50
    client.post(url, {"all_enterprises": "matching", "sector": world.sector_build.pk, "node": world.town_a.pk})
    addressed = set(template.letters.values_list("enterprise_id", flat=True))
    expected = set(
        Enterprise.objects.filter(node__path__startswith=world.town_a.path, sectors=world.sector_build).values_list(
            "pk", flat=True
        )
    )
    assert addressed == expected and len(addressed) == 61 and world.ent_b.pk not in addressed


def test_issuing_from_the_confirmation_page_once(client: Any, world: World) -> None:
    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a, world.town_b])
    client = _login(client, world.county_admin)
    url = reverse("accountability:template_issue", args=[template.pk])
    page = client.get(url).content.decode()
    assert "将向 2 个单位下达" in page and "西山镇" in page
    client.post(url, {"key": "issue-1"})
    client.post(url, {"key": "issue-1"})  # the same form twice: applied once, no error
    assert template.letters.filter(status="issued").count() == 2 and LetterVersion.objects.count() == 2
    detail = client.get(reverse("accountability:template_detail", args=[template.pk])).content.decode()
    assert "签署率 0.0%（0/2）" in detail and "待签署" in detail
    page = client.get(url).content.decode()
    assert "没有待下达的单位" in page


def test_a_copy_may_be_tightened_but_not_loosened_before_issuing(client: Any, world: World) -> None:
    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a])
    letter = template.letters.get()
    client = _login(client, world.county_admin)
    url = reverse("accountability:letter_edit", args=[letter.pk])
    looser = [dict(item) for item in COUNTY_ITEMS]
    looser[0]["value"] = 9
    response = client.post(url, _items_post(looser))
    assert response.status_code == 400 and "不得超过上级下达的5起" in response.content.decode()
    tighter = [dict(item) for item in COUNTY_ITEMS]
    tighter[0]["value"] = 2
    assert client.post(url, _items_post(tighter)).status_code == 302
    letter.refresh_from_db()
    assert letter.items[0]["value"] == 2


# Signing -----------------------------------------------------------------------------------------------------


def test_the_principal_signs_on_the_sign_page(client: Any, world: World) -> None:
    letter = issued_letter(world)
    name = signing.name_of(world.leader_a)
    client = _login(client, world.leader_a)
    page = client.get(reverse("accountability:letter_sign", args=[letter.pk])).content.decode()
    assert f"请输入您的姓名：{name}" in page and "本人已阅读并承诺履行上述责任" in page
    assert letter.current_version.sha256 in page and "工矿商贸生产安全事故起数不超过5起" in page
    response = _sign(client, letter, name=name)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "signed" and letter.signature.sha256 == letter.current_version.sha256
    detail = client.get(reverse("accountability:letter_detail", args=[letter.pk])).content.decode()
    assert "签署内容哈希 SHA-256" in detail and letter.current_version.sha256 in detail and name in detail


@pytest.mark.parametrize(
    ("name", "confirmed", "message"),
    [("张三", True, "一致"), (None, False, "请勾选"), ("", True, "请输入您的姓名以签署")],
)
def test_a_bad_signature_changes_nothing(
    client: Any, world: World, name: str | None, confirmed: bool, message: str
) -> None:
    letter = issued_letter(world)
    typed = signing.name_of(world.leader_a) if name is None else name
    response = _sign(_login(client, world.leader_a), letter, name=typed, confirmed=confirmed)
    assert response.status_code == 400 and message in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == "issued" and not Signature.objects.exists()


def test_signing_twice_is_refused(client: Any, world: World) -> None:
    letter = issued_letter(world)
    name = signing.name_of(world.leader_a)
    client = _login(client, world.leader_a)
    _sign(client, letter, name=name, key="first")
    assert _sign(client, letter, name=name, key="first").status_code == 302  # the same post replayed
    again = _sign(client, letter, name=name, key="second")  # a second device
    assert "已签署，不能重复签署" in again.content.decode()
    assert Signature.objects.count() == 1


def test_a_stale_sign_page_after_a_revision_is_refused(client: Any, world: World) -> None:
    letter = issued_letter(world)
    client = _login(client, world.leader_a)
    data = {"typed_name": signing.name_of(world.leader_a), "confirmed": "on", "version": 1, "key": "k"}
    services.letter_revise(
        actor=world.county_admin,
        letter=letter,
        reason="调整",
        items=[{**item, "value": 3} if item["key"] == "industrial_accidents" else item for item in COUNTY_ITEMS],
    )
    response = client.post(reverse("accountability:letter_sign", args=[letter.pk]), data)
    assert response.status_code == 400 and "已修订" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("official_a", 403), ("county_admin", 403), ("enterprise_b", 404)])
def test_signing_someone_elses_letter(client: Any, world: World, who: str, status: int) -> None:
    letter = issued_letter(world)
    actor = getattr(world, who)
    response = _sign(_login(client, actor), letter, name=signing.name_of(actor))
    assert response.status_code == status
    assert not Signature.objects.exists()


def test_an_enterprise_principal_signs_its_pledge(client: Any, world: World) -> None:
    pledge = issued_pledge(world)
    client = _login(client, world.enterprise_a)
    assert _sign(client, pledge, name=signing.name_of(world.enterprise_a)).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "signed"


# The paper path, revising, withdrawing ---------------------------------------------------------------------


def test_a_scan_that_is_not_a_pdf_or_image_is_refused(client: Any, world: World) -> None:
    letter = issued_letter(world)
    client = _login(client, world.county_admin)
    url = reverse("accountability:letter_countersign", args=[letter.pk])
    fake = SimpleUploadedFile("签字件.pdf", b"just some text, not a PDF at all", content_type="application/pdf")
    response = client.post(url, {"scan": fake, "signed_name": "王堃"})
    assert response.status_code == 400 and "未保存" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == "issued" and not Signature.objects.exists()
    assert client.post(url, {"scan": pdf("签字件.pdf"), "signed_name": ""}).status_code == 400
    response = client.post(url, {"scan": pdf("签字件.pdf"), "signed_name": "王堃"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "signed" and letter.signature.method == "scan" and letter.signature.signed_name == "王堃"
    detail = client.get(reverse("accountability:letter_detail", args=[letter.pk])).content.decode()
    assert "纸质签字“王堃”" in detail


def test_a_revision_is_a_new_version_shown_in_the_history(client: Any, world: World) -> None:
    letter = issued_letter(world)
    services.letter_sign(
        actor=world.leader_a, letter=letter, typed_name=signing.name_of(world.leader_a), confirmed=True
    )
    client = _login(client, world.county_admin)
    url = reverse("accountability:letter_revise", args=[letter.pk])
    items = [dict(item) for item in COUNTY_ITEMS]
    response = client.post(url, {"reason": "", **_items_post(items)})
    assert response.status_code == 400 and "请填写修订原因" in response.content.decode()
    response = client.post(url, {"reason": "同前", **_items_post(items)})
    assert "与当前版本相同" in response.content.decode()
    items[0]["value"] = 3
    assert client.post(url, {"reason": "县里调整指标", **_items_post(items)}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == "issued" and letter.current_version.number == 2
    detail = client.get(reverse("accountability:letter_detail", args=[letter.pk])).content.decode()
    assert "第 2 版" in detail and "县里调整指标" in detail and "首次下达" in detail
    assert detail.count("已签字") == 1  # the first version keeps its signature


def test_withdrawing_needs_a_reason(client: Any, world: World) -> None:
    letter = issued_letter(world)
    client = _login(client, world.county_admin)
    url = reverse("accountability:letter_withdraw", args=[letter.pk])
    response = client.post(url, {"reason": " "})
    assert response.status_code == 400 and "请填写撤回原因" in response.content.decode()
    assert client.post(url, {"reason": "下达对象有误"}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == "withdrawn" and letter.withdrawn_reason == "下达对象有误"
    assert (
        _login(client, world.leader_a).get(reverse("accountability:letter_sign", args=[letter.pk])).status_code == 200
    )
    assert "当前不能签署" in client.get(reverse("accountability:letter_sign", args=[letter.pk])).content.decode()


def test_the_leader_sees_only_the_sign_button_and_the_issuer_only_its_own(client: Any, world: World) -> None:
    letter = issued_letter(world)
    sign_url = reverse("accountability:letter_sign", args=[letter.pk])
    revise_url = reverse("accountability:letter_revise", args=[letter.pk])
    page = (
        _login(client, world.leader_a).get(reverse("accountability:letter_detail", args=[letter.pk])).content.decode()
    )
    assert sign_url in page and revise_url not in page
    page = _login(client, world.county_admin).get(reverse("accountability:letter_detail", args=[letter.pk]))
    assert sign_url not in page.content.decode() and revise_url in page.content.decode()


# Coverage --------------------------------------------------------------------------------------------------


def test_the_coverage_page_drills_down_and_lists_who_has_not_signed(client: Any, world: World) -> None:
    template = county_template(world, kind=LetterTemplate.Kind.PLEDGE)
    services.template_address(
        actor=world.county_admin, template=template, units=[world.ent_a, world.ent_a2, world.ent_b]
    )
    services.template_issue(actor=world.county_admin, template=template)
    services.letter_sign(
        actor=world.enterprise_a,
        letter=template.letters.get(enterprise=world.ent_a),
        typed_name=signing.name_of(world.enterprise_a),
        confirmed=True,
    )
    Letter.objects.filter(enterprise=world.ent_b).update(due_on="2026-01-01")
    client = _login(client, world.county_admin)
    url = reverse("accountability:coverage")
    page = client.get(url, {"kind": "pledge", "year": 2026}).content.decode()
    assert "签署率 33.3%（1/3）" in page and "未签署（2）" in page
    assert page.index("西山建设工程有限公司") < page.index("东城建筑有限公司")  # the overdue first
    town = client.get(url, {"kind": "pledge", "year": 2026, "node": world.town_a.pk}).content.decode()
    assert "签署率 50.0%（1/2）" in town and "东村" in town
    _login(client, world.official_b)
    assert client.get(url, {"node": world.town_a.pk}).status_code == 404
    assert _login(client, world.enterprise_a).get(url).status_code == 403


def test_the_county_coverage_page_kept_between_views_follows_every_change(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """A county's figures and its unsigned list are kept between views, and shown afresh after a
    signature, a withdrawal, a renamed township or the next day, exactly as counted afresh."""
    from django.core.cache import cache

    template = county_template(world, kind=LetterTemplate.Kind.PLEDGE)
    services.template_address(
        actor=world.county_admin, template=template, units=[world.ent_a, world.ent_a2, world.ent_b]
    )
    services.template_issue(actor=world.county_admin, template=template)
    client = _login(client, world.county_admin)
    url = reverse("accountability:coverage")
    query = {"kind": "pledge", "year": 2026}

    def kept() -> str:
        response = client.get(url, query)
        assert response.status_code == 200, response
        page = response.content.decode()
        return page[page.index("<main") : page.index("</main>")]  # the layout carries a fresh CSRF token

    def fresh() -> str:
        cache.clear()
        return kept()

    first = kept()
    assert "签署率 0.0%（0/3）" in first and "未签署（3）" in first and world.ent_a.name in first
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_sign(
            actor=world.enterprise_a,
            letter=template.letters.get(enterprise=world.ent_a),
            typed_name=signing.name_of(world.enterprise_a),
            confirmed=True,
        )
    after_signing = kept()
    assert "签署率 33.3%（1/3）" in after_signing and "未签署（2）" in after_signing
    assert world.ent_a.name not in after_signing.split("未签署（2）", 1)[1]
    assert after_signing == fresh()
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_withdraw(
            actor=world.county_admin, letter=template.letters.get(enterprise=world.ent_b), reason="企业已注销"
        )
    after_withdrawing = kept()
    assert "签署率 50.0%（1/2）" in after_withdrawing and world.ent_b.name not in after_withdrawing
    assert after_withdrawing == fresh()
    world.town_a.name = "东城街道"
    with django_capture_on_commit_callbacks(execute=True):
        world.town_a.save()
    renamed = kept()
    assert "东城街道" in renamed and renamed == fresh()
    # Overdue is a matter of the date: the same data seen the day after its deadline.
    letter = template.letters.get(enterprise=world.ent_a2)
    day_after = datetime.datetime.combine(letter.due_on + datetime.timedelta(days=1), datetime.time(9))
    with time_machine.travel(day_after.replace(tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert 'data-figure="overdue">0<' in renamed
        client.force_login(world.county_admin)  # the session has expired by then
        next_day = kept()
        assert 'data-figure="overdue">1<' in next_day and next_day == fresh()


def _queries(client: Any, url: str) -> int:
    """The queries of a page counted afresh (a county's rates are otherwise cached)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_pages_do_not_query_per_letter(client: Any, world: World) -> None:
    """The home, a template and the coverage page count in grouped queries: more templates and
    copies do not mean more queries."""
    from tests.campaigns.factories import county_campaign

    campaign = county_campaign(world)
    first = county_template(world, kind=LetterTemplate.Kind.PLEDGE, campaign=campaign)
    services.template_address(actor=world.county_admin, template=first, units=[world.ent_a])
    services.template_issue(actor=world.county_admin, template=first)
    received = issued_letter(world)
    client = _login(client, world.official_a)
    urls = [
        reverse("accountability:overview") + "?year=2026",
        reverse("accountability:coverage") + "?year=2026&kind=pledge",
    ]
    _login(client, world.county_admin)
    admin_urls = [*urls, reverse("accountability:template_detail", args=[first.pk])]
    before = [_queries(client, url) for url in admin_urls]
    for _ in range(3):
        more = county_template(world, kind=LetterTemplate.Kind.PLEDGE, campaign=campaign)
        services.template_address(
            actor=world.county_admin, template=more, units=[world.ent_a, world.ent_a2, world.ent_b]
        )
        services.template_issue(actor=world.county_admin, template=more)
    services.template_address(actor=world.county_admin, template=first, units=[world.ent_a2, world.ent_b])
    services.template_issue(actor=world.county_admin, template=first)
    after = [_queries(client, url) for url in admin_urls]
    assert after == before
    # The township's home with the letters it received from the county: one more, no more queries.
    _login(client, world.official_a)
    one = _queries(client, urls[0])
    issued_letter(world)
    assert _queries(client, urls[0]) == one and received.pk


def test_a_supervisor_sees_the_letters_of_its_department_and_sectors(client: Any, world: World) -> None:
    """Town A's 建筑施工 supervisor: the county's pledge to 东城建筑 (its sector) on its home and the
    coverage page; not the pledge to the 危化 enterprise, not the letter to the township."""
    template = county_template(world, kind=LetterTemplate.Kind.PLEDGE)
    services.template_address(actor=world.county_admin, template=template, units=[world.ent_a, world.ent_a2])
    services.template_issue(actor=world.county_admin, template=template)
    issued_letter(world)
    client = _login(client, world.supervisor_a)
    page = client.get(reverse("accountability:overview"), {"year": 2026}).content.decode()
    assert "东城建筑有限公司" in page and "东城化工有限公司" not in page and "东城镇 ·" not in page
    coverage_page = client.get(reverse("accountability:coverage"), {"year": 2026, "kind": "pledge"}).content.decode()
    assert "签署率 0.0%（0/1）" in coverage_page and "东城建筑有限公司" in coverage_page
