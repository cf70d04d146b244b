"""第三条's table at every boundary of each criterion, the highest criterion winning, and the
clocks of 第九条, 第十一条, 第十三条 and 第三十二条 (accountability/accidents/levels.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from accountability.accidents import levels
from accountability.models import AccidentCategory, AccidentLevel

L = AccidentLevel
ZERO = Decimal("0")


@pytest.mark.parametrize(
    ("deaths", "level"),
    [
        (0, L.GENERAL),
        (2, L.GENERAL),
        (3, L.LARGER),
        (9, L.LARGER),
        (10, L.MAJOR),
        (29, L.MAJOR),
        (30, L.ESPECIALLY_MAJOR),
    ],
)
def test_deaths_alone(deaths: int, level: str) -> None:
    assert levels.level_of(deaths=deaths, serious_injuries=0, direct_loss=ZERO) == level


@pytest.mark.parametrize(
    ("injuries", "level"),
    [(9, L.GENERAL), (10, L.LARGER), (49, L.LARGER), (50, L.MAJOR), (99, L.MAJOR), (100, L.ESPECIALLY_MAJOR)],
)
def test_serious_injuries_alone(injuries: int, level: str) -> None:
    assert levels.level_of(deaths=0, serious_injuries=injuries, direct_loss=ZERO) == level


@pytest.mark.parametrize(
    ("loss", "level"),
    [
        ("999.99", L.GENERAL),
        ("1000", L.LARGER),
        ("4999.99", L.LARGER),
        ("5000", L.MAJOR),
        ("9999.99", L.MAJOR),
        ("10000", L.ESPECIALLY_MAJOR),
    ],
)
def test_direct_loss_alone_in_wan_yuan(loss: str, level: str) -> None:
    assert levels.level_of(deaths=0, serious_injuries=0, direct_loss=Decimal(loss)) == level


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "level", "deciding"),
    [
        (2, 9, "1000", L.LARGER, ["direct_loss"]),  # 较大 by loss alone
        (3, 50, "0", L.MAJOR, ["serious_injuries"]),  # the injuries outrank the deaths
        (10, 10, "1000", L.MAJOR, ["deaths"]),
        (1, 100, "5000", L.ESPECIALLY_MAJOR, ["serious_injuries"]),
        (3, 10, "1000", L.LARGER, ["deaths", "serious_injuries", "direct_loss"]),
        (29, 99, "9999.99", L.MAJOR, ["deaths", "serious_injuries", "direct_loss"]),
        (2, 9, "999.99", L.GENERAL, []),
    ],
)
def test_the_highest_criterion_wins(deaths: int, injuries: int, loss: str, level: str, deciding: list[str]) -> None:
    figures = {"deaths": deaths, "serious_injuries": injuries, "direct_loss": Decimal(loss)}
    assert levels.level_of(**figures) == level
    assert levels.deciding_criteria(**figures) == deciding


T0 = datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(("minutes", "late"), [(59, False), (60, False), (61, True)])
def test_late_report_after_one_hour(minutes: int, late: bool) -> None:
    assert levels.is_late_report(T0, T0 + datetime.timedelta(minutes=minutes)) is late


def test_late_forward_after_two_hours() -> None:
    assert levels.forward_deadline(T0) == T0 + datetime.timedelta(hours=2)
    assert not levels.is_late_forward(T0, T0 + datetime.timedelta(hours=2))
    assert levels.is_late_forward(T0, T0 + datetime.timedelta(hours=2, minutes=1))


@pytest.mark.parametrize(
    ("category", "days"),
    [
        (AccidentCategory.INDUSTRIAL, 30),
        (AccidentCategory.CONSTRUCTION, 30),
        (AccidentCategory.OTHER, 30),
        (AccidentCategory.ROAD, 7),
        (AccidentCategory.FIRE, 7),
    ],
)
def test_revision_window(category: str, days: int) -> None:
    end = T0 + datetime.timedelta(days=days)
    assert levels.revision_window_end(T0, category) == end
    assert levels.within_revision_window(T0, category, end)
    assert not levels.within_revision_window(T0, category, end + datetime.timedelta(seconds=1))


def test_reply_within_15_days_and_30_for_especially_major() -> None:
    day = datetime.date(2026, 6, 1)
    assert levels.reply_due(day, L.GENERAL) == datetime.date(2026, 6, 16)
    assert levels.reply_due(day, L.MAJOR) == datetime.date(2026, 6, 16)
    assert levels.reply_due(day, L.ESPECIALLY_MAJOR) == datetime.date(2026, 7, 1)


def test_who_investigates_and_where_it_goes() -> None:
    assert str(levels.INVESTIGATED_BY[L.GENERAL]) == "事故发生地县级人民政府"
    assert str(levels.INVESTIGATED_BY[L.LARGER]) == "事故发生地设区的市级人民政府"
    assert str(levels.INVESTIGATED_BY[L.MAJOR]) == "事故发生地省级人民政府"
    assert "设区的市" in str(levels.FORWARD_TO[L.GENERAL])
    assert "省级" in str(levels.FORWARD_TO[L.LARGER])
    assert "国务院" in str(levels.FORWARD_TO[L.MAJOR])
    assert levels.at_least(L.MAJOR, L.LARGER) and not levels.at_least(L.GENERAL, L.LARGER)
