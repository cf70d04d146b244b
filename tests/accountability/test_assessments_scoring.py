"""The score sheet: rows from the letter's items (or the defaults), data rows measured from the
records, the deductions, hand scoring and its bad input, fixing the grade, the ranking."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accountability import services as letter_services
from accountability.assessments import scoring, services
from accountability.assessments.errors import AssessmentError
from accountability.assessments.selectors import ranking
from accountability.models import Assessment, AssessmentItem, Letter, Summons
from accountability.scope import assessments_visible_to
from inspections.models import Hazard
from safetyops.core.audit import audit_events_for
from safetyops.evidence import signing
from safetyops.orgs.units import unit_fields
from tests.accountability.accident_factories import accident_row
from tests.accountability.assessment_factories import at, larger, major, score_all_manual
from tests.accountability.daily_factories import hazard
from tests.accountability.factories import county_template, issued_letter, issued_pledge
from tests.conftest import World

NOW = at(2026, 12, 4, 11)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


def _signed_letter(world: World) -> Letter:
    letter = issued_letter(world)
    letter_services.letter_sign(
        actor=world.leader_a, letter=letter, typed_name=signing.name_of(world.leader_a), confirmed=True
    )
    letter.refresh_from_db()
    return letter


def _round(world: World, year: int = 2026) -> dict[str, Assessment]:
    services.assessment_round_open(actor=world.county_admin, year=year)
    return {a.unit_name: a for a in Assessment.objects.filter(year=year)}


def _row(assessment: Assessment, key: str) -> AssessmentItem:
    return assessment.rows.get(key=key)


def test_the_round_takes_the_letters_items_or_the_defaults(world: World) -> None:
    letter = _signed_letter(world)
    sheets = _round(world)
    town_a, town_b = sheets["东城镇"], sheets["西山镇"]
    assert town_a.letter == letter and town_b.letter is None
    assert [(r.key, r.weight) for r in town_a.rows.filter(weight__gte=0)] == [
        ("industrial_accidents", 30),
        ("industrial_deaths", 30),
        ("major_accidents", 20),
        ("rectification_rate", 20),
    ]
    assert [r.key for r in town_b.rows.filter(weight__gte=0)] == [
        "industrial_accidents",
        "industrial_deaths",
        "major_accidents",
        "rectification_rate",
        "major_rectification_rate",
        "inspection_coverage",
    ]
    assert sum(r.weight for r in town_b.rows.filter(weight__gte=0)) == 100
    assert {r.key for r in town_a.rows.filter(weight__lt=0)} == {"deduct_overdue", "deduct_unsigned", "deduct_summons"}
    # Opening again creates nothing twice.
    assert services.assessment_round_open(actor=world.county_admin, year=2026) == []
    assert Assessment.objects.filter(year=2026).count() == 2
    assert audit_events_for(town_a).filter(action="accountability.assessment.opened").count() == 1


def test_bad_years_and_actors_are_refused(world: World) -> None:
    from accountability.errors import NotPermitted

    with pytest.raises(AssessmentError, match="考核年度"):
        services.assessment_round_open(actor=world.county_admin, year=2027)
    with pytest.raises(NotPermitted):
        services.assessment_round_open(actor=world.official_a, year=2026)
    assert not Assessment.objects.exists()


def test_control_items_full_within_the_limit_else_nothing(world: World) -> None:
    _signed_letter(world)  # town A: ≤5 accidents, ≤6 deaths, no 较大
    for day in (1, 2):
        accident_row(world.village_a, at(2026, 3, day), deaths=2)  # in town A's area
    town_a = _round(world)["东城镇"]
    deaths = _row(town_a, "industrial_deaths")
    assert deaths.measured == "4/6人" and deaths.score == 30
    assert _row(town_a, "industrial_accidents").measured == "2/5起"
    larger(world.town_a, at(2026, 4, 1))  # 3 more deaths, and a 较大
    services.assessment_score(actor=world.county_admin, assessment=town_a)
    deaths.refresh_from_db()
    assert deaths.measured == "7/6人" and deaths.score == 0 and deaths.note == "超出控制指标"
    assert _row(town_a, "major_accidents").score == 0
    assert _row(town_a, "industrial_accidents").score == 30


def test_rectification_rate_scored_against_its_target(world: World) -> None:
    _signed_letter(world)  # rectification_rate ≥95, weight 20
    found = [hazard(world, description=f"隐患{n}") for n in range(4)]
    Hazard.objects.filter(pk__in=[h.pk for h in found[:3]]).tally_update(
        status="closed", closed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    town_a = _round(world)["东城镇"]
    row = _row(town_a, "rectification_rate")
    assert row.measured == "75%（3/4）"
    assert row.score == Decimal("15.79")  # 20 × 75 / 95
    Hazard.objects.filter(pk=found[3].pk).tally_update(
        status="closed", closed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services.assessment_score(actor=world.county_admin, assessment=town_a)
    row.refresh_from_db()
    assert row.measured == "100%（4/4）" and row.score == 20


def test_nothing_to_measure_counts_as_met(world: World) -> None:
    town_b = _round(world)["西山镇"]
    row = _row(town_b, "rectification_rate")
    assert row.score == row.weight and "未登记隐患" in row.note


def test_deductions_overdue_unsigned_and_summons(world: World) -> None:
    late = hazard(world, description="消防通道堵塞")
    Hazard.objects.filter(pk=late.pk).tally_update(deadline=datetime.date(2026, 11, 1))
    issued_pledge(world)  # ent_a (town A) has not signed
    for n, status in enumerate((Summons.Status.HELD, Summons.Status.CLOSED, Summons.Status.CANCELLED)):
        Summons.objects.create(
            issuer=world.county,
            status=status,
            held_on=datetime.date(2026, 6, 1 + n),
            place="县应急管理局会议室",
            summoned_by="县长",
            attendees="东城镇镇长",
            cancelled_reason="改期" if status == Summons.Status.CANCELLED else "",
            **unit_fields(world.town_a),
        )
    town_a = _round(world)["东城镇"]
    overdue, unsigned, summons = (_row(town_a, k) for k in ("deduct_overdue", "deduct_unsigned", "deduct_summons"))
    assert (overdue.measured, overdue.score) == ("1项", Decimal("-0.50"))
    assert (unsigned.measured, unsigned.score) == ("1份", Decimal("-0.10"))
    assert (summons.measured, summons.score) == ("2次", Decimal("-4.00"))  # the cancelled one does not count
    assert summons.weight == -6 and "最多扣6分" in summons.target
    rows = list(town_a.rows.all())
    assert town_a.score == scoring.sheet_total(rows)
    assert "扣分标准" in scoring.standard_text() and "每次扣2分，最多扣6分" in scoring.standard_text()


def test_deductions_stop_at_their_maximum(world: World) -> None:
    for n in range(5):
        Summons.objects.create(
            issuer=world.county,
            held_on=datetime.date(2026, 2, 1 + n),
            place="会议室",
            summoned_by="县长",
            attendees="镇长",
            status=Summons.Status.HELD if n % 2 else Summons.Status.CLOSED,
            **unit_fields(world.town_b),
        )
    town_b = _round(world)["西山镇"]
    assert _row(town_b, "deduct_summons").score == -6


def test_only_a_summons_that_was_held_is_deducted(world: World) -> None:
    for status in (Summons.Status.PLANNED, Summons.Status.CANCELLED, Summons.Status.REPORTED):
        Summons.objects.create(
            issuer=world.county,
            held_on=datetime.date(2026, 3, 1),
            place="会议室",
            summoned_by="县长",
            attendees="镇长",
            status=status,
            cancelled_reason="改期" if status == Summons.Status.CANCELLED else "",
            **unit_fields(world.town_b),
        )
    town_b = _round(world)["西山镇"]
    assert _row(town_b, "deduct_summons").score == -2


def test_the_total_is_held_between_0_and_100() -> None:
    rows = [AssessmentItem(score=Decimal("30")), AssessmentItem(score=Decimal("-40")), AssessmentItem(score=None)]
    assert scoring.sheet_total(rows) == 0
    assert scoring.sheet_total([AssessmentItem(score=Decimal("120"))]) == 100


def _manual(world: World) -> AssessmentItem:
    template = county_template(
        world,
        items=[
            {"key": "industrial_accidents", "value": 5, "weight": 50},
            {"key": "training_coverage", "value": 90, "weight": 30},
            {"key": "custom", "label": "开展安全生产月活动", "weight": 20},
        ],
    )
    letter_services.template_address(actor=world.county_admin, template=template, units=[world.town_a])
    letter_services.template_issue(actor=world.county_admin, template=template)
    town_a = _round(world)["东城镇"]
    assert {r.key for r in town_a.rows.filter(source="manual")} == {"training_coverage", "custom"}
    return _row(town_a, "training_coverage")


@pytest.mark.parametrize(
    ("score", "note", "message"),
    [
        ("31", "超过分值", "不能超过该项分值（30分）"),
        ("-1", "负数", "不能为负数"),
        ("abc", "不是数字", "须填写数字"),
        ("1e3", "指数", "须填写数字"),
        ("２０", "全角", "须填写数字"),
        ("20.555", "三位小数", "须填写数字"),
        ("", "空", "请填写得分"),
        ("20", "  ", "请填写评分说明"),
    ],
)
def test_manual_scoring_bad_input_changes_nothing(world: World, score: str, note: str, message: str) -> None:
    row = _manual(world)
    before = row.assessment.score
    with pytest.raises(AssessmentError, match=message):
        services.assessment_item_score(actor=world.county_admin, item=row, score=score, note=note)
    row.refresh_from_db()
    assert row.score is None and row.note == ""
    assert Assessment.objects.get(pk=row.assessment_id).score == before
    assert not audit_events_for(row.assessment).filter(action="accountability.assessment.item_scored").exists()


def test_manual_scoring_with_evidence(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    row = _manual(world)
    pdf = SimpleUploadedFile("培训签到表.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    services.assessment_item_score(actor=world.county_admin, item=row, score="27.5", note="培训覆盖率88%", files=[pdf])
    row.refresh_from_db()
    assert row.score == Decimal("27.50") and row.scored_by == world.county_admin
    assert row.attachments.count() == 1
    assessment = Assessment.objects.get(pk=row.assessment_id)
    assert assessment.score == Decimal("77.50")  # 50 (no accident) + 27.5; 开展安全生产月活动 not scored yet
    assert assessment.grade == ""  # no grade while a hand-scored row waits


def test_data_rows_cannot_be_scored_by_hand(world: World) -> None:
    row = _row(_manual(world).assessment, "industrial_accidents")
    with pytest.raises(AssessmentError, match="按系统数据计分"):
        services.assessment_item_score(actor=world.county_admin, item=row, score="10", note="x")


def test_finalise_needs_every_manual_row_then_nothing_changes(world: World) -> None:
    row = _manual(world)
    assessment = row.assessment
    with pytest.raises(AssessmentError, match="人工评分项未评分"):
        services.assessment_finalise(actor=world.county_admin, assessment=assessment)
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT
    score_all_manual(world, assessment)
    done = services.assessment_finalise(actor=world.county_admin, assessment=assessment, remarks="工作扎实")
    assert done.status == Assessment.Status.FINAL and done.score == 100 and done.grade == "excellent"
    assert done.finalised_by == world.county_admin and done.remarks == "工作扎实"
    for attempt in (
        lambda: services.assessment_item_score(actor=world.county_admin, item=row, score="1", note="x"),
        lambda: services.assessment_score(actor=world.county_admin, assessment=done),
        lambda: services.assessment_review_veto(
            actor=world.county_admin, assessment=done, decision="imposed", reason="x"
        ),
        lambda: services.assessment_finalise(actor=world.county_admin, assessment=done),
    ):
        with pytest.raises(AssessmentError, match="已定级"):
            attempt()
    accident_row(world.town_a, at(2026, 11, 1), deaths=12, responsible=[world.town_a])  # after the grade
    assert Assessment.objects.get(pk=done.pk).grade == "excellent"


def test_finalise_marks_a_signed_letter_assessed(world: World) -> None:
    letter = _signed_letter(world)
    town_a = _round(world)["东城镇"]
    services.assessment_finalise(actor=world.county_admin, assessment=town_a)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ASSESSED
    assert audit_events_for(letter).get(action="accountability.letter.assessed").data["assessment"] == town_a.pk


def test_finalise_leaves_an_unsigned_letter_alone(world: World) -> None:
    letter = issued_letter(world)
    town_a = _round(world)["东城镇"]
    services.assessment_finalise(actor=world.county_admin, assessment=town_a)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED


def test_ranking_highest_first_equal_scores_share_a_rank(world: World) -> None:
    from tests.orgs.factories import NodeFactory

    NodeFactory(code="330001003", name="青石镇", parent=world.county)
    major(world.town_b, at(2026, 2, 1), responsible=[world.town_b])
    _round(world)
    ranked = ranking(assessments_visible_to(world.county_admin), 2026)
    names = [(r.rank, r.assessment.unit_name) for r in ranked.rows]
    scores = [r.assessment.score for r in ranked.rows]
    assert scores == sorted(scores, reverse=True)
    assert names[-1][1] == "西山镇" and ranked.vetoed == 1
    top = [r for r in ranked.rows if r.assessment.score == scores[0]]
    assert len({r.rank for r in top}) == 1
    # Drafts are the county's: town A sees none of them.
    assert ranking(assessments_visible_to(world.official_a), 2026).total == 0


def test_campaign_reports_on_time_from_the_first_submission(world: World) -> None:
    """Rows for the reader (campaigns.selectors.unit_report_timeliness): two tasks due this year,
    town B's first report on time, its second late; a task not yet due does not count."""
    from campaigns.models import ReportTask, ReportVersion, UnitReport
    from tests.campaigns.factories import county_campaign

    campaign = county_campaign(world)
    reports = []
    for deadline in (datetime.date(2026, 3, 10), datetime.date(2026, 6, 10), datetime.date(2026, 12, 20)):
        task = ReportTask.objects.create(
            campaign=campaign, title=f"报表{deadline}", period_start=deadline, period_end=deadline, deadline=deadline
        )
        reports.append(UnitReport.objects.create(task=task, status="submitted", **unit_fields(world.town_b)))
    for report, late in zip(reports[:2], (False, True), strict=True):
        ReportVersion.objects.create(
            report=report, number=1, late=late, submitted_by=world.official_b, submitted_at=timezone.now()
        )
    template = county_template(world, items=[{"key": "campaign_reports_on_time", "value": 100, "weight": 100}])
    letter_services.template_address(actor=world.county_admin, template=template, units=[world.town_b])
    letter_services.template_issue(actor=world.county_admin, template=template)
    row = _row(_round(world)["西山镇"], "campaign_reports_on_time")
    assert row.measured == "50%（1/2）" and row.score == 50


def test_inspection_coverage_counts_operating_enterprises_inspected_in_the_year(world: World) -> None:
    from inspections.models import Inspection
    from tests.inspections.conftest import open_inspection

    done = open_inspection(world)  # ent_a
    Inspection.objects.filter(pk=done.pk).update(status=Inspection.Status.LOCKED)
    open_inspection(world, enterprise=world.ent_a2)  # still a draft: not counted
    row = _row(_round(world)["东城镇"], "inspection_coverage")  # the default items: ≥100%, weight 10
    assert row.measured == "50%（1/2）" and row.score == 5


def test_the_assessed_unit_hears_its_grade_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from accountability.assessments.notices import tell_assessment_finalised
    from safetyops.notify.models import Reminder

    major(world.town_a, at(2026, 5, 1), responsible=[world.town_a])
    town_a = _round(world)["东城镇"]
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_finalise(actor=world.county_admin, assessment=town_a)
    told = Reminder.objects.filter(reason="assessment_finalised")
    assert set(told.values_list("recipient_id", flat=True)) == {world.official_a.pk, world.leader_a.pk}
    assert "一票否决" in told.first().body
    assert tell_assessment_finalised(town_a.pk) == 0  # once


def test_without_a_letter_the_county_admins_limit_beats_the_default_sheet(world: Any) -> None:
    """A node with no 目标责任书 is scored against the limit set on the 控制指标 page, not the default."""
    from accountability.models import IndicatorLimit

    IndicatorLimit.objects.create(year=2026, node=world.town_a, key="industrial_deaths", value=9)
    accident_row(world.village_a, datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), deaths=2)
    services.assessment_round_open(actor=world.county_admin, year=2026)
    sheet = Assessment.objects.get(year=2026, node=world.town_a)
    assert sheet.letter_id is None
    row = sheet.rows.get(key="industrial_deaths")
    assert (row.target, row.measured, row.score) == ("≤9人", "2/9人", row.weight)
