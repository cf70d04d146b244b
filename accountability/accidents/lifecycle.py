"""The steps of an accident, declared once (safetyops/core/steps.py): the services check them and
the detail page shows its buttons and the reasons from them.

draft (the report being written) → registered (第十二条's six items given; level, 迟报 and number
fixed) → investigating (the group formed, 第十九条) → replied (the government's 批复, 第三十二条)
→ closed (结案: the reply recorded and all four 四不放过 items done). Casualty revisions (第十三条),
forwarding (第十一条), the 谎报/瞒报 mark and responsibility findings run alongside until 结案.
Registering and revising need ACCIDENT_REGISTER (county admin, township official); every
investigation step needs ACCIDENT_MANAGE (the county admin).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accountability.accidents.errors import AccidentError
from accountability.errors import NotPermitted
from accountability.models import Accident
from accountability.rights import AccountabilityRight
from accountability.scope import accidents_visible_to
from safetyops.core.steps import Condition, Lifecycle, Step
from safetyops.orgs.scope import has_right, scope_for

Status = Accident.Status
OPEN = (Status.REGISTERED, Status.INVESTIGATING, Status.REPLIED)
REGISTERED_ON = (*OPEN, Status.CLOSED)
REGISTER = AccountabilityRight.ACCIDENT_REGISTER
MANAGE = AccountabilityRight.ACCIDENT_MANAGE


def _open_follow_ups(accident: Accident) -> list[str]:
    return [str(f.get_item_display()) for f in accident.follow_ups.all() if f.done_at is None]


def _all_done_message(accident: Accident, actor: Any) -> str:
    return str(_("四不放过事项尚未全部落实：%(items)s。")) % {"items": "、".join(_open_follow_ups(accident))}


def _sees(accident: Accident, actor: Any) -> bool:
    """Asked once per accident and viewer: the detail page checks every step's IN_SCOPE (22 times),
    one query answers them all. The key holds what decides visibility (the viewer's scope, the
    accident's area, enterprise, sector and whether it is a draft), so a change to any asks again."""
    key = (
        getattr(actor, "pk", None),
        id(scope_for(actor)),
        accident.node_id,
        accident.enterprise_id,
        accident.sector_id,
        accident.status == Status.DRAFT,
    )
    seen: dict[tuple[Any, ...], bool] = accident.__dict__.setdefault("_seen_by", {})
    if key not in seen:
        seen[key] = accidents_visible_to(actor).filter(pk=accident.pk).exists()
    return seen[key]


# The services are called with an accident the view found in the actor's scope; a direct call with
# another township's accident is refused the same way (403).
IN_SCOPE: Condition[Accident] = Condition(_sees, _("该事故不在您的管辖范围内。"), forbidden=True)
NOT_FORWARDED: Condition[Accident] = Condition(
    lambda accident, actor: accident.forwarded_at is None, _("该事故已上报上级，不能重复上报。")
)
GROUP_FORMED: Condition[Accident] = Condition(
    lambda accident, actor: bool(accident.investigation_group), _("请先登记事故调查组。")
)
REPORT_SUBMITTED: Condition[Accident] = Condition(
    lambda accident, actor: accident.report_submitted_on is not None, _("请先上传事故调查报告并填写提交日期。")
)
ALL_DONE: Condition[Accident] = Condition(lambda accident, actor: not _open_follow_ups(accident), _all_done_message)

ACCIDENT_STEPS: Lifecycle[Accident] = Lifecycle(
    steps=[
        Step(
            "edit",
            source=[Status.DRAFT],
            conditions=[IN_SCOPE],
            right=REGISTER,
            label=_("修改草稿"),
            wrong_state=_("事故已登记，伤亡和损失只能通过补报修订，其他内容不能再修改。"),
        ),
        Step(
            "register",
            source=[Status.DRAFT],
            target=Status.REGISTERED,
            conditions=[IN_SCOPE],
            right=REGISTER,
            label=_("登记"),
            wrong_state=_("该事故已登记，不能重复登记。"),
            action="accountability.accident.registered",
        ),
        Step(
            "revise",
            source=OPEN,
            conditions=[IN_SCOPE],
            right=REGISTER,
            label=_("补报伤亡和损失"),
            wrong_state=_("只有已登记、未结案的事故可以补报伤亡和损失。"),
            action="accountability.accident.revised",
        ),
        Step(
            "forward",
            source=REGISTERED_ON,
            right=MANAGE,
            conditions=[IN_SCOPE, NOT_FORWARDED],
            label=_("记录上报上级"),
            wrong_state=_("事故登记后才能上报上级。"),
            action="accountability.accident.forwarded",
        ),
        Step(
            "misreport",
            source=REGISTERED_ON,
            conditions=[IN_SCOPE],
            right=MANAGE,
            label=_("谎报/瞒报认定"),
            wrong_state=_("事故登记后才能认定谎报、瞒报。"),
            action="accountability.accident.misreport_marked",
        ),
        Step(
            "investigate",
            source=[Status.REGISTERED, Status.INVESTIGATING],
            target=Status.INVESTIGATING,
            conditions=[IN_SCOPE],
            right=MANAGE,
            label=_("登记调查组"),
            wrong_state=_("只有已登记、尚未批复的事故可以登记调查组。"),
            action="accountability.accident.investigation_started",
        ),
        Step(
            "report",
            source=[Status.INVESTIGATING],
            right=MANAGE,
            conditions=[IN_SCOPE, GROUP_FORMED],
            label=_("上传调查报告"),
            wrong_state=_("调查组成立后、批复前才能上传调查报告。"),
            action="accountability.accident.report_submitted",
        ),
        Step(
            "reply",
            source=[Status.INVESTIGATING],
            target=Status.REPLIED,
            right=MANAGE,
            conditions=[IN_SCOPE, REPORT_SUBMITTED],
            label=_("记录政府批复"),
            wrong_state=_("只有调查中的事故可以记录批复。"),
            action="accountability.accident.replied",
        ),
        Step(
            "responsibility",
            source=OPEN,
            conditions=[IN_SCOPE],
            right=MANAGE,
            label=_("责任认定"),
            wrong_state=_("已结案的事故不能再增删责任认定。"),
        ),
        Step(
            "follow_up",
            source=OPEN,
            conditions=[IN_SCOPE],
            right=MANAGE,
            label=_("四不放过"),
            wrong_state=_("只有已登记、未结案的事故可以办理四不放过事项。"),
        ),
        Step(
            "close",
            source=[Status.REPLIED],
            target=Status.CLOSED,
            right=MANAGE,
            conditions=[IN_SCOPE, ALL_DONE],
            label=_("结案"),
            wrong_state=lambda accident, actor: str(
                _("该事故已结案。") if accident.status == Status.CLOSED else _("政府批复记录后才能结案。")
            ),
            action="accountability.accident.closed",
        ),
    ],
    has_right=has_right,
    not_permitted=_("您没有办理此事项的权限。"),
    unavailable=_("当前状态下不能办理此事项。"),
    refused=_("事故状态已变化，请刷新页面后重试。"),
    error=AccidentError,
    forbidden=NotPermitted,
)


def action_labels() -> dict[str, Any]:
    return {
        "accountability.accident.drafted": _("起草事故报告"),
        "accountability.accident.draft_saved": _("修改事故报告草稿"),
        "accountability.accident.registered": _("登记事故"),
        "accountability.accident.revised": _("补报伤亡和损失"),
        "accountability.accident.forwarded": _("上报上级"),
        "accountability.accident.misreport_marked": _("认定谎报/瞒报"),
        "accountability.accident.misreport_cleared": _("撤销谎报/瞒报认定"),
        "accountability.accident.investigation_started": _("登记调查组"),
        "accountability.accident.report_submitted": _("提交调查报告"),
        "accountability.accident.replied": _("政府批复"),
        "accountability.accident.responsibility_added": _("认定责任单位"),
        "accountability.accident.responsibility_removed": _("删除责任认定"),
        "accountability.accident.follow_up_due": _("调整四不放过期限"),
        "accountability.accident.follow_up_done": _("落实四不放过事项"),
        "accountability.accident.closed": _("结案"),
    }
