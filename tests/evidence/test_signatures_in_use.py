"""The two signatures that use safetyops.evidence.signing today: 谁检查谁签字 on an inspection
record and the 主要负责人's 隐患统计报告. Each keeps the canonical text and a hash that verifies."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from inspections import services
from inspections.models import ChecklistItem, Inspection
from inspections.records import inspection_record_text
from inspections.statistics import Period, statistics_report_sign
from safetyops.evidence import signing
from safetyops.evidence.models import Signature
from safetyops.orgs.models import Role
from tests.conftest import World
from tests.notify.conftest import on
from tests.orgs.factories import make_user


def _submitted(world: World, colleague: Any) -> Inspection:
    inspection = services.inspection_create(
        actor=world.official_a, enterprise_id=world.ent_a.pk, kind="unannounced", inspectors=[colleague]
    )
    item = ChecklistItem.objects.filter(template__sector__isnull=True).order_by("pk").first()
    assert item is not None
    services.inspection_record_result(
        actor=world.official_a, inspection_id=inspection.pk, item_id=item.pk, result="fail", note="灭火器过期"
    )
    return services.inspection_submit_for_signing(
        actor=world.official_a, inspection_id=inspection.pk, findings="检查了储罐区  \r\n和仓库", conclusion="责令整改"
    )


def test_every_inspector_signs_the_record_text_and_the_page_shows_the_hash(client: Any, world: World) -> None:
    colleague = make_user(Role.TOWNSHIP_OFFICIAL, node=world.town_a, username="official_a2", full_name="李明")
    inspection = _submitted(world, colleague)
    text = inspection_record_text(inspection)
    for part in ("东城化工有限公司", "四不两直", "检查了储罐区", "责令整改", "不符合（灭火器过期）", "李明"):
        assert part in text
    url = reverse("inspections:inspection_sign", args=[inspection.pk])

    client.force_login(world.official_a)
    unticked = client.post(url, {"typed_name": world.official_a.full_name})
    assert "请勾选确认已核对检查记录后再签字" in unticked.content.decode()
    assert not Signature.objects.exists()
    client.post(url, {"typed_name": world.official_a.full_name, "confirmed": "on"}, HTTP_USER_AGENT="Mozilla/5.0 手机")
    client.force_login(colleague)
    client.post(url, {"typed_name": "李明", "confirmed": "on"})

    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.LOCKED
    rows = list(inspection.signatures.select_related("signature").order_by("pk"))
    assert [r.signature.signer for r in rows] == [world.official_a, colleague]
    assert rows[0].signature.user_agent == "Mozilla/5.0 手机" and rows[0].signature.ip == "127.0.0.1"
    for row in rows:
        assert row.signature.owner == inspection and row.signature.text == signing.canonical(text)
        assert signing.verify(row.signature, inspection_record_text(inspection))
        assert not signing.verify(row.signature, text.replace("责令整改", "责令停产"))
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).content.decode()
    assert rows[0].signature.sha256 in page and "已签字“李明”" in page


def test_the_statistics_report_is_signed_through_the_signing_module(world: World) -> None:
    principal = make_user(Role.ENTERPRISE_USER, enterprise=world.ent_a, username="principal", full_name="张三")
    principal.membership.title = "主要负责人"
    principal.membership.save()
    with on(date(2026, 4, 10)):
        report = statistics_report_sign(
            actor=principal,
            enterprise_id=world.ent_a.pk,
            period=Period(2026, 1),
            typed_name="张三",
            confirmed=True,
            note="第一行  \r\n第二行",  # as a browser's textarea sends it
            ip="10.0.0.9",
            user_agent="Mozilla/5.0",
        )
    signature = report.signature
    assert signature.signer == principal and signature.owner == world.ent_a and signature.user_agent == "Mozilla/5.0"
    assert report.signed_text.endswith("分析说明：\n第一行\n第二行")  # the canonical text is what is kept
    assert report.sha256 == signing.digest(report.signed_text) == signing.digest(report.signed_text + "\r\n")
    assert signing.verify(signature, report.signed_text)
    assert not signing.verify(signature, report.signed_text.replace("第二行", "第三行"))
