"""一票否决 by rule: one 重大-or-worse, or two 较大-or-worse, registered accidents of the year
(Beijing time) for which the unit bears responsibility; the review with a written reason."""

from __future__ import annotations

import pytest
import time_machine

from accountability.assessments import services
from accountability.assessments.errors import AssessmentError
from accountability.assessments.veto import veto_for
from accountability.models import Accident, Assessment, Grade
from safetyops.core.audit import audit_events_for
from tests.accountability.accident_factories import accident_row
from tests.accountability.assessment_factories import LAST_YEAR, at, larger, major, sheet
from tests.conftest import World

Y = LAST_YEAR


def test_one_major_with_responsibility_vetoes(world: World) -> None:
    accident = major(world.town_a, at(Y, 5, 1), responsible=[world.town_a])
    veto = veto_for(world.town_a, Y)
    assert veto.vetoed
    assert [a["number"] for a in veto.accidents] == [accident.number]
    assert veto.accidents[0]["level"] == "major" and veto.accidents[0]["date"] == f"{Y}-05-01"


def test_two_larger_veto(world: World) -> None:
    first = larger(world.town_b, at(Y, 3, 1), responsible=[world.town_b])
    second = larger(world.town_b, at(Y, 9, 1), responsible=[world.town_b])
    veto = veto_for(world.town_b, Y)
    assert veto.vetoed and [a["number"] for a in veto.accidents] == [first.number, second.number]


def test_two_larger_one_without_responsibility_do_not_veto(world: World) -> None:
    larger(world.town_b, at(Y, 3, 1), responsible=[world.town_b])
    larger(world.town_b, at(Y, 9, 1), responsible=[world.ent_b])  # only the enterprise is responsible
    assert not veto_for(world.town_b, Y).vetoed


def test_one_larger_does_not_veto_and_a_review_imposes_or_lifts_it(world: World) -> None:
    larger(world.town_a, at(Y, 3, 1), responsible=[world.town_a])
    assessment = sheet(world)
    assert not assessment.veto_rule and not assessment.vetoed
    with pytest.raises(AssessmentError, match="请填写复核理由"):
        services.assessment_review_veto(actor=world.county_admin, assessment=assessment, decision="imposed", reason=" ")
    assessment.refresh_from_db()
    assert assessment.veto_review == "" and not assessment.vetoed
    services.assessment_review_veto(
        actor=world.county_admin, assessment=assessment, decision="imposed", reason="事故调查认定属地监管严重失职"
    )
    assessment.refresh_from_db()
    assert assessment.vetoed and assessment.veto_review == "imposed"
    assert assessment.veto_review_reason == "事故调查认定属地监管严重失职"
    assert assessment.veto_reviewed_by == world.county_admin
    event = audit_events_for(assessment).get(action="accountability.assessment.veto_reviewed")
    assert event.data["decision"] == "imposed" and event.data["reason"] == "事故调查认定属地监管严重失职"
    services.assessment_review_veto(
        actor=world.county_admin, assessment=assessment, decision="lifted", reason="复核后撤销认定"
    )
    assessment.refresh_from_db()
    assert not assessment.vetoed and assessment.veto_review == "lifted"


def test_a_rule_veto_can_only_be_upheld_or_lifted(world: World) -> None:
    major(world.town_a, at(Y, 5, 1), responsible=[world.town_a])
    assessment = sheet(world)
    assert assessment.veto_rule and assessment.vetoed
    with pytest.raises(AssessmentError, match="只能维持或撤销"):
        services.assessment_review_veto(actor=world.county_admin, assessment=assessment, decision="imposed", reason="x")
    services.assessment_review_veto(
        actor=world.county_admin, assessment=assessment, decision="lifted", reason="经省级调查组认定，该镇不负有责任"
    )
    assessment.refresh_from_db()
    assert not assessment.vetoed and assessment.veto_rule


def test_review_needs_the_right(world: World) -> None:
    from accountability.errors import NotPermitted

    major(world.town_a, at(Y, 5, 1), responsible=[world.town_a])
    assessment = sheet(world)
    with pytest.raises(NotPermitted):
        services.assessment_review_veto(actor=world.leader_county, assessment=assessment, decision="lifted", reason="x")
    assessment.refresh_from_db()
    assert assessment.vetoed and assessment.veto_review == ""


def test_a_major_without_responsibility_does_not_veto(world: World) -> None:
    major(world.town_a, at(Y, 5, 1), responsible=[world.ent_a])
    major(world.town_a, at(Y, 6, 1))
    assert not veto_for(world.town_a, Y).vetoed


def test_the_year_is_counted_in_beijing_time(world: World) -> None:
    larger(world.town_a, at(Y, 1, 1, 0, 0), responsible=[world.town_a])  # 1 January 00:00: this year
    larger(world.town_a, at(Y, 12, 31, 23, 30), responsible=[world.town_a])  # 31 December 23:30: this year
    larger(world.town_a, at(Y + 1, 1, 1, 0, 0), responsible=[world.town_a])  # next year
    larger(world.town_a, at(Y - 1, 12, 31, 23, 59), responsible=[world.town_a])  # the year before
    assert veto_for(world.town_a, Y).vetoed
    assert len(veto_for(world.town_a, Y).accidents) == 2
    assert not veto_for(world.town_a, Y + 1).vetoed
    assert not veto_for(world.town_a, Y - 1).vetoed


def test_31_december_2330_counts_for_that_year_only(world: World) -> None:
    larger(world.town_a, at(Y, 12, 31, 23, 30), responsible=[world.town_a])
    larger(world.town_a, at(Y, 6, 1), responsible=[world.town_a])
    larger(world.town_a, at(Y + 1, 1, 1, 0, 0), responsible=[world.town_a])
    assert veto_for(world.town_a, Y).vetoed  # the 23:30 one is the second 较大 of Y
    assert not veto_for(world.town_a, Y + 1).vetoed  # 00:00 on 1 January is alone in Y+1


def test_drafts_do_not_count_and_a_department_is_named_by_its_row(world: World) -> None:
    from safetyops.orgs.models import Department

    department = Department.objects.create(node=world.county, name="县应急管理局")
    major(world.town_a, at(Y, 5, 1), responsible=[world.town_a], status=Accident.Status.DRAFT)
    assert not veto_for(world.town_a, Y).vetoed
    major(world.town_a, at(Y, 7, 1), responsible=[department])
    assert veto_for(department, Y).vetoed and not veto_for(world.town_a, Y).vetoed


@time_machine.travel(at(2026, 12, 4), tick=False)
def test_a_vetoed_unit_is_never_excellent(world: World) -> None:
    """A department with full marks on every row and one 重大 accident it bears responsibility for."""
    from accountability import services as letter_services
    from safetyops.orgs.models import Department
    from tests.accountability.factories import county_template

    department = Department.objects.create(node=world.county, name="县应急管理局")
    template = county_template(world)
    letter_services.template_address(actor=world.county_admin, template=template, units=[department])
    letter_services.template_issue(actor=world.county_admin, template=template)
    major(world.county, at(2026, 5, 1), responsible=[department])
    services.assessment_round_open(actor=world.county_admin, year=2026)
    assessment = Assessment.objects.get(year=2026, department=department)
    assert assessment.letter is not None and assessment.vetoed
    for row in assessment.rows.filter(source="manual"):
        services.assessment_item_score(actor=world.county_admin, item=row, score=str(row.weight), note="满分")
    assessment.refresh_from_db()
    assert assessment.score == 100 and assessment.grade == Grade.GOOD
    done = services.assessment_finalise(actor=world.county_admin, assessment=assessment)
    assert done.vetoed and done.grade == Grade.GOOD
    services_lift = Assessment.objects.get(pk=done.pk)
    assert services_lift.get_grade_display() == "良好"


def test_the_database_refuses_an_excellent_vetoed_unit(world: World) -> None:
    from django.db import IntegrityError, transaction

    major(world.town_a, at(Y, 5, 1), responsible=[world.town_a])
    assessment = sheet(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(grade=Grade.EXCELLENT)


def test_grade_capping_at_good() -> None:
    from decimal import Decimal

    from accountability.assessments.scoring import grade_for

    assert grade_for(Decimal("95"), vetoed=True) == Grade.GOOD
    assert grade_for(Decimal("95"), vetoed=False) == Grade.EXCELLENT
    assert grade_for(Decimal("90"), vetoed=False) == Grade.EXCELLENT
    assert grade_for(Decimal("89.99"), vetoed=False) == Grade.GOOD
    assert grade_for(Decimal("80"), vetoed=True) == Grade.GOOD
    assert grade_for(Decimal("79.99"), vetoed=False) == Grade.PASS
    assert grade_for(Decimal("60"), vetoed=False) == Grade.PASS
    assert grade_for(Decimal("59.99"), vetoed=False) == Grade.FAIL


def test_unused_accident_row_helper(world: World) -> None:
    # An accident of another township's responsibility does not touch town A.
    accident_row(world.town_b, at(Y, 2, 1), deaths=12, responsible=[world.town_b])
    assert not veto_for(world.town_a, Y).vetoed and veto_for(world.town_b, Y).vetoed


def test_a_lifted_review_lapses_when_the_rule_vetoes_on_an_accident_it_never_saw(world: World) -> None:
    """Imposed, then lifted on one 较大; a second 较大 with responsibility arrives: the rule vetoes,
    and the old lifting must not let the unit be rated 优秀 (the lapse is audited)."""
    first = larger(world.town_a, at(Y, 3, 1), responsible=[world.town_a])
    assessment = sheet(world)
    services.assessment_review_veto(actor=world.county_admin, assessment=assessment, decision="imposed", reason="失职")
    services.assessment_review_veto(actor=world.county_admin, assessment=assessment, decision="lifted", reason="撤销")
    assessment.refresh_from_db()
    assert not assessment.vetoed
    second = larger(world.town_a, at(Y, 9, 1), responsible=[world.town_a])
    services.assessment_score(actor=world.county_admin, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.veto_rule and assessment.vetoed
    assert assessment.veto_review == "" and assessment.veto_review_reason == ""
    assert assessment.veto_reviewed_by is None and assessment.veto_reviewed_at is None
    assert assessment.grade != Grade.EXCELLENT
    event = audit_events_for(assessment).get(action="accountability.assessment.veto_review_lapsed")
    assert event.data["accidents"] == [first.number, second.number] and event.data["reason"] == "撤销"


def test_a_lifted_rule_veto_holds_while_the_accidents_are_those_reviewed(world: World) -> None:
    first = major(world.town_a, at(Y, 5, 1), responsible=[world.town_a])
    assessment = sheet(world)
    services.assessment_review_veto(
        actor=world.county_admin, assessment=assessment, decision="lifted", reason="经省级调查组认定，该镇不负有责任"
    )
    services.assessment_score(actor=world.county_admin, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.veto_review == "lifted" and not assessment.vetoed
    # Another 重大 of the year the review did not see: the lifting lapses, the veto is in force.
    major(world.town_a, at(Y, 8, 1), responsible=[world.town_a])
    services.assessment_score(actor=world.county_admin, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.vetoed and assessment.veto_review == ""
    assert len(assessment.veto_accidents) == 2 and assessment.veto_accidents[0]["number"] == first.number
