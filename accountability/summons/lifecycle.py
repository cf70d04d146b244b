"""The lifecycle of a 约谈/督办 record, declared once (safetyops/core/steps.py).

planned → held (the talk took place: minutes, commitments, the report's deadline) → reported (the
summoned unit's written rectification report is in) → closed (by the issuer: every commitment done,
or closed anyway with a written reason); cancelled (with a reason) while still planned.

Only the issuing node's officials record, follow up, close and cancel (SUMMONS_ISSUE and staff of
`issuer`); only the summoned unit's own people submit the report and report a commitment done
(SUMMONS_RESPOND and the unit they act for: orgs.units units_for_q: the enterprise's users, the
department's supervisors, the node's officials).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accountability.errors import NotPermitted
from accountability.models import Summons
from accountability.rights import AccountabilityRight
from accountability.summons.errors import SummonsError
from safetyops.core.steps import Condition, Lifecycle, Step
from safetyops.orgs.scope import has_right, scope_for
from safetyops.orgs.units import ORGANISING_ROLES

Status = Summons.Status


def is_summons_issuer(user: Any, summons: Summons) -> bool:
    """Staff of the issuing node (a superuser counts)."""
    scope = scope_for(user)
    return scope.everything or (scope.node_id == summons.issuer_id and scope.role in ORGANISING_ROLES)


def acts_for_target(user: Any, summons: Summons) -> bool:
    """The summoned unit's own people: its enterprise's users, its department's supervisors, its
    node's officials (orgs.units.units_for_q). Not a superuser: the report is the unit's."""
    scope = scope_for(user)
    if scope.everything:
        return False
    if summons.enterprise_id is not None:
        return scope.enterprise_id == summons.enterprise_id
    if summons.department_id is not None:
        return scope.department_id == summons.department_id
    return scope.enterprise_id is None and scope.node_id == summons.node_id and scope.role in ORGANISING_ROLES


ISSUER: Condition[Summons] = Condition(
    lambda summons, actor: is_summons_issuer(actor, summons),
    _("只有约谈单位的工作人员可以办理此事项。"),
    forbidden=True,
)
TARGET: Condition[Summons] = Condition(
    lambda summons, actor: acts_for_target(actor, summons),
    _("只有被约谈单位本单位的人员可以报送整改情况。"),
    forbidden=True,
)

SUMMONS_STEPS: Lifecycle[Summons] = Lifecycle(
    steps=[
        Step(
            "record",
            source=[Status.PLANNED],
            target=Status.HELD,
            right=AccountabilityRight.SUMMONS_ISSUE,
            conditions=[ISSUER],
            label=_("记录约谈情况"),
            wrong_state=_("约谈情况已记录。"),
            action="accountability.summons.held",
        ),
        Step(
            "cancel",
            source=[Status.PLANNED],
            target=Status.CANCELLED,
            right=AccountabilityRight.SUMMONS_ISSUE,
            conditions=[ISSUER],
            label=_("取消"),
            wrong_state=_("只有尚未举行的约谈可以取消。"),
            action="accountability.summons.cancelled",
        ),
        Step(
            "report",
            source=[Status.HELD],
            target=Status.REPORTED,
            right=AccountabilityRight.SUMMONS_RESPOND,
            conditions=[TARGET],
            label=_("报送整改报告"),
            wrong_state=lambda summons, actor: str(
                _("约谈尚未举行，暂不需要报送整改报告。")
                if summons.status == Status.PLANNED
                else _("整改报告已报送。")
                if summons.status in (Status.REPORTED, Status.CLOSED)
                else _("当前状态下不能报送整改报告。")
            ),
            action="accountability.summons.reported",
        ),
        Step(
            "commitment_done",
            source=[Status.HELD, Status.REPORTED],
            right=AccountabilityRight.SUMMONS_RESPOND,
            conditions=[TARGET],
            label=_("报告承诺完成"),
            wrong_state=_("当前状态下不能报告承诺完成情况。"),
            action="accountability.summons.commitment_done",
        ),
        Step(
            "follow_up",
            source=[Status.HELD, Status.REPORTED],
            right=AccountabilityRight.SUMMONS_ISSUE,
            conditions=[ISSUER],
            label=_("记录跟踪督办情况"),
            wrong_state=_("只有已举行、未办结的约谈可以记录跟踪督办情况。"),
            action="accountability.summons.followed_up",
        ),
        Step(
            "close",
            source=[Status.REPORTED],
            target=Status.CLOSED,
            right=AccountabilityRight.SUMMONS_ISSUE,
            conditions=[ISSUER],
            label=_("审核办结"),
            wrong_state=lambda summons, actor: str(
                _("被约谈单位尚未报送整改报告，不能办结。")
                if summons.status == Status.HELD
                else _("该约谈已办结或已取消。")
                if summons.status in (Status.CLOSED, Status.CANCELLED)
                else _("约谈尚未举行，不能办结。")
            ),
            action="accountability.summons.closed",
        ),
    ],
    has_right=has_right,
    not_permitted=_("您没有办理此事项的权限。"),
    unavailable=_("当前状态下不能办理此事项。"),
    refused=_("约谈记录状态已变化，请刷新页面后重试。"),
    error=SummonsError,
    forbidden=NotPermitted,
)


def action_labels() -> dict[str, Any]:
    return {
        "accountability.summons.planned": _("拟定约谈"),
        "accountability.summons.held": _("记录约谈情况"),
        "accountability.summons.cancelled": _("取消约谈"),
        "accountability.summons.reported": _("报送整改报告"),
        "accountability.summons.commitment_done": _("报告承诺完成"),
        "accountability.summons.followed_up": _("记录跟踪督办情况"),
        "accountability.summons.closed": _("约谈办结"),
    }
