"""Reporting periods (a month, a quarter, a year, any span of days) as the briefings state them."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone

TREND_MONTHS = 12


def local_start(day: date) -> datetime:
    """Midnight at the start of `day`, Asia/Shanghai."""
    return timezone.make_aware(datetime.combine(day, time.min))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def is_calendar_month(start: date, end: date) -> bool:
    return (
        start.day == 1
        and (start.year, start.month) == (end.year, end.month)
        and end == month_bounds(start.year, start.month)[1]
    )


def previous_month(day: date) -> tuple[date, date]:
    first = day.replace(day=1) - timedelta(days=1)
    return month_bounds(first.year, first.month)


def period_label(start: date, end: date) -> str:
    """2026年10月 · 2026年第三季度 · 2026年 · 2026年8月1日至10月31日"""
    if is_calendar_month(start, end):
        return f"{start.year}年{start.month}月"
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return f"{start.year}年"
    quarter = (start.month - 1) // 3
    if (
        start.day == 1
        and start.month % 3 == 1
        and start.year == end.year
        and end == month_bounds(end.year, start.month + 2)[1]
    ):
        return f"{start.year}年第{'一二三四'[quarter]}季度"
    if start.year == end.year:
        return f"{start.year}年{start.month}月{start.day}日至{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period before: the previous month for a month, else as many days just before."""
    if is_calendar_month(start, end):
        return previous_month(start)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def trend_months(end: date) -> list[tuple[int, int]]:
    """(year, month) of the TREND_MONTHS months up to `end`, oldest first."""
    months = []
    year, month = end.year, end.month
    for _ in range(TREND_MONTHS):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def day_label(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"
