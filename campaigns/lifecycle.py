"""The campaign lifecycle draft → active → ended → summarised, declared once (safetyops/core/steps.py).

Only the organiser's officials (staff of the campaign's own node) take these steps. The services
refuse with `CAMPAIGN_STEPS.check(...)`; the pages ask `steps_for(...)` what to offer and why not.
Reporting (activity results, unit reports) is open while the campaign is active or ended, and
closed once it is summarised: `REPORTABLE`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from campaigns.errors import CampaignError, NotPermitted
from campaigns.models import Campaign
from campaigns.rights import CampaignRight
from campaigns.scope import is_organiser
from safetyops.core.steps import Condition, Lifecycle, Step
from safetyops.orgs.scope import has_right

Status = Campaign.Status
REPORTABLE = (Status.ACTIVE, Status.ENDED)
# Activities and tasks may be defined before launch and while the campaign runs.
PLANNABLE = (Status.DRAFT, Status.ACTIVE)

ORGANISER: Condition[Campaign] = Condition(
    lambda campaign, actor: is_organiser(actor, campaign),
    _("只有组织单位（本行动的发起单位）的工作人员可以办理此事项。"),
    forbidden=True,
)


def _summary_written(campaign: Campaign, actor: Any) -> bool:
    summary = getattr(campaign, "summary", None)
    return summary is not None and bool(summary.text.strip())


CAMPAIGN_STEPS: Lifecycle[Campaign] = Lifecycle(
    steps=[
        Step(
            "edit",
            source=[Status.DRAFT],
            right=CampaignRight.ORGANISE,
            conditions=[ORGANISER],
            label=_("修改"),
            wrong_state=_("行动已启动，范围和目标不能再修改。"),
        ),
        Step(
            "plan",
            source=PLANNABLE,
            right=CampaignRight.ORGANISE,
            conditions=[ORGANISER],
            label=_("安排活动和报送任务"),
            wrong_state=_("行动已结束，不能再安排新的活动或报送任务。"),
        ),
        Step(
            "launch",
            source=[Status.DRAFT],
            target=Status.ACTIVE,
            right=CampaignRight.ORGANISE,
            conditions=[ORGANISER],
            label=_("启动"),
            action="campaigns.campaign.launched",
        ),
        Step(
            "end",
            source=[Status.ACTIVE],
            target=Status.ENDED,
            right=CampaignRight.ORGANISE,
            conditions=[ORGANISER],
            label=_("结束"),
            action="campaigns.campaign.ended",
        ),
        Step(
            "write_summary",
            source=[Status.ENDED],
            right=CampaignRight.ORGANISE,
            conditions=[ORGANISER],
            label=_("起草总结"),
            wrong_state=lambda campaign, actor: str(
                _("总结已发布，不能再修改。") if campaign.status == Status.SUMMARISED else _("行动结束后才能起草总结。")
            ),
        ),
        Step(
            "summarise",
            source=[Status.ENDED],
            target=Status.SUMMARISED,
            right=CampaignRight.ORGANISE,
            conditions=[ORGANISER, Condition(_summary_written, _("请先起草并保存总结，再发布。"))],
            label=_("发布总结"),
            action="campaigns.campaign.summarised",
        ),
    ],
    has_right=has_right,
    not_permitted=_("您的角色不能办理专项行动的组织事项。"),
    unavailable=lambda campaign, actor: (
        _("行动当前状态为“%(status)s”，不能办理此事项。") % {"status": campaign.get_status_display()}
    ),
    refused=_("行动状态已变化（可能已有人办理），请刷新页面后重试。"),
    error=CampaignError,
    forbidden=NotPermitted,
)


def action_labels() -> dict[str, Any]:
    return {
        "campaigns.campaign.created": _("创建专项行动"),
        "campaigns.campaign.updated": _("修改专项行动"),
        "campaigns.campaign.launched": _("启动专项行动"),
        "campaigns.campaign.ended": _("结束专项行动"),
        "campaigns.campaign.summarised": _("发布行动总结"),
        "campaigns.summary.drafted": _("起草行动总结"),
        "campaigns.summary.saved": _("修改行动总结"),
        "campaigns.summary.rendered": _("生成总结PDF"),
        "campaigns.target.added": _("目标企业列入"),
        "campaigns.target.removed": _("目标企业移出"),
        "campaigns.activity.created": _("安排活动"),
        "campaigns.activity.removed": _("移除活动"),
        "campaigns.task.removed": _("移除报送任务"),
        "campaigns.activity.reported": _("报送活动情况"),
        "campaigns.task.created": _("下发报送任务"),
        "campaigns.report.submitted": _("报送"),
        "campaigns.report.returned": _("退回修改"),
    }
