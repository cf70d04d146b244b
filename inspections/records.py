"""The text an inspector signs (谁检查谁签字): a canonical rendering of the inspection record.

Every inspector signs the same text once the record is submitted (nothing in it can change while
it is being signed); safetyops.evidence.signing keeps it with its SHA-256. Migration 0011 keeps a
frozen copy of this rendering for the signatures made before it existed.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def inspection_record_text(inspection: Any) -> str:
    """Enterprise, time, kind, inspectors, findings, conclusion and every checklist answer, in words."""
    enterprise = inspection.enterprise
    when = timezone.localtime(inspection.inspected_at).strftime("%Y-%m-%d %H:%M")
    inspectors = "、".join(
        (s.inspector.full_name or s.inspector.username) for s in inspection.signatures.order_by("pk")
    )
    lines = [
        "检查记录",
        f"被检查企业：{enterprise.name}（统一社会信用代码 {enterprise.credit_code}）",
        f"检查时间：{when}",
        f"检查类型：{inspection.get_kind_display()}",
        f"检查人员：{inspectors}",
    ]
    if inspection.backdate_reason:
        lines.append(f"补录原因：{inspection.backdate_reason}")
    lines += ["检查情况：", inspection.findings or "—", "检查结论：", inspection.conclusion or "—", "检查项："]
    results = inspection.results.select_related("item").order_by("item__template__sort_order", "item__order", "item_id")
    for n, result in enumerate(results, start=1):
        clause = f"〔{result.item.clause}〕" if result.item.clause else ""
        note = f"（{result.note}）" if result.note else ""
        lines.append(f"{n}. {clause}{result.item.text}：{result.get_result_display()}{note}")
    if lines[-1] == "检查项：":  # no answers recorded
        lines.append("—")
    return "\n".join(lines)
