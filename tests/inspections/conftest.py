"""Fixtures for the inspections tests: images, and hazards brought to any lifecycle state
through the real services (never by writing the status field)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections import services
from inspections.models import Hazard
from tests.conftest import World


def jpeg(name: str = "photo.jpg", size: tuple[int, int] = (64, 48), colour: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def plan_input(hazard: Hazard, **overrides: Any) -> services.PlanInput:
    data: dict[str, Any] = {
        "measures": "更换破损防护罩，设置警示标志",
        "responsible_name": "王强",
        "responsible_post": "设备科长",
        "responsible_phone": "13900001111",
        "funds": Decimal("3000"),
        "deadline": min(hazard.deadline, timezone.localdate() + timedelta(days=10)),
        "contingency": "整改期间停用该设备，设专人监护",
    }
    if hazard.level == Hazard.Level.MAJOR:
        data.update(
            situation="除尘系统未设泄爆装置，系建设时未按标准设计",
            analysis="可能引发粉尘爆炸，须局部停产改造，难度较大",
            goal="消除粉尘爆炸风险",
            materials="资金3000元已落实",
            organisation="设备科，王强牵头",
            requirements="30日内完成并申请验收",
        )
    data.update(overrides)
    return services.PlanInput(**data)


STATES = ["registered", "plan_pending", "rectifying", "awaiting_verification", "closed"]


def open_inspection(world: World, *, official: Any = None, enterprise: Any = None, **kwargs: Any) -> Any:
    """An inspection in progress (检查中), by official_a of ent_a unless told otherwise."""
    return services.inspection_create(
        actor=official or world.official_a,
        enterprise_id=(enterprise or world.ent_a).pk,
        kind="routine",
        inspectors=kwargs.pop("inspectors", []),
        **kwargs,
    )


@pytest.fixture
def hazard_factory(world: World) -> Callable[..., Hazard]:
    """make(level="general", status="rectifying", enterprise=world.ent_a, deadline=..., inspection=...)"""

    def make(
        level: str = "general",
        status: str = "registered",
        enterprise: Any = None,
        deadline: date | None = None,
        official: Any = None,
        enterprise_user: Any = None,
        inspection: Any = None,
    ) -> Hazard:
        enterprise = enterprise or world.ent_a
        official = official or (world.official_a if enterprise.node.is_within(world.town_a) else world.official_b)
        enterprise_user = enterprise_user or (world.enterprise_a if enterprise == world.ent_a else world.enterprise_b)
        hazard = services.hazard_register(
            actor=official,
            enterprise_id=enterprise.pk,
            data=services.HazardInput(
                level=level,
                category="thing",
                description="配电箱门未关闭，线路裸露",
                deadline=deadline or timezone.localdate() + timedelta(days=15),
                location="二号车间",
            ),
            photos=[jpeg()],
            inspection=inspection,
        )
        if status == "registered":
            return hazard
        services.hazard_submit_plan(actor=enterprise_user, hazard_id=hazard.pk, plan=plan_input(hazard))
        if level == "major" and status != "plan_pending":
            services.hazard_approve_plan(actor=official, hazard_id=hazard.pk, comment="同意")
        if status in {"plan_pending", "rectifying"}:
            return Hazard.objects.get(pk=hazard.pk)
        services.hazard_report_completion(
            actor=enterprise_user,
            hazard_id=hazard.pk,
            description="已更换",
            money_spent=Decimal("2800"),
            after_photos=[jpeg("after.jpg", colour="green")],
        )
        if status == "awaiting_verification":
            return Hazard.objects.get(pk=hazard.pk)
        services.hazard_verify(actor=official, hazard_id=hazard.pk, opinion="整改到位，同意销号")
        return Hazard.objects.get(pk=hazard.pk)

    return make
