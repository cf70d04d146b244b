"""The services of the yearly assessment (年度考核): open the year's round, score the data rows,
score a manual row, review the 一票否决, fix the grade. Each is atomic, locks its row, checks the
declared step (lifecycle.py) and writes the audit log."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import services as letter_services
from accountability.assessments import notices, scoring
from accountability.assessments.errors import AssessmentError
from accountability.assessments.lifecycle import ASSESSMENT_STEPS
from accountability.lifecycle import LETTER_STEPS
from accountability.models import Assessment, AssessmentItem, Letter, LetterTemplate
from safetyops.core.audit import log_action
from safetyops.evidence.models import Attachment
from safetyops.evidence.services import attachment_create
from safetyops.evidence.uploads import UploadRejected
from safetyops.orgs.models import Department, Node
from safetyops.orgs.scope import scope_for
from safetyops.orgs.units import unit_fields

Review = Assessment.VetoReview
NOTE_MAX = 500
REASON_MAX = 500
FIRST_YEAR = 2000
_SCORE = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")
ASSESSED_LETTER = (Letter.Status.ISSUED, Letter.Status.SIGNED, Letter.Status.ASSESSED)


def _locked(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("assessor", "node", "department", "area", "letter__template")
        .get(pk=assessment.pk)
    )


def _letters_of(node: Node, year: int) -> list[Letter]:
    return list(
        Letter.objects.filter(
            template__node=node,
            template__year=year,
            template__kind=LetterTemplate.Kind.RESPONSIBILITY,
            status__in=ASSESSED_LETTER,
            enterprise__isnull=True,
        )
        .select_related("node", "department", "template")
        .order_by("pk")
    )


def round_units(node: Node, year: int) -> list[tuple[Node | Department, Letter | None]]:
    """Who the assessing `node` assesses for `year`: every child node, and its departments that a
    目标责任书 of the year was addressed to; each with that letter (None: the default items)."""
    letters = _letters_of(node, year)
    by_node = {letter.node_id: letter for letter in letters if letter.node_id}
    by_department = {letter.department_id: letter for letter in letters if letter.department_id}
    units: list[tuple[Node | Department, Letter | None]] = [
        (child, by_node.get(child.pk)) for child in Node.objects.filter(parent=node).order_by("code")
    ]
    departments = Department.objects.filter(pk__in=list(by_department)).order_by("sort_order", "pk")
    units += [(department, by_department[department.pk]) for department in departments]
    return units


def _apply_veto(assessment: Assessment, actor: Any) -> None:
    """The rule's veto as the records stand now. A review that lifted the veto stops holding once
    the rule vetoes on an accident that review never saw (a veto imposed and lifted, then a second
    较大 accident; a lifted veto, then another 重大): otherwise that unit could be rated 优秀 on
    accidents nobody reviewed. The lapse is audited; the county admin may review again."""
    had_rule = assessment.veto_rule
    seen = {fact["pk"] for fact in assessment.veto_accidents or []} if had_rule else set()
    found = scoring.apply_veto(assessment)
    unseen = [fact for fact in found.accidents if fact["pk"] not in seen]
    if assessment.veto_review != Review.LIFTED or not found.vetoed or not unseen:
        return
    log_action(
        assessment,
        "accountability.assessment.veto_review_lapsed",
        actor=actor,
        data={
            "review": assessment.veto_review,
            "reason": assessment.veto_review_reason,
            "accidents": [fact["number"] for fact in unseen],
        },
    )
    assessment.veto_review, assessment.veto_review_reason = Review.NONE, ""
    assessment.veto_reviewed_by, assessment.veto_reviewed_at = None, None


VETO_FIELDS = [
    "veto_rule",
    "veto_accidents",
    "veto_review",
    "veto_review_reason",
    "veto_reviewed_by",
    "veto_reviewed_at",
]


def _rescore(assessments: list[Assessment], year: int, *, actor: Any = None) -> None:
    """Recompute the data rows, the veto, the total and the (provisional) grade of draft sheets."""
    facts = scoring.gather(assessments, year)
    for assessment in assessments:
        rows = list(assessment.rows.order_by("position"))
        for row in rows:
            if row.source == AssessmentItem.Source.DATA:
                scoring.score_row(assessment, row, facts)
                row.save(update_fields=["target", "measured", "score", "note"])
        _apply_veto(assessment, actor)
        assessment.score = scoring.sheet_total(rows)
        assessment.grade = provisional_grade(assessment, rows)
        assessment.scored_at = timezone.now()
        assessment.save(update_fields=[*VETO_FIELDS, "score", "grade", "scored_at"])


def provisional_grade(assessment: Assessment, rows: list[AssessmentItem]) -> str:
    """The grade the sheet stands at; none while a hand-scored row waits (its score would mislead)."""
    if any(row.source == AssessmentItem.Source.MANUAL and row.score is None for row in rows):
        return ""
    return scoring.grade_for(assessment.score, capped(assessment))


def capped(assessment: Assessment) -> bool:
    """Whether the grade is capped at 良好: the veto in force, or upheld by a review."""
    return assessment.vetoed or assessment.veto_review == Review.UPHELD


@transaction.atomic
def assessment_round_open(*, actor: Any, year: int) -> list[Assessment]:
    """Create the draft sheets of `year` for every unit the actor's node assesses that has none
    yet, from their letters' items (the defaults where they have none), and score them."""
    ASSESSMENT_STEPS.check_right("score", actor)
    scope = scope_for(actor)
    if scope.node_id is None:
        raise AssessmentError(_("只有地区的工作人员可以组织年度考核。"))
    if not isinstance(year, int) or not FIRST_YEAR <= year <= timezone.localdate().year:
        raise AssessmentError(_("考核年度须在%(first)s年至今年之间。") % {"first": FIRST_YEAR})
    node = Node.objects.select_for_update().get(pk=scope.node_id)
    existing = Assessment.objects.filter(year=year)
    have_nodes = set(existing.filter(node__isnull=False).values_list("node_id", flat=True))
    have_departments = set(existing.filter(department__isnull=False).values_list("department_id", flat=True))
    created = []
    for unit, letter in round_units(node, year):
        if (unit.pk in have_nodes) if isinstance(unit, Node) else (unit.pk in have_departments):
            continue
        assessment = Assessment.objects.create(
            year=year, assessor=node, letter=letter, created_by=actor, **unit_fields(unit)
        )
        plans = scoring.plan_rows(letter.items if letter else [], department=isinstance(unit, Department))
        AssessmentItem.objects.bulk_create(
            AssessmentItem(
                assessment=assessment,
                position=position,
                key=plan.key,
                label=plan.label[:200],
                weight=plan.weight,
                source=plan.source,
                target=plan.target[:100],
            )
            for position, plan in enumerate(plans, start=1)
        )
        log_action(
            assessment,
            "accountability.assessment.opened",
            actor=actor,
            data={"year": year, "letter": letter.pk if letter else None},
        )
        created.append(assessment)
    if not created and not existing.filter(assessor=node).exists():
        raise AssessmentError(_("没有需要考核的单位：本级下没有下级地区，也没有向部门下达目标责任书。"))
    if created:
        _rescore(created, year, actor=actor)
    return created


@transaction.atomic
def assessment_score(*, actor: Any, assessment: Assessment) -> Assessment:
    """Recompute the data rows, the 一票否决 and the total of a draft sheet from the records."""
    locked = _locked(assessment)
    ASSESSMENT_STEPS.check("score", locked, actor)
    _rescore([locked], locked.year, actor=actor)
    log_action(
        locked,
        "accountability.assessment.scored",
        actor=actor,
        data={"score": str(locked.score), "veto_rule": locked.veto_rule},
    )
    return locked


def parse_score(raw: Any, weight: Decimal) -> Decimal:
    """A hand score as typed: a number from 0 to the row's weight, at most two decimals."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise AssessmentError(_("请填写得分。"))
    if text.startswith("-"):
        raise AssessmentError(_("得分不能为负数。"))
    if not _SCORE.fullmatch(text):
        raise AssessmentError(_("得分须填写数字（最多两位小数），如 8 或 7.5。"))
    value = Decimal(text)
    if value > weight:
        raise AssessmentError(_("得分不能超过该项分值（%(w)s分）。") % {"w": scoring._n(weight)})
    return value.quantize(scoring.CENT)


@transaction.atomic
def assessment_item_score(
    *, actor: Any, item: AssessmentItem, score: Any, note: str, files: Iterable[Any] = ()
) -> AssessmentItem:
    """Score a manual row by hand: 0 to its weight, with a note (required) and evidence files."""
    locked = _locked(item.assessment)
    ASSESSMENT_STEPS.check("score_item", locked, actor)
    row = AssessmentItem.objects.select_for_update().get(pk=item.pk, assessment=locked)
    if row.source != AssessmentItem.Source.MANUAL:
        raise AssessmentError(_("该项按系统数据计分，不能人工评分。"))
    value = parse_score(score, row.weight)
    note = (note or "").strip()
    if not note:
        raise AssessmentError(_("请填写评分说明（依据和扣分理由）。"))
    if len(note) > NOTE_MAX:
        raise AssessmentError(_("评分说明不能超过%(n)s个字。") % {"n": NOTE_MAX})
    before = None if row.score is None else str(row.score)
    row.score, row.note, row.scored_by, row.scored_at = value, note, actor, timezone.now()
    row.save(update_fields=["score", "note", "scored_by", "scored_at"])
    names = []
    for upload in files:
        try:
            attachment_create(actor=actor, upload=upload, owner=row, role=Attachment.Role.DOCUMENT, node=locked.area)
        except UploadRejected as rejected:
            raise AssessmentError(str(rejected)) from None
        names.append(getattr(upload, "name", ""))
    rows = list(locked.rows.order_by("position"))
    locked.score = scoring.sheet_total(rows)
    locked.grade = provisional_grade(locked, rows)
    locked.save(update_fields=["score", "grade"])
    log_action(
        locked,
        "accountability.assessment.item_scored",
        actor=actor,
        data={"item": row.label, "before": before, "score": str(value), "note": note, "files": names},
    )
    return row


def review_choices(assessment: Assessment) -> list[tuple[str, str]]:
    """What a review may decide: a veto by rule is upheld or lifted; otherwise one may be imposed,
    or an imposed one lifted."""
    if assessment.veto_rule:
        return [(Review.UPHELD, str(Review.UPHELD.label)), (Review.LIFTED, str(Review.LIFTED.label))]
    return [(Review.IMPOSED, str(Review.IMPOSED.label)), (Review.LIFTED, str(Review.LIFTED.label))]


@transaction.atomic
def assessment_review_veto(*, actor: Any, assessment: Assessment, decision: str, reason: str) -> Assessment:
    """A county admin's review of the 一票否决, with a written reason (audited)."""
    locked = _locked(assessment)
    ASSESSMENT_STEPS.check("review_veto", locked, actor)
    _apply_veto(locked, actor)  # review what the rule says now
    if decision not in {value for value, _label in review_choices(locked)}:
        raise AssessmentError(
            _("按规则已触发一票否决：复核只能维持或撤销。")
            if locked.veto_rule
            else _("按规则未触发一票否决：复核只能认定否决或撤销此前的认定。")
        )
    reason = (reason or "").strip()
    if not reason:
        raise AssessmentError(_("请填写复核理由。"))
    if len(reason) > REASON_MAX:
        raise AssessmentError(_("复核理由不能超过%(n)s个字。") % {"n": REASON_MAX})
    before = locked.veto_review
    locked.veto_review, locked.veto_review_reason = decision, reason
    locked.veto_reviewed_by, locked.veto_reviewed_at = actor, timezone.now()
    locked.grade = provisional_grade(locked, list(locked.rows.all()))
    locked.save(
        update_fields=[
            "veto_rule",
            "veto_accidents",
            "veto_review",
            "veto_review_reason",
            "veto_reviewed_by",
            "veto_reviewed_at",
            "grade",
        ]
    )
    log_action(
        locked,
        "accountability.assessment.veto_reviewed",
        actor=actor,
        data={
            "before": before,
            "decision": decision,
            "reason": reason,
            "veto_rule": locked.veto_rule,
            "accidents": [a["number"] for a in locked.veto_accidents],
        },
    )
    return locked


@transaction.atomic
def assessment_finalise(*, actor: Any, assessment: Assessment, remarks: str = "") -> Assessment:
    """Fix the grade (every manual row scored); the letter, when signed, is marked assessed."""
    locked = _locked(assessment)
    ASSESSMENT_STEPS.check("finalise", locked, actor)
    if len(remarks or "") > NOTE_MAX:
        raise AssessmentError(_("考核意见不能超过%(n)s个字。") % {"n": NOTE_MAX})
    _rescore([locked], locked.year, actor=actor)
    locked.status, locked.finalised_at, locked.finalised_by = Assessment.Status.FINAL, timezone.now(), actor
    locked.remarks = (remarks or "").strip()
    locked.save(update_fields=["status", "finalised_at", "finalised_by", "remarks"])
    result = {"score": str(locked.score), "grade": locked.grade, "vetoed": locked.vetoed}
    log_action(locked, "accountability.assessment.finalised", actor=actor, data=result)
    letter = locked.letter
    if letter is not None and letter.status == Letter.Status.SIGNED and LETTER_STEPS.allows("assess", letter, actor):
        letter_services.letter_assess(actor=actor, letter=letter, data={"assessment": locked.pk, **result})
    transaction.on_commit(lambda: notices.tell_assessment_finalised(locked.pk))
    return locked
