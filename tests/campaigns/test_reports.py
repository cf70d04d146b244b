"""Report tasks: the form pre-filled from the records equals independent counts of the same rows;
a corrected figure keeps the records' value and the note; states with frozen time; every
submission kept; bad input changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from campaigns import reports
from campaigns.errors import CampaignError, NotPermitted
from campaigns.models import Campaign, ReportVersion, UnitReport
from inspections.models import Hazard, Inspection
from tests.campaigns.factories import SHANGHAI, county_campaign, travel
from tests.conftest import World

START, END, DEADLINE = date(2026, 11, 1), date(2026, 12, 31), date(2026, 11, 30)
FIGURES = [
    {"key": "targets"},
    {"key": "targets_inspected"},
    {"key": "inspections"},
    {"key": "hazards_found"},
    {"key": "hazards_major"},
    {"key": "hazards_closed"},
    {"key": "hazards_overdue"},
    {"key": "fines"},
    {"key": "free_1", "label": "宣传材料发放", "unit": "份"},
]


@pytest.fixture
def task(world: World, hazard_factory: Any) -> Any:
    with travel(date(2026, 11, 2)):
        campaign = county_campaign(world, year=2026, starts_on=START, ends_on=END)
        task = reports.task_create(
            actor=world.county_admin,
            campaign_id=campaign.pk,
            title="11月底前将隐患整治情况上报安委办",
            deadline=DEADLINE,
            units=[world.town_a, world.town_b],
            figures=FIGURES,
        )
    with travel(date(2026, 11, 10)):
        Inspection.objects.create(enterprise=world.ent_a, inspected_at=timezone.now(), created_by=world.official_a)
        Inspection.objects.create(enterprise=world.ent_a, inspected_at=timezone.now(), created_by=world.official_a)
        hazard_factory(level="general", enterprise=world.ent_a, deadline=date(2026, 11, 15))  # overdue later
        hazard_factory(level="general", status="closed", enterprise=world.ent_a)
        hazard_factory(level="major", enterprise=world.ent_a2, deadline=date(2026, 12, 20))
        hazard_factory(level="general", enterprise=world.ent_b)  # town B: not town A's
    with travel(date(2026, 10, 20)):
        hazard_factory(level="general", enterprise=world.ent_a)  # before the period
    return task


def _report(task: Any, node: Any) -> UnitReport:
    return UnitReport.objects.select_related("task", "area").get(task=task, node=node)


def test_prefilled_figures_equal_independent_counts(world: World, task: Any) -> None:
    with travel(date(2026, 11, 20)):
        prefilled = {p.key: p for p in reports.report_prefill(_report(task, world.town_a))}
    town = Hazard.objects.filter(
        enterprise__node__path__startswith=world.town_a.path,
        registered_at__gte=datetime(2026, 11, 1, tzinfo=SHANGHAI),
        registered_at__lt=datetime(2026, 12, 1, tzinfo=SHANGHAI),
    )
    expected = {
        "targets": 2,  # ent_a (village), ent_a2
        "targets_inspected": Inspection.objects.filter(enterprise__node__path__startswith=world.town_a.path)
        .values("enterprise")
        .distinct()
        .count(),
        "inspections": Inspection.objects.filter(enterprise__node__path__startswith=world.town_a.path).count(),
        "hazards_found": town.count(),
        "hazards_major": town.filter(level="major").count(),
        "hazards_closed": town.filter(status="closed").count(),
        "hazards_overdue": sum(1 for h in town if h.status != "closed" and h.deadline < date(2026, 11, 20)),
    }
    assert expected == {"targets": 2, "targets_inspected": 1, "inspections": 2, "hazards_found": 3,
                        "hazards_major": 1, "hazards_closed": 1, "hazards_overdue": 1}  # fmt: skip
    assert {k: prefilled[k].value for k in expected} == expected
    assert prefilled["hazards_found"].source.startswith("隐患台账，2026-11-01至2026-11-30")
    assert prefilled["fines"].value is None and prefilled["fines"].source == ""
    assert prefilled["free_1"].label == "宣传材料发放" and prefilled["free_1"].value is None


def _values(**changes: str) -> dict[str, str]:
    base = dict(
        targets="2", targets_inspected="1", inspections="2", hazards_found="3", hazards_major="1",
        hazards_closed="1", hazards_overdue="1", fines="0.5", free_1="300",
    )  # fmt: skip
    return {**base, **changes}


def test_a_corrected_figure_needs_a_note_and_keeps_the_records_value(world: World, task: Any) -> None:
    report = _report(task, world.town_a)
    with travel(date(2026, 11, 20)):
        with pytest.raises(CampaignError, match="与系统统计（3）不一致"):
            reports.report_submit(actor=world.official_a, report_id=report.pk, values=_values(hazards_found="4"))
        with pytest.raises(CampaignError, match="应为整数"):
            reports.report_submit(actor=world.official_a, report_id=report.pk, values=_values(free_1="三百"))
        with pytest.raises(CampaignError, match="不能为负数"):
            reports.report_submit(actor=world.official_a, report_id=report.pk, values=_values(fines="-1"))
        assert not ReportVersion.objects.exists()
        version = reports.report_submit(
            actor=world.official_a,
            report_id=report.pk,
            values=_values(hazards_found="4"),
            notes={"hazards_found": "另有一条纸质检查发现的隐患尚未录入"},
            text="已完成辖区企业全覆盖检查。",
        )
    assert version.figures["hazards_found"] == {
        "value": "4",
        "system": "3",
        "note": "另有一条纸质检查发现的隐患尚未录入",
    }
    assert version.figures["fines"] == {"value": "0.5", "system": None, "note": ""}
    assert not version.late and not version.zero


def test_states_with_frozen_time_and_every_version_kept(world: World, task: Any) -> None:
    a, b = _report(task, world.town_a), _report(task, world.town_b)
    with travel(date(2026, 11, 20)):
        assert reports.report_state(a, None) == "waiting"
        first = reports.report_submit(actor=world.official_a, report_id=a.pk, values=_values(), key="k1")
        again = reports.report_submit(actor=world.official_a, report_id=a.pk, values=_values(), key="k1")
        assert again == first  # the same post twice: one version
        second = reports.report_submit(
            actor=world.official_a, report_id=a.pk, values=_values(free_1="350"), text="补充"
        )
    assert [v.number for v in ReportVersion.objects.filter(report=a)] == [1, 2]
    assert reports.versions_diff(first, second) == [("free_1", "300", "350"), ("text", "", "补充")]
    assert reports.report_state(a, second, today=date(2026, 11, 20)) == "submitted"
    assert reports.report_state(b, None, today=date(2026, 12, 1)) == "missing"
    with travel(date(2026, 12, 1)):
        with pytest.raises(CampaignError, match="已过报送期限"):
            reports.report_submit(actor=world.official_a, report_id=a.pk, values=_values())
        with pytest.raises(NotPermitted):
            reports.report_return(actor=world.official_a, report_id=a.pk, reason="数据有误")
        reports.report_return(actor=world.county_admin, report_id=a.pk, reason="整改率数据有误，请核实")
        assert reports.report_state(UnitReport.objects.get(pk=a.pk), second) == "returned"
        zero = {k: "0" for k in _values()}
        notes = {k: "辖区内本期无此项" for k in _values()}
        late = reports.report_submit(actor=world.official_b, report_id=b.pk, values=zero, notes=notes)
    assert late.late and late.zero
    assert reports.report_state(UnitReport.objects.get(pk=b.pk), late) == "zero"
    assert ReportVersion.objects.filter(report=a).count() == 2  # returned: nothing lost


def test_only_the_unit_reports_and_not_after_the_summary(world: World, task: Any) -> None:
    a = _report(task, world.town_a)
    with travel(date(2026, 11, 20)):
        with pytest.raises(NotPermitted):
            reports.report_submit(actor=world.official_b, report_id=a.pk, values=_values())
        Campaign.objects.filter(pk=task.campaign_id).update(status=Campaign.Status.SUMMARISED)
        with pytest.raises(CampaignError, match="已总结"):
            reports.report_submit(actor=world.official_a, report_id=a.pk, values=_values())
    assert not ReportVersion.objects.exists() and UnitReport.objects.get(pk=a.pk).status == "pending"


def test_a_submitted_version_is_never_changed_or_deleted(world: World, task: Any) -> None:
    from django.db.models import ProtectedError

    from safetyops.evidence.models import AppendOnlyError

    with travel(date(2026, 11, 20)):
        version = reports.report_submit(
            actor=world.official_a, report_id=_report(task, world.town_a).pk, values=_values()
        )
    version.text = "改过"
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        ReportVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(ProtectedError):  # the campaign cannot take its reports along
        Campaign.objects.filter(pk=task.campaign_id).delete()
    assert ReportVersion.objects.get(pk=version.pk).text == ""
