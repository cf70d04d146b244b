"""The rules of 国务院令第493号 that are arithmetic, in one place (DOMAIN §6).

第三条: the level from deaths, serious injuries (incl. acute industrial poisoning) and direct loss;
any one criterion decides and the highest wins; "以上" includes the number, "以下" excludes it.
第九条: the unit reports within 1 hour (later: 迟报). 第十条/第十一条: each level passes it up within
2 hours, to the authority the level names. 第十三条: casualty changes within 30 days (7 for road
traffic and fire) are revisions. 第十九条: who investigates. 第三十二条: the reply within 15 days of
the report (30 for 特别重大).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy

from accountability.models.accidents import AccidentCategory, AccidentLevel

L = AccidentLevel

# Lower bounds, inclusive (以上), for each level above 一般: deaths, serious injuries, loss in 万元.
THRESHOLDS: tuple[tuple[str, int, int, Decimal], ...] = (
    (L.ESPECIALLY_MAJOR, 30, 100, Decimal("10000")),  # 1亿元
    (L.MAJOR, 10, 50, Decimal("5000")),
    (L.LARGER, 3, 10, Decimal("1000")),
)
RANK = {L.GENERAL: 0, L.LARGER: 1, L.MAJOR: 2, L.ESPECIALLY_MAJOR: 3}

REPORT_WITHIN = datetime.timedelta(hours=1)  # 第九条
FORWARD_WITHIN = datetime.timedelta(hours=2)  # 第十一条
REVISION_DAYS_DEFAULT = 30  # 第十三条
REVISION_DAYS_SHORT = 7  # 第十三条: 道路交通、火灾
SHORT_REVISION_CATEGORIES = frozenset({AccidentCategory.ROAD, AccidentCategory.FIRE})

# 第十条: where each level is passed up to (from the county's 安全生产监督管理部门).
FORWARD_TO = {
    L.GENERAL: gettext_lazy("设区的市级人民政府安全生产监督管理部门和有关部门"),
    L.LARGER: gettext_lazy("省级人民政府安全生产监督管理部门和有关部门"),
    L.MAJOR: gettext_lazy("国务院安全生产监督管理部门和有关部门"),
    L.ESPECIALLY_MAJOR: gettext_lazy("国务院安全生产监督管理部门和有关部门"),
}
# 第十条: the report goes up level by level ("逐级上报"): the county's department passes it to the
# 设区的市's, whatever the level (FORWARD_TO is where it ends); 越级上报 is the exception, typed by hand.
COUNTY_FORWARDS_TO = FORWARD_TO[L.GENERAL]
# 第十九条: who investigates.
INVESTIGATED_BY = {
    L.GENERAL: gettext_lazy("事故发生地县级人民政府"),
    L.LARGER: gettext_lazy("事故发生地设区的市级人民政府"),
    L.MAJOR: gettext_lazy("事故发生地省级人民政府"),
    L.ESPECIALLY_MAJOR: gettext_lazy("国务院或者国务院授权有关部门"),
}


def level_of(*, deaths: int, serious_injuries: int, direct_loss: Decimal) -> str:
    """第三条: the highest level any one criterion reaches."""
    for level, min_deaths, min_injuries, min_loss in THRESHOLDS:
        if deaths >= min_deaths or serious_injuries >= min_injuries or direct_loss >= min_loss:
            return level
    return L.GENERAL


def deciding_criteria(*, deaths: int, serious_injuries: int, direct_loss: Decimal) -> list[str]:
    """Which criteria put the accident at its level (for the page: "较大（按直接经济损失）")."""
    level = level_of(deaths=deaths, serious_injuries=serious_injuries, direct_loss=direct_loss)
    for candidate, min_deaths, min_injuries, min_loss in THRESHOLDS:
        if candidate == level:
            return [
                name
                for name, hit in (
                    ("deaths", deaths >= min_deaths),
                    ("serious_injuries", serious_injuries >= min_injuries),
                    ("direct_loss", direct_loss >= min_loss),
                )
                if hit
            ]
    return []


def at_least(level: str, floor: str) -> bool:
    return RANK[level] >= RANK[floor]  # type: ignore[index]


def is_late_report(occurred_at: datetime.datetime, reported_at: datetime.datetime) -> bool:
    """第九条: more than one hour after the accident (exactly 60 minutes is in time)."""
    return reported_at - occurred_at > REPORT_WITHIN


def forward_deadline(received_at: datetime.datetime) -> datetime.datetime:
    """第十一条: each level passes it up within two hours of receiving it."""
    return received_at + FORWARD_WITHIN


def is_late_forward(received_at: datetime.datetime, forwarded_at: datetime.datetime) -> bool:
    return forwarded_at - received_at > FORWARD_WITHIN


def revision_days(category: str) -> int:
    return REVISION_DAYS_SHORT if category in SHORT_REVISION_CATEGORIES else REVISION_DAYS_DEFAULT


def revision_window_end(occurred_at: datetime.datetime, category: str) -> datetime.datetime:
    """第十三条: "自事故发生之日起30日内（道路交通事故、火灾事故自发生之日起7日内）", counted from
    the moment it occurred."""
    return occurred_at + datetime.timedelta(days=revision_days(category))


def within_revision_window(occurred_at: datetime.datetime, category: str, at: datetime.datetime) -> bool:
    return at <= revision_window_end(occurred_at, category)


def reply_days(level: str) -> int:
    """第三十二条: 15 days from receiving the report; 30 for 特别重大."""
    return 30 if level == L.ESPECIALLY_MAJOR else 15


def reply_due(report_submitted_on: datetime.date, level: str) -> datetime.date:
    return report_submitted_on + datetime.timedelta(days=reply_days(level))
