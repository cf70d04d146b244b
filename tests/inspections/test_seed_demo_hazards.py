"""`manage.py seed_demo_hazards`: every demo hazard fits its enterprise's sectors."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from inspections.models import ChecklistResult, Hazard
from inspections.selectors import checklist_items_for

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Findings that belong to one kind of enterprise, by a word of their description.
ONLY_IN = {
    "除尘": {"dust-explosion"},
    "粉尘": {"dust-explosion"},
    "有限空间": {"confined-space"},
    "燃气软管": {"catering-gas", "urban-gas"},
    "脚手架": {"construction"},
    "高处作业": {"construction"},
    "模板支撑": {"construction"},
    "临边": {"construction"},
    "砂轮机": {"industry-trade"},
    "厂房": {"industry-trade"},
    "两重点一重大": {"hazchem"},
    "氨": {"ammonia-refrigeration", "cold-storage"},
    "起重机械": {"special-equipment"},
}


def test_every_hazard_fits_its_enterprise() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_hazards", stdout=StringIO())

    hazards = Hazard.objects.select_related("enterprise", "sector", "inspection").prefetch_related(
        "enterprise__sectors__parent"
    )
    assert hazards.count() >= 100
    for hazard in hazards:
        sectors = list(hazard.enterprise.sectors.all())
        codes = {s.code for s in sectors} | {s.parent.code for s in sectors if s.parent}
        for word, kinds in ONLY_IN.items():
            if word in hazard.description:
                assert codes & kinds, f"{hazard.description} at {hazard.enterprise.name} ({codes})"
        if hazard.sector is not None:
            assert hazard.sector in sectors
        # The inspection's checklist items are the enterprise's own.
        applicable = set(checklist_items_for(enterprise=hazard.enterprise).values_list("pk", flat=True))
        answered = set(ChecklistResult.objects.filter(inspection=hazard.inspection).values_list("item_id", flat=True))
        assert answered and answered <= applicable
    # Enterprises of a sector with its own checklist are checked against it, not only the general one.
    assert ChecklistResult.objects.filter(item__template__sector__isnull=False).exists()
