"""The checklist templates loaded by inspections/migrations/0002_load_checklists.py."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from inspections.checklists import load_checklists
from inspections.models import ChecklistItem, ChecklistTemplate
from safetyops.orgs.models import Sector
from safetyops.orgs.sectors import load_sectors

pytestmark = pytest.mark.django_db

GONGMAO = "工贸企业重大事故隐患判定（通用）"
DUST = "粉尘防爆重大事故隐患判定"
AMMONIA = "涉氨制冷重大事故隐患判定"
CONFINED = "有限空间作业重大事故隐患判定"
FIRE = "消防安全日常检查"
GAS = "餐饮场所燃气安全检查"

# name -> (sector code, item count, the article of 《工贸企业重大事故隐患判定标准》 the items cite)
MAJOR = {
    GONGMAO: ("industry-trade", 3, "第三条"),
    DUST: ("dust-explosion", 10, "第十一条"),
    AMMONIA: ("ammonia-refrigeration", 2, "第十二条"),
    CONFINED: ("confined-space", 2, "第十三条"),
}
CN = "一二三四五六七八九十"


@pytest.fixture(autouse=True)
def _migrated_rows() -> None:
    """The rows the data migrations wrote; a transactional test run earlier may have flushed them."""
    if not Sector.objects.exists():
        load_sectors(Sector)
        migration = importlib.import_module("inspections.migrations.0002_load_checklists")
        migration.forwards(apps, None)


def counts() -> tuple[int, int, list[tuple]]:
    rows = list(
        ChecklistItem.objects.order_by("template__name", "order").values_list(
            "template__name", "order", "clause", "text", "suggests_major"
        )
    )
    return ChecklistTemplate.objects.count(), ChecklistItem.objects.count(), rows


def test_migration_loaded_the_templates() -> None:
    names = set(ChecklistTemplate.objects.values_list("name", flat=True))
    assert set(MAJOR) | {FIRE, GAS} <= names
    assert ChecklistTemplate.objects.filter(sector__code="hazchem").exists()
    assert ChecklistTemplate.objects.filter(sector__code="construction").exists()


@pytest.mark.parametrize("name", list(MAJOR))
def test_gongmao_major_hazard_templates(name: str) -> None:
    code, count, article = MAJOR[name]
    template = ChecklistTemplate.objects.get(name=name)
    assert template.sector is not None and template.sector.code == code
    assert "应急管理部令第10号" in template.basis
    items = list(template.items.order_by("order"))
    assert len(items) == count
    assert [item.order for item in items] == list(range(1, count + 1))
    for n, item in enumerate(items):
        assert item.suggests_major
        assert item.clause == f"《工贸企业重大事故隐患判定标准》{article}第（{CN[n]}）项"


def test_dust_items_follow_article_eleven() -> None:
    texts = list(ChecklistTemplate.objects.get(name=DUST).items.order_by("order").values_list("text", flat=True))
    assert texts[0].startswith("粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内")
    assert "锁气卸灰装置" in texts[5]
    assert "20区" in texts[6]
    assert "砂光机" in texts[7]
    assert "氢气积聚" in texts[8]
    assert texts[9] == "未落实粉尘清理制度，造成作业现场积尘严重的"


def test_confined_space_items() -> None:
    texts = list(ChecklistTemplate.objects.get(name=CONFINED).items.order_by("order").values_list("text", flat=True))
    assert "辨识" in texts[0] and "台账" in texts[0]
    assert "先通风、再检测、后作业" in texts[1] and "现场监护" in texts[1]


def test_every_item_cites_a_clause() -> None:
    assert ChecklistItem.objects.exists()
    assert not ChecklistItem.objects.filter(clause="").exists()
    assert not ChecklistItem.objects.filter(text="").exists()


def test_fire_checklist_applies_to_every_enterprise() -> None:
    fire = ChecklistTemplate.objects.get(name=FIRE)
    assert fire.sector is None
    assert 8 <= fire.items.count() <= 12
    assert not fire.items.filter(suggests_major=True).exists()


def test_other_sector_templates() -> None:
    gas = ChecklistTemplate.objects.get(name=GAS)
    assert gas.sector is not None and gas.sector.code == "catering-gas"
    assert 6 <= gas.items.count() <= 10
    hazchem = ChecklistTemplate.objects.get(sector__code="hazchem")
    assert 5 <= hazchem.items.count() <= 8
    assert all(hazchem.items.values_list("suggests_major", flat=True))
    assert "安监总管三〔2017〕121号" in hazchem.basis
    construction = ChecklistTemplate.objects.get(sector__code="construction")
    assert 6 <= construction.items.count() <= 8


def test_loading_again_changes_nothing() -> None:
    before = counts()
    assert load_checklists(ChecklistTemplate, ChecklistItem, Sector) == before[0]
    assert load_checklists(ChecklistTemplate, ChecklistItem, Sector) == before[0]
    assert counts() == before


def test_loading_restores_edited_and_removes_stale_items() -> None:
    template = ChecklistTemplate.objects.get(name=AMMONIA)
    template.items.filter(order=1).update(text="改过的内容", suggests_major=False)
    ChecklistItem.objects.create(template=template, order=99, clause="x", text="多余的检查项")
    load_checklists(ChecklistTemplate, ChecklistItem, Sector)
    items = list(template.items.order_by("order"))
    assert [item.order for item in items] == [1, 2]
    assert items[0].suggests_major
    assert items[0].text.startswith("包装间、分割间、产品整理间")
