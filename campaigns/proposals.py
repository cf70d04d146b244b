"""What a new campaign of each kind proposes (DOMAIN §5): name, theme, period, goals, scope, the
activities with their dates and the report tasks. The create page shows the proposal as an
editable form; nothing is saved until the official submits it, and the draft stays editable
until launch.

- 安全生产月: June; the year's theme (2024 and 2025 known; another year proposes the latest known,
  marked for checking); the eight standard activities with dates, the 七进, and a closing report.
- 大排查大整治 and 冬春大排查: 全覆盖 (coverage goal 100 %); report tasks at the midpoint and the end
  with the inspection and hazard figures.
- 打非治违: a report of the 四个一律 outcomes (关闭取缔, 上限处罚, 停产整顿, 追究法律责任) and the fines.
- 专项整治: the topic's sectors and its checklist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from campaigns.models import Activity, Campaign

Kind = Campaign.Kind
Topic = Campaign.Topic

SAFETY_MONTH_THEMES = {
    2024: "人人讲安全、个个会应急——畅通生命通道",
    2025: "人人讲安全、个个会应急——查找身边安全隐患",
}
SEVEN_INTO = ("企业", "校园", "机关", "社区", "农村", "家庭", "公共场所")
# The figures of a 大排查大整治 report (safetyops.core.records keys) and of 打非治违's 四个一律.
INSPECTION_FIGURES = (
    "targets",
    "targets_inspected",
    "coverage",
    "hazards_found",
    "hazards_major",
    "hazards_closed",
    "rectification_rate",
    "hazards_overdue",
)
FOUR_ALWAYS_FIGURES = ("closed_down", "max_penalty", "suspended", "prosecuted", "fines")
# 专项整治: each topic's sectors (orgs fixture codes) and the checklist it proposes (by name).
TOPIC_SECTORS: dict[str, tuple[tuple[str, ...], str]] = {
    Topic.FIRE: (("fire-crowded",), "消防安全日常检查"),
    Topic.GAS: (("urban-gas", "catering-gas"), "餐饮场所燃气安全检查"),
    Topic.CONSTRUCTION: (("construction",), "建筑施工现场安全检查"),
    Topic.HAZCHEM: (("hazchem",), "危险化学品重大生产安全事故隐患判定"),
    Topic.ROAD: (("road-transport",), ""),
    Topic.SPECIAL_EQUIPMENT: (("special-equipment",), ""),
    Topic.PIPELINE: (("oil-gas-pipeline",), ""),
}


@dataclass
class ProposedActivity:
    kind: str
    title: str
    planned_on: date | None
    due_on: date | None
    description: str = ""


@dataclass
class ProposedTask:
    title: str
    deadline: date
    figures: tuple[str, ...]
    instructions: str = ""


@dataclass
class Proposal:
    fields: dict[str, Any]
    sector_codes: tuple[str, ...] = ()
    checklist_name: str = ""
    activities: list[ProposedActivity] = field(default_factory=list)
    tasks: list[ProposedTask] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def theme_for(year: int) -> tuple[str, bool]:
    """(the 安全生产月 theme of `year`, whether it is known): another year gets the latest known one."""
    if year in SAFETY_MONTH_THEMES:
        return SAFETY_MONTH_THEMES[year], True
    earlier = [y for y in SAFETY_MONTH_THEMES if y <= year] or list(SAFETY_MONTH_THEMES)
    return SAFETY_MONTH_THEMES[max(earlier)], False


def _clamp(day: date, start: date, end: date) -> date:
    return max(start, min(end, day))


def _safety_month(year: int) -> Proposal:
    start, end = date(year, 6, 1), date(year, 6, 30)
    theme, known = theme_for(year)

    def on(month_day: int, due_days: int = 5) -> tuple[date, date]:
        held = date(year, 6, month_day)
        return held, _clamp(held + timedelta(days=due_days), start, end)

    plan = [
        (Activity.Kind.LAUNCH, _("安全生产月动员部署暨启动仪式"), 1, _("召开动员部署会议，举行启动仪式。")),
        (Activity.Kind.CONSULTATION_DAY, _("安全宣传咨询日"), 16, _("6月16日集中开展安全宣传咨询活动。")),
        (Activity.Kind.LECTURE, _("主要负责人讲安全主题宣讲"), 10, _("党政领导、企业主要负责人讲安全课。")),
        (Activity.Kind.PUBLICITY, _("新闻宣传"), 8, _("通过报刊、电视、新媒体宣传安全生产月主题。")),
        (Activity.Kind.DRILL, _("应急演练"), 20, _("组织开展应急预案演练和疏散逃生演练。")),
        (Activity.Kind.TRAINING, _("安全教育培训"), 12, _("组织从业人员开展安全教育培训。")),
        (Activity.Kind.WARNING, _("警示教育"), 18, _("观看警示教育片，剖析典型事故案例。")),
        (Activity.Kind.ONLINE, _("网上安全月"), 25, _("组织参加线上知识竞赛和安全宣传活动。")),
        (
            Activity.Kind.SEVEN_INTO,
            _("安全宣传“七进”"),
            22,
            _("安全宣传进%(places)s。") % {"places": "、".join(SEVEN_INTO)},
        ),
    ]
    activities = []
    for kind, title, day, description in plan:
        held, due = on(day)
        activities.append(ProposedActivity(kind, str(title), held, due, str(description)))
    notes = (
        []
        if known
        else [_("%(year)s年的活动主题尚未录入，已按最近一年的主题预填，请按上级通知核对修改。") % {"year": year}]
    )
    return Proposal(
        fields={
            "name": _("%(year)s年安全生产月活动") % {"year": year},
            "theme": theme,
            "starts_on": start,
            "ends_on": end,
            "goal_coverage": 100,
            "goal_rectification": 90,
            "description": _("紧扣活动主题，组织开展启动仪式、宣传咨询日、宣讲、演练、培训、警示教育和“七进”等活动。"),
        },
        activities=activities,
        tasks=[
            ProposedTask(
                _("安全生产月活动总结报送"),
                end,
                ("trained", "inspected_enterprises", "hazards_found", "hazards_closed"),
                _("6月30日前报送活动开展情况、主要做法和成效。"),
            )
        ],
        notes=notes,
    )


def _great_inspection(kind: str, year: int, today: date) -> Proposal:
    if kind == Kind.WINTER_SPRING:
        start = date(year, 11, 15) if today < date(year, 11, 15) else today
        end = date(year + 1, 2, 28)
        name = _("%(year)s年冬春安全生产大排查") % {"year": year}
    else:
        start, end = today, today + timedelta(days=90)
        name = _("%(year)s年安全生产大排查大整治") % {"year": year}
    midpoint = start + (end - start) / 2
    return Proposal(
        fields={
            "name": name,
            "theme": _("全覆盖、零容忍、严执法、重实效"),
            "starts_on": start,
            "ends_on": end,
            "goal_coverage": 100,
            "goal_rectification": 95,
            "description": _("对辖区内生产经营单位逐一排查，做到全覆盖；发现隐患建立台账、限期整改、闭环销号。"),
        },
        tasks=[
            ProposedTask(_("中期进展情况报送"), midpoint, INSPECTION_FIGURES, _("报送排查覆盖、隐患整改进展。")),
            ProposedTask(_("工作总结报送"), end, INSPECTION_FIGURES, _("报送排查整治总体情况、主要做法和下步打算。")),
        ],
    )


def _illegal_crackdown(year: int, today: date) -> Proposal:
    start, end = today, today + timedelta(days=60)
    return Proposal(
        fields={
            "name": _("%(year)s年打非治违专项行动") % {"year": year},
            "theme": _("四个一律"),
            "starts_on": start,
            "ends_on": end,
            "goal_coverage": 100,
            "goal_rectification": 100,
            "description": _(
                "对非法违法生产经营建设行为，一律关闭取缔、一律上限处罚、一律停产整顿、一律追究法律责任。"
            ),
        },
        tasks=[
            ProposedTask(
                _("打非治违“四个一律”执法情况报送"),
                end,
                (*FOUR_ALWAYS_FIGURES, "inspected_enterprises"),
                _("报送关闭取缔、上限处罚、停产整顿、追究法律责任的情况和罚款金额。"),
            )
        ],
    )


def _special(year: int, today: date, topic: str) -> Proposal:
    start, end = today, today + timedelta(days=90)
    sectors, checklist = TOPIC_SECTORS.get(topic, ((), ""))
    label = Topic(topic).label if topic in Topic.values else _("专项")
    return Proposal(
        fields={
            "name": _("%(year)s年%(topic)s安全专项整治") % {"year": year, "topic": label},
            "topic": topic,
            "starts_on": start,
            "ends_on": end,
            "goal_coverage": 100,
            "goal_rectification": 95,
        },
        sector_codes=sectors,
        checklist_name=checklist,
        tasks=[ProposedTask(_("专项整治情况报送"), end, INSPECTION_FIGURES)],
    )


def proposal_for(kind: str, *, year: int, today: date, topic: str = "") -> Proposal:
    """The proposal of a new campaign of `kind` in `year` (its dates from `today` where no season fixes them)."""
    if kind == Kind.SAFETY_MONTH:
        proposal = _safety_month(year)
    elif kind in (Kind.GREAT_INSPECTION, Kind.WINTER_SPRING):
        proposal = _great_inspection(kind, year, today)
    elif kind == Kind.ILLEGAL_CRACKDOWN:
        proposal = _illegal_crackdown(year, today)
    elif kind == Kind.SPECIAL:
        proposal = _special(year, today, topic or Topic.FIRE)
    else:
        label = Kind(kind).label if kind in Kind.values else _("专项行动")
        proposal = Proposal(
            fields={
                "name": _("%(year)s年%(kind)s") % {"year": year, "kind": label},
                "starts_on": today,
                "ends_on": today + timedelta(days=30),
            }
        )
    proposal.fields = {"kind": kind, "year": year, **proposal.fields}
    return proposal
