"""Activities and report tasks: dates within the campaign's period, units within the organiser's
area, known figures only; one assignment / report per unit with its area; no new work once the
campaign has ended."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from campaigns import activities, reports, services
from campaigns.errors import CampaignError
from campaigns.models import Activity, ActivityAssignment, Campaign, ReportTask, UnitReport
from safetyops.orgs.models import Department
from tests.campaigns.factories import county_campaign, travel
from tests.conftest import World

START, END = date(2026, 11, 1), date(2026, 11, 30)


@pytest.fixture
def campaign(world: World) -> Campaign:
    with travel(date(2026, 11, 2)):
        return county_campaign(world, year=2026, starts_on=START, ends_on=END)


@pytest.fixture
def town_campaign(world: World) -> Campaign:
    with travel(date(2026, 11, 2)):
        return services.campaign_create(
            actor=world.official_a,
            node=world.town_a,
            kind=Campaign.Kind.SPECIAL,
            name="东城镇燃气专项整治",
            year=2026,
            starts_on=START,
            ends_on=END,
        )


def _activity(world: World, campaign: Campaign, **kwargs: Any) -> Activity:
    values: dict[str, Any] = {
        "actor": world.county_admin,
        "campaign_id": campaign.pk,
        "kind": Activity.Kind.DRILL,
        "title": "应急演练",
        "units": [world.town_a],
        **kwargs,
    }
    return activities.activity_create(**values)


def _task(world: World, campaign: Campaign, **kwargs: Any) -> ReportTask:
    values: dict[str, Any] = {
        "actor": world.county_admin,
        "campaign_id": campaign.pk,
        "title": "隐患整治情况",
        "deadline": date(2026, 11, 20),
        "units": [world.town_a],
        **kwargs,
    }
    return reports.task_create(**values)


@pytest.mark.parametrize(
    "dates",
    [
        {"planned_on": START - timedelta(days=1)},
        {"planned_on": END + timedelta(days=1)},
        {"planned_on": START, "due_on": END + timedelta(days=1)},
    ],
    ids=["before", "after", "due-after"],
)
def test_an_activity_outside_the_period_is_refused(world: World, campaign: Campaign, dates: dict[str, date]) -> None:
    with pytest.raises(CampaignError):
        _activity(world, campaign, **dates)
    assert not Activity.objects.exists() and not ActivityAssignment.objects.exists()


def test_an_activity_on_the_first_and_last_day_is_planned_for_each_unit(world: World, campaign: Campaign) -> None:
    department = Department.objects.create(node=world.town_a, name="东城镇应急办")
    activity = _activity(
        world,
        campaign,
        planned_on=START,
        due_on=END,
        title="  ",
        units=[world.town_a, world.town_b, world.ent_a, world.town_a, department],  # town A once
    )
    assert activity.title == str(Activity.Kind.DRILL.label)  # a blank title takes the kind's name
    rows = {a.unit: a for a in ActivityAssignment.objects.filter(activity=activity)}
    assert set(rows) == {world.town_a, world.town_b, world.ent_a, department}
    assert rows[world.town_a].area == world.town_a and rows[world.town_a].unit_kind == "node"
    assert rows[world.ent_a].area == world.village_a and rows[world.ent_a].unit_kind == "enterprise"
    assert rows[department].area == world.town_a and rows[department].unit_kind == "department"
    assert not any(a.reported for a in rows.values())


def test_an_activity_needs_a_known_kind_and_a_unit(world: World, campaign: Campaign) -> None:
    with pytest.raises(CampaignError):
        _activity(world, campaign, kind="party")
    with pytest.raises(CampaignError):
        _activity(world, campaign, units=[])
    assert not Activity.objects.exists()


@pytest.mark.parametrize("unit", ["town_b", "ent_b", "county"])
def test_a_unit_outside_the_organisers_area_is_refused(world: World, town_campaign: Campaign, unit: str) -> None:
    outside = getattr(world, unit)
    with pytest.raises(CampaignError):
        _activity(world, town_campaign, actor=world.official_a, units=[world.town_a, outside])
    with pytest.raises(CampaignError):
        _task(world, town_campaign, actor=world.official_a, units=[world.ent_a, outside])
    assert not Activity.objects.exists() and not ReportTask.objects.exists()
    assert not ActivityAssignment.objects.exists() and not UnitReport.objects.exists()


@pytest.mark.parametrize("deadline", [START - timedelta(days=1), END + timedelta(days=1)], ids=["before", "after"])
def test_a_deadline_outside_the_period_is_refused(world: World, campaign: Campaign, deadline: date) -> None:
    with pytest.raises(CampaignError):
        _task(world, campaign, deadline=deadline)
    assert not ReportTask.objects.exists()


@pytest.mark.parametrize(
    "figures",
    [
        [{"key": "hazards_found"}, {"key": "no_such_figure"}],
        [{"key": "free_1", "label": "  "}],
        [{"key": "free_1"}],
    ],
    ids=["unknown", "blank-label", "no-label"],
)
def test_an_unknown_figure_or_a_free_one_without_label_is_refused(
    world: World, campaign: Campaign, figures: list[dict[str, str]]
) -> None:
    with pytest.raises(CampaignError):
        _task(world, campaign, figures=figures)
    assert not ReportTask.objects.exists() and not UnitReport.objects.exists()


def test_a_task_gives_one_pending_report_per_unit(world: World, campaign: Campaign) -> None:
    task = _task(
        world,
        campaign,
        units=[world.town_a, world.town_b, world.ent_a2, world.ent_a],
        figures=[
            {"key": "hazards_found"},
            {"key": "hazards_found"},  # once
            {"key": "free_1", "label": "宣传材料发放", "unit": "份"},
        ],
    )
    assert task.figures == [{"key": "hazards_found"}, {"key": "free_1", "label": "宣传材料发放", "unit": "份"}]
    assert (task.period_start, task.period_end) == (START, date(2026, 11, 20))  # the campaign's start to the deadline
    rows = {r.unit: r for r in UnitReport.objects.filter(task=task)}
    assert set(rows) == {world.town_a, world.town_b, world.ent_a2, world.ent_a}
    assert {u.name: r.area for u, r in rows.items()} == {
        world.town_a.name: world.town_a,
        world.town_b.name: world.town_b,
        world.ent_a2.name: world.town_a,
        world.ent_a.name: world.village_a,
    }
    assert {r.status for r in rows.values()} == {UnitReport.Status.PENDING}


def test_a_task_period_ending_before_it_starts_is_refused(world: World, campaign: Campaign) -> None:
    with pytest.raises(CampaignError):
        _task(world, campaign, period_start=date(2026, 11, 10), period_end=date(2026, 11, 9))
    assert not ReportTask.objects.exists()


@pytest.mark.parametrize("status", [Campaign.Status.ENDED, Campaign.Status.SUMMARISED])
def test_no_new_work_once_the_campaign_has_ended(world: World, campaign: Campaign, status: str) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    with pytest.raises(CampaignError):
        _task(world, campaign)
    with pytest.raises(CampaignError):
        _activity(world, campaign, planned_on=START)
    assert not ReportTask.objects.exists() and not Activity.objects.exists()
