"""The lifecycles of letters and pledges, declared once (safetyops/core/steps.py).

A template (what a node issues): draft → issued. Its text and items change only as a draft;
addressees may be added at any time (a new copy is a draft until issued), and `issue` issues every
draft copy at once.

A letter (one addressee's copy): draft → issued → signed → assessed; withdrawn with a reason before
it is signed. Only the issuer's officials edit, issue, revise, withdraw and countersign a scan;
only the addressee's principal signs (accountability/scope.py is_principal_of). `revise` makes a
new version of an issued or signed letter, which must be signed again.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accountability.errors import LetterError, NotPermitted
from accountability.models import Letter, LetterTemplate
from accountability.rights import AccountabilityRight
from accountability.scope import is_issuer, is_principal_of
from safetyops.core.steps import Condition, Lifecycle, Step
from safetyops.orgs.scope import has_right

Status = Letter.Status
TemplateStatus = LetterTemplate.Status

TEMPLATE_ISSUER: Condition[LetterTemplate] = Condition(
    lambda template, actor: is_issuer(actor, template),
    _("只有下达单位的工作人员可以办理此事项。"),
    forbidden=True,
)
LETTER_ISSUER: Condition[Letter] = Condition(
    lambda letter, actor: is_issuer(actor, letter.template),
    _("只有下达单位的工作人员可以办理此事项。"),
    forbidden=True,
)
ADDRESSEE: Condition[Letter] = Condition(
    lambda letter, actor: is_principal_of(actor, letter),
    _("只有责任单位的主要负责人本人可以签署。"),
    forbidden=True,
)

# A pledge has no items of its own and its text is the template's, fixed once issued: a revision
# could change nothing, so it is not offered (the service refuses it with this reason).
REVISABLE: Condition[Letter] = Condition(
    lambda letter, actor: letter.template.kind == LetterTemplate.Kind.RESPONSIBILITY,
    _("承诺书没有单位指标，正文下达后不能更改，因此不能修订。"),
)


def _has_drafts(template: LetterTemplate, actor: Any) -> bool:
    return template.letters.filter(status=Status.DRAFT).exists()


def _never_issued(template: LetterTemplate, actor: Any) -> bool:
    return not template.letters.filter(current_version__isnull=False).exists() and not (
        template.letters.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN]).exists()
    )


TEMPLATE_STEPS: Lifecycle[LetterTemplate] = Lifecycle(
    steps=[
        Step(
            "edit",
            source=[TemplateStatus.DRAFT],
            right=AccountabilityRight.ISSUE,
            conditions=[TEMPLATE_ISSUER],
            label=_("修改"),
            wrong_state=_("已下达的责任书正文不能再修改；如需变更，请对单位的责任书进行修订。"),
        ),
        Step(
            "address",
            source=[TemplateStatus.DRAFT, TemplateStatus.ISSUED],
            right=AccountabilityRight.ISSUE,
            conditions=[TEMPLATE_ISSUER],
            label=_("选择签订单位"),
        ),
        Step(
            "issue",
            source=[TemplateStatus.DRAFT, TemplateStatus.ISSUED],
            target=TemplateStatus.ISSUED,
            right=AccountabilityRight.ISSUE,
            conditions=[TEMPLATE_ISSUER, Condition(_has_drafts, _("没有待下达的单位：请先选择签订单位。"))],
            label=_("下达"),
            action="accountability.template.issued",
        ),
        Step(
            "discard",
            source=[TemplateStatus.DRAFT],
            right=AccountabilityRight.ISSUE,
            conditions=[TEMPLATE_ISSUER, Condition(_never_issued, _("已有单位下达过，不能删除。"))],
            label=_("删除草稿"),
            wrong_state=_("已下达的责任书不能删除；如需停止，请逐单位撤回。"),
            action="accountability.template.discarded",
        ),
    ],
    has_right=has_right,
    not_permitted=_("您没有下达责任书的权限。"),
    unavailable=_("当前状态下不能办理此事项。"),
    refused=_("责任书状态已变化，请刷新页面后重试。"),
    error=LetterError,
    forbidden=NotPermitted,
)

LETTER_STEPS: Lifecycle[Letter] = Lifecycle(
    steps=[
        Step(
            "edit",
            source=[Status.DRAFT],
            right=AccountabilityRight.ISSUE,
            conditions=[LETTER_ISSUER],
            label=_("调整指标"),
            wrong_state=_("责任书已下达，指标只能通过修订变更。"),
        ),
        Step(
            "sign",
            source=[Status.ISSUED],
            target=Status.SIGNED,
            right=AccountabilityRight.SIGN,
            conditions=[ADDRESSEE],
            label=_("签署"),
            wrong_state=lambda letter, actor: str(
                _("该责任书已签署，不能重复签署。")
                if letter.status in (Status.SIGNED, Status.ASSESSED)
                else _("该责任书当前不能签署。")
            ),
            action="accountability.letter.signed",
        ),
        Step(
            "countersign",
            source=[Status.ISSUED],
            target=Status.SIGNED,
            right=AccountabilityRight.COUNTERSIGN,
            conditions=[LETTER_ISSUER],
            label=_("上传纸质签字件"),
            wrong_state=_("该责任书已签署或不在待签署状态。"),
            action="accountability.letter.countersigned",
        ),
        Step(
            "revise",
            source=[Status.ISSUED, Status.SIGNED],
            target=Status.ISSUED,
            right=AccountabilityRight.ISSUE,
            conditions=[LETTER_ISSUER, REVISABLE],
            label=_("修订"),
            wrong_state=_("只有已下达、未考核的责任书可以修订。"),
            action="accountability.letter.revised",
        ),
        Step(
            "withdraw",
            source=[Status.DRAFT, Status.ISSUED],
            target=Status.WITHDRAWN,
            right=AccountabilityRight.ISSUE,
            conditions=[LETTER_ISSUER],
            label=_("撤回"),
            wrong_state=_("已签署的责任书不能撤回。"),
            action="accountability.letter.withdrawn",
        ),
        Step(
            "assess",
            source=[Status.SIGNED],
            target=Status.ASSESSED,
            right=AccountabilityRight.ISSUE,
            conditions=[LETTER_ISSUER],
            label=_("考核"),
            wrong_state=_("只有已签署的责任书可以考核。"),
            action="accountability.letter.assessed",
        ),
    ],
    has_right=has_right,
    not_permitted=_("您没有办理此事项的权限。"),
    unavailable=_("当前状态下不能办理此事项。"),
    refused=_("责任书状态已变化，请刷新页面后重试。"),
    error=LetterError,
    forbidden=NotPermitted,
)


def action_labels() -> dict[str, Any]:
    return {
        "accountability.template.created": _("起草责任书"),
        "accountability.template.updated": _("修改责任书"),
        "accountability.template.addressed": _("选择签订单位"),
        "accountability.template.issued": _("下达责任书"),
        "accountability.template.discarded": _("删除责任书草稿"),
        "accountability.letter.edited": _("调整单位指标"),
        "accountability.letter.issued": _("下达"),
        "accountability.letter.signed": _("签署"),
        "accountability.letter.countersigned": _("确认纸质签字件"),
        "accountability.letter.revised": _("修订"),
        "accountability.letter.withdrawn": _("撤回"),
        "accountability.letter.readdressed": _("重新选择为签订单位"),
        "accountability.letter.assessed": _("考核"),
    }
