"""What a new campaign of each kind proposes (DOMAIN §5), and the create page showing it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from campaigns.proposals import FOUR_ALWAYS_FIGURES, proposal_for, theme_for
from safetyops.core import records
from tests.conftest import World

TODAY = date(2026, 12, 3)


def test_the_safety_month_theme_of_a_known_year_and_the_latest_one_otherwise() -> None:
    assert theme_for(2024) == ("人人讲安全、个个会应急——畅通生命通道", True)
    assert theme_for(2025) == ("人人讲安全、个个会应急——查找身边安全隐患", True)
    assert theme_for(2026) == ("人人讲安全、个个会应急——查找身边安全隐患", False)
    assert proposal_for("safety_month", year=2026, today=TODAY).notes  # asks the official to check it
    assert not proposal_for("safety_month", year=2024, today=TODAY).notes


def test_the_safety_month_proposes_the_eight_activities_with_their_dates_and_the_seven_into() -> None:
    proposal = proposal_for("safety_month", year=2025, today=TODAY)
    assert (proposal.fields["starts_on"], proposal.fields["ends_on"]) == (date(2025, 6, 1), date(2025, 6, 30))
    kinds = [a.kind for a in proposal.activities]
    assert kinds[:2] == ["launch", "consultation_day"]
    assert set(kinds) == {
        "launch",
        "consultation_day",
        "lecture",
        "publicity",
        "drill",
        "training",
        "warning",
        "online",
        "seven_into",
    }
    by_kind = {a.kind: a for a in proposal.activities}
    assert by_kind["launch"].planned_on == date(2025, 6, 1)
    assert by_kind["consultation_day"].planned_on == date(2025, 6, 16)
    assert all(date(2025, 6, 1) <= a.due_on <= date(2025, 6, 30) for a in proposal.activities if a.due_on)
    assert "校园" in by_kind["seven_into"].description and "公共场所" in by_kind["seven_into"].description


def test_a_great_inspection_proposes_full_coverage_and_reports_at_its_midpoint_and_end() -> None:
    proposal = proposal_for("great_inspection", year=2026, today=TODAY)
    start, end = proposal.fields["starts_on"], proposal.fields["ends_on"]
    assert proposal.fields["goal_coverage"] == 100
    assert [t.deadline for t in proposal.tasks] == [start + (end - start) / 2, end]
    assert "coverage" in proposal.tasks[0].figures and "hazards_overdue" in proposal.tasks[0].figures
    winter = proposal_for("winter_spring", year=2026, today=date(2026, 10, 1))
    assert (winter.fields["starts_on"], winter.fields["ends_on"]) == (date(2026, 11, 15), date(2027, 2, 28))


def test_an_illegal_crackdown_reports_the_four_always_and_the_fines(world: World) -> None:
    proposal = proposal_for("illegal_crackdown", year=2026, today=TODAY)
    figures = proposal.tasks[0].figures
    assert set(FOUR_ALWAYS_FIGURES) <= set(figures) and "fines" in figures
    labels = [str(records.figure(key).label) for key in FOUR_ALWAYS_FIGURES if records.figure(key)]
    assert labels == ["关闭取缔", "上限处罚", "停产整顿", "追究法律责任", "罚款金额"]


def test_a_special_campaign_proposes_its_topics_sectors_and_checklist(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    response = client.get(reverse("campaigns:campaign_create"), {"kind": "special", "topic": "construction"})
    form = response.context["form"]
    assert form.initial["topic"] == "construction"
    assert form.initial["scope_sectors"] == [world.sector_build.pk]
    template = form.fields["checklist_template"].queryset.get(pk=form.initial["checklist_template"])
    assert template.name == "建筑施工现场安全检查"
