"""The 行业领域 list shipped in fixtures/sectors.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "sectors.json"


def load_sectors(sector_model: Any) -> int:
    """Create or update every sector of the fixture; works with a migration's historical model."""
    by_code: dict[str, Any] = {}
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        sector, _ = sector_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "cross_cutting": row["cross_cutting"],
                "sort_order": row["sort_order"],
                "parent": by_code.get(row["parent"]),
            },
        )
        by_code[row["code"]] = sector
    return len(by_code)
