"""The checklist templates shipped in fixtures/checklists.json (重大事故隐患判定标准 and common checks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db.models import ProtectedError

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "checklists.json"


def load_checklists(template_model: Any, item_model: Any, sector_model: Any) -> int:
    """Create or update every template of the fixture and its items; works with historical models.

    Templates are matched by name, items by (template, order). Items whose order is no longer in the
    fixture are deleted unless an inspection already answered them (those are kept for the record).
    Returns the number of templates loaded.
    """
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for row in rows:
        sector = sector_model.objects.get(code=row["sector"]) if row["sector"] else None
        template, _ = template_model.objects.update_or_create(
            name=row["name"],
            defaults={
                "sector": sector,
                "basis": row["basis"],
                "is_active": row.get("is_active", True),
                "sort_order": row["sort_order"],
            },
        )
        orders = []
        for item in row["items"]:
            item_model.objects.update_or_create(
                template=template,
                order=item["order"],
                defaults={
                    "clause": item["clause"],
                    "text": item["text"],
                    "suggests_major": item["suggests_major"],
                },
            )
            orders.append(item["order"])
        for stale in item_model.objects.filter(template=template).exclude(order__in=orders):
            try:
                stale.delete()
            except ProtectedError:
                pass
    return len(rows)
