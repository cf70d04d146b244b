"""The yearly assessment's steps, declared once (safetyops/core/steps.py): draft (being scored) →
final (the grade fixed, the letter marked assessed; nothing changes after). Only the assessor's
side (the assessing node's county admin, or a node above it) takes them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accountability.assessments.errors import AssessmentError
from accountability.errors import NotPermitted
from accountability.models import Assessment, AssessmentItem
from accountability.rights import AccountabilityRight
from safetyops.core.steps import Condition, Lifecycle, Step
from safetyops.orgs.scope import has_right, scope_for

Status = Assessment.Status


def is_assessor(actor: Any, assessment: Assessment) -> bool:
    scope = scope_for(actor)
    if scope.everything:
        return True
    return scope.node_path is not None and assessment.assessor.path.startswith(scope.node_path)


ASSESSOR: Condition[Assessment] = Condition(
    lambda assessment, actor: is_assessor(actor, assessment),
    _("只有考核单位的工作人员可以办理此事项。"),
    forbidden=True,
)


def _manual_scored(assessment: Assessment, actor: Any) -> bool:
    return not assessment.rows.filter(source=AssessmentItem.Source.MANUAL, score__isnull=True).exists()


ALL_SCORED: Condition[Assessment] = Condition(_manual_scored, _("还有人工评分项未评分，全部评分后才能定级。"))

FINAL = _("已定级的考核结果不能再更改。")

ASSESSMENT_STEPS: Lifecycle[Assessment] = Lifecycle(
    steps=[
        Step(
            "score",
            source=[Status.DRAFT],
            right=AccountabilityRight.ASSESS,
            conditions=[ASSESSOR],
            label=_("按系统数据重新计分"),
            wrong_state=FINAL,
            action="accountability.assessment.scored",
        ),
        Step(
            "score_item",
            source=[Status.DRAFT],
            right=AccountabilityRight.ASSESS,
            conditions=[ASSESSOR],
            label=_("评分"),
            wrong_state=FINAL,
            action="accountability.assessment.item_scored",
        ),
        Step(
            "review_veto",
            source=[Status.DRAFT],
            right=AccountabilityRight.VETO_REVIEW,
            conditions=[ASSESSOR],
            label=_("复核一票否决"),
            wrong_state=FINAL,
            action="accountability.assessment.veto_reviewed",
        ),
        Step(
            "finalise",
            source=[Status.DRAFT],
            target=Status.FINAL,
            right=AccountabilityRight.ASSESS,
            conditions=[ASSESSOR, ALL_SCORED],
            label=_("确定等次"),
            wrong_state=FINAL,
            action="accountability.assessment.finalised",
        ),
    ],
    has_right=has_right,
    not_permitted=_("您没有办理此事项的权限。"),
    unavailable=_("当前状态下不能办理此事项。"),
    refused=_("考核状态已变化，请刷新页面后重试。"),
    error=AssessmentError,
    forbidden=NotPermitted,
)


def action_labels() -> dict[str, Any]:
    return {
        "accountability.assessment.opened": _("开始年度考核"),
        "accountability.assessment.scored": _("按系统数据计分"),
        "accountability.assessment.item_scored": _("人工评分"),
        "accountability.assessment.veto_reviewed": _("复核一票否决"),
        "accountability.assessment.veto_review_lapsed": _("一票否决复核失效（出现未经复核的事故）"),
        "accountability.assessment.finalised": _("确定考核等次"),
    }
