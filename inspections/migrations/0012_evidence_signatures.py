"""Signatures move onto safetyops.evidence: every signed InspectionSignature and every
HazardStatisticsReport gets an evidence.Signature with the same name, time and IP, then the
copied columns go.

A 统计报告 keeps its exact signed text; its hash is recomputed over the canonical form (the two
agree for every text the app produced: it never wrote CR or trailing spaces). An inspection
signature made before this migration had no text: the record's text is rendered now with the
frozen copy below of inspections/records.py (the record could not change once submitted).
"""

import hashlib
import re
import unicodedata

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")


def _canonical(text):
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _record_text(inspection, kinds, verdicts):
    enterprise = inspection.enterprise
    when = timezone.localtime(inspection.inspected_at).strftime("%Y-%m-%d %H:%M")
    names = "、".join((s.inspector.full_name or s.inspector.username) for s in inspection.signatures.order_by("pk"))
    lines = [
        "检查记录",
        f"被检查企业：{enterprise.name}（统一社会信用代码 {enterprise.credit_code}）",
        f"检查时间：{when}",
        f"检查类型：{kinds.get(inspection.kind, inspection.kind)}",
        f"检查人员：{names}",
    ]
    if inspection.backdate_reason:
        lines.append(f"补录原因：{inspection.backdate_reason}")
    lines += ["检查情况：", inspection.findings or "—", "检查结论：", inspection.conclusion or "—", "检查项："]
    results = inspection.results.select_related("item").order_by("item__template__sort_order", "item__order", "item_id")
    for n, result in enumerate(results, start=1):
        clause = f"〔{result.item.clause}〕" if result.item.clause else ""
        note = f"（{result.note}）" if result.note else ""
        lines.append(f"{n}. {clause}{result.item.text}：{verdicts.get(result.result, result.result)}{note}")
    if lines[-1] == "检查项：":
        lines.append("—")
    return "\n".join(lines)


def _signature(Signature, owner_type, owner_id, *, signer_id, name, at, ip, text):
    text = _canonical(text)
    return Signature.objects.create(
        owner_type=owner_type,
        owner_id=owner_id,
        method="typed",
        signer_id=signer_id,
        signed_name=name or "—",
        signed_at=at,
        ip=ip,
        user_agent="",
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )



def _check_now(schema_editor):
    """PostgreSQL refuses the ALTER TABLEs that follow while deferred foreign-key checks are pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")

def forward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Signature = apps.get_model("evidence", "Signature")
    InspectionSignature = apps.get_model("inspections", "InspectionSignature")
    Inspection = apps.get_model("inspections", "Inspection")
    ChecklistResult = apps.get_model("inspections", "ChecklistResult")
    Report = apps.get_model("inspections", "HazardStatisticsReport")
    inspection_type = ContentType.objects.get_or_create(app_label="inspections", model="inspection")[0]
    enterprise_type = ContentType.objects.get_or_create(app_label="orgs", model="enterprise")[0]
    kinds = dict(Inspection._meta.get_field("kind").flatchoices)
    verdicts = dict(ChecklistResult._meta.get_field("result").flatchoices)
    texts = {}
    rows = InspectionSignature.objects.filter(signed_at__isnull=False).select_related("inspection__enterprise")
    for row in rows.order_by("pk").iterator(chunk_size=500):
        if row.inspection_id not in texts:
            texts[row.inspection_id] = _record_text(row.inspection, kinds, verdicts)
        row.signature = _signature(
            Signature,
            inspection_type,
            row.inspection_id,
            signer_id=row.inspector_id,
            name=row.signed_name,
            at=row.signed_at,
            ip=row.signed_ip,
            text=texts[row.inspection_id],
        )
        row.save(update_fields=["signature"])
    for report in Report.objects.order_by("pk").iterator(chunk_size=500):
        report.signature = _signature(
            Signature,
            enterprise_type,
            report.enterprise_id,
            signer_id=report.signed_by_id,
            name=report.signed_name,
            at=report.signed_at,
            ip=report.signed_ip,
            text=report.signed_text,
        )
        report.save(update_fields=["signature"])
    _check_now(schema_editor)


def backward(apps, schema_editor):
    InspectionSignature = apps.get_model("inspections", "InspectionSignature")
    Report = apps.get_model("inspections", "HazardStatisticsReport")
    for row in InspectionSignature.objects.filter(signature__isnull=False).select_related("signature"):
        row.signed_at, row.signed_name, row.signed_ip = row.signature.signed_at, row.signature.signed_name, row.signature.ip
        row.save(update_fields=["signed_at", "signed_name", "signed_ip"])
    for report in Report.objects.select_related("signature"):
        s = report.signature
        report.signed_text, report.sha256, report.signed_by_id = s.text, s.sha256, s.signer_id
        report.signed_name, report.signed_at, report.signed_ip = s.signed_name, s.signed_at, s.ip
        report.save(update_fields=["signed_text", "sha256", "signed_by", "signed_name", "signed_at", "signed_ip"])
    _check_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_evidence_initial"),
        ("inspections", "0011_evidence_attachments_move"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectionsignature",
            name="signature",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="evidence.signature",
            ),
        ),
        migrations.AddField(
            model_name="hazardstatisticsreport",
            name="signature",
            field=models.OneToOneField(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="evidence.signature"
            ),
        ),
        # Backwards the old columns come back empty, so they are nullable until filled.
        migrations.AlterField(
            "hazardstatisticsreport", "signed_text", models.TextField(verbose_name="签署内容", default="")
        ),
        migrations.AlterField("hazardstatisticsreport", "sha256", models.CharField(max_length=64, default="")),
        migrations.AlterField(
            "hazardstatisticsreport",
            "signed_by",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.user",
                verbose_name="签署人",
            ),
        ),
        migrations.AlterField(
            "hazardstatisticsreport", "signed_name", models.CharField(max_length=32, verbose_name="签名", default="")
        ),
        migrations.AlterField(
            "hazardstatisticsreport", "signed_at", models.DateTimeField(null=True, verbose_name="签署时间")
        ),
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            model_name="hazardstatisticsreport",
            name="signature",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="evidence.signature"
            ),
        ),
        migrations.RemoveField(model_name="hazardstatisticsreport", name="sha256"),
        migrations.RemoveField(model_name="hazardstatisticsreport", name="signed_at"),
        migrations.RemoveField(model_name="hazardstatisticsreport", name="signed_by"),
        migrations.RemoveField(model_name="hazardstatisticsreport", name="signed_ip"),
        migrations.RemoveField(model_name="hazardstatisticsreport", name="signed_name"),
        migrations.RemoveField(model_name="hazardstatisticsreport", name="signed_text"),
        migrations.RemoveField(model_name="inspectionsignature", name="signed_at"),
        migrations.RemoveField(model_name="inspectionsignature", name="signed_ip"),
        migrations.RemoveField(model_name="inspectionsignature", name="signed_name"),
    ]
