"""The data migrations into the evidence app: old-style rows written at the state before them
(inspections 0009) survive the move with their primary keys, stored files, links and signatures."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.inspections.conftest import jpeg, pdf

BEFORE = [("inspections", "0010_steps_idempotency_keys"), ("evidence", "0001_evidence_initial")]
STATISTICS_TEXT = (
    "东城化工有限公司（统一社会信用代码 X）\n2026年第一季度事故隐患排查治理情况统计分析\n报告期内无重大事故隐患。"
)


def _stored(name: str, upload: Any) -> str:
    return default_storage.save(f"evidence/2026/01/{name}", ContentFile(upload.read()))


def _old_rows(apps: Any, world: World) -> dict[str, Any]:
    """What the inspections app wrote before the evidence app existed."""
    get = apps.get_model
    Attachment, Hazard, HazardEvent = (
        get("inspections", "Attachment"),
        get("inspections", "Hazard"),
        get("inspections", "HazardEvent"),
    )
    item = get("inspections", "ChecklistItem").objects.order_by("pk").first()
    when = timezone.now() - timedelta(days=3)
    inspection = get("inspections", "Inspection").objects.create(
        enterprise_id=world.ent_a.pk, kind="routine", inspected_at=when, findings="储罐区防火堤破损",
        conclusion="责令整改", status="locked", created_by_id=world.official_a.pk, locked_at=when,
    )  # fmt: skip
    result = get("inspections", "ChecklistResult").objects.create(
        inspection=inspection, item_id=item.pk, result="fail", note="东侧破损", answered_by_id=world.official_a.pk
    )
    signed = get("inspections", "InspectionSignature").objects.create(
        inspection=inspection,
        inspector_id=world.official_a.pk,
        signed_at=when,
        signed_name="张伟",
        signed_ip="10.1.2.3",
    )
    unsigned = get("inspections", "InspectionSignature").objects.create(
        inspection=inspection, inspector_id=world.official_b.pk
    )
    hazard = Hazard.objects.create(
        number="YH-2026-330001001-00001", enterprise_id=world.ent_a.pk, node_id=world.village_a.pk, level="major",
        category="thing", source="inspection", description="防火堤破损", inspection=inspection,
        deadline=date.today() + timedelta(days=30), registered_by_id=world.official_a.pk,
    )  # fmt: skip
    event = HazardEvent.objects.create(hazard=hazard, action="registered", actor_id=world.official_a.pk)
    common = {"enterprise_id": world.ent_a.pk, "uploaded_by_id": world.official_a.pk, "size": 10, "sha256": "a" * 64}
    site = Attachment.objects.create(
        **common, inspection=inspection, checklist_result=result, kind="image", role="before",
        file=_stored("site.jpg", jpeg()), thumbnail=_stored("site-thumb.jpg", jpeg()), original_name="现场.jpg",
        content_type="image/jpeg",
    )  # fmt: skip
    carried = Attachment.objects.create(
        **common, hazard=hazard, event=event, inspection=inspection, kind="image", role="before",
        file=site.file.name, thumbnail=site.thumbnail.name, original_name="现场.jpg", content_type="image/jpeg",
    )  # fmt: skip
    minutes = Attachment.objects.create(
        **common, hazard=hazard, kind="pdf", role="document", file=_stored("minutes.pdf", pdf()),
        original_name="职代会记录.pdf", content_type="application/pdf",
    )  # fmt: skip
    Attachment.objects.filter(pk=site.pk).update(uploaded_at=when)
    congress = get("inspections", "HazardCongressReport").objects.create(
        hazard=hazard, body="assembly", reported_on=date.today(), note="已报告", evidence=minutes,
        recorded_by_id=world.enterprise_a.pk,
    )  # fmt: skip
    report = get("inspections", "HazardStatisticsReport").objects.create(
        enterprise_id=world.ent_a.pk, year=2026, quarter=1, period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31), due_on=date(2026, 4, 15), figures={}, signed_text=STATISTICS_TEXT,
        sha256=__import__("hashlib").sha256(STATISTICS_TEXT.encode()).hexdigest(), signed_by_id=world.enterprise_a.pk,
        signed_name="张三", signed_at=when, signed_ip="10.0.0.9",
    )  # fmt: skip
    return {
        "inspection": inspection.pk, "result": result.pk, "hazard": hazard.pk, "event": event.pk,
        "site": (site.pk, site.file.name, site.thumbnail.name), "carried": carried.pk, "minutes": minutes.pk,
        "congress": congress.pk, "signed": signed.pk, "unsigned": unsigned.pk, "report": report.pk,
        "report_sha256": report.sha256, "when": when,
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_old_attachments_and_signatures_move_with_their_keys_files_and_links(client: Any, world: World) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = _old_rows(executor.loader.project_state(BEFORE).apps, world)
    executor = MigrationExecutor(connection)  # a fresh graph, as `migrate` would load it
    executor.migrate(executor.loader.graph.leaf_nodes())

    from inspections.models import (
        ChecklistResult,
        Hazard,
        HazardCongressReport,
        HazardEvent,
        HazardStatisticsReport,
        Inspection,
        InspectionSignature,
    )
    from inspections.records import inspection_record_text
    from safetyops.evidence import signing
    from safetyops.evidence.models import Attachment
    from safetyops.evidence.services import attachment_create

    site = Attachment.objects.get(pk=old["site"][0])
    assert (site.file.name, site.thumbnail.name) == old["site"][1:]
    assert site.owner == ChecklistResult.objects.get(pk=old["result"]) and site.step is None
    assert site.enterprise_id == world.ent_a.pk and site.node_id is None
    assert abs((site.uploaded_at - old["when"]).total_seconds()) < 1  # the upload time is kept
    hazard = Hazard.objects.get(pk=old["hazard"])
    carried = Attachment.objects.get(pk=old["carried"])
    assert carried.owner == hazard and carried.step == HazardEvent.objects.get(pk=old["event"])
    assert carried.file.name == site.file.name  # still one stored file for both rows
    assert sorted(hazard.attachments.values_list("pk", flat=True)) == sorted([old["carried"], old["minutes"]])
    assert list(HazardEvent.objects.get(pk=old["event"]).attachments.all()) == [carried]
    assert list(ChecklistResult.objects.get(pk=old["result"]).attachments.all()) == [site]
    assert HazardCongressReport.objects.get(pk=old["congress"]).evidence == Attachment.objects.get(pk=old["minutes"])

    # Same address as before, same bytes.
    client.force_login(world.official_a)
    response = client.get(f"/files/{site.pk}/")
    assert (
        response.status_code == 200 and reverse("evidence:attachment_download", args=[site.pk]) == f"/files/{site.pk}/"
    )
    with default_storage.open(old["site"][1]) as stored:
        assert b"".join(response.streaming_content) == stored.read()
    client.force_login(world.enterprise_b)
    assert client.get(f"/files/{site.pk}/").status_code == 404

    # A new file after the move gets a key of its own (PostgreSQL's sequence was moved on).
    fresh = attachment_create(actor=world.official_a, upload=jpeg(), owner=hazard, enterprise=world.ent_a, role="after")
    assert fresh.pk > max(old["site"][0], old["carried"], old["minutes"])

    signed = InspectionSignature.objects.get(pk=old["signed"])
    assert (signed.signed_name, signed.signed_ip, signed.signed_at) == ("张伟", "10.1.2.3", old["when"])
    assert signed.signature.signer_id == world.official_a.pk
    inspection = Inspection.objects.get(pk=old["inspection"])
    assert signed.signature.owner == inspection
    assert signing.verify(signed.signature, inspection_record_text(inspection))  # the frozen copy renders alike
    assert InspectionSignature.objects.get(pk=old["unsigned"]).signature is None
    report = HazardStatisticsReport.objects.get(pk=old["report"])
    assert (report.signed_text, report.sha256, report.signed_name, report.signed_ip) == (
        STATISTICS_TEXT,
        old["report_sha256"],
        "张三",
        "10.0.0.9",
    )
    assert report.signed_by == world.enterprise_a and report.signed_at == old["when"]
    assert signing.verify(report.signature, STATISTICS_TEXT)
