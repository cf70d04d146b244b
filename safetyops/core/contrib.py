"""What each app contributes to the shared pages: dashboard cards, briefing figures and sections.

The apps register in their AppConfig.ready(); the dashboard and the briefings only read these
lists, so core and the pages above the domain apps name no domain app. Sections and cards are
placed by `order` and numbered by their position among those shown, never by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# A briefing's snapshot is plain JSON; a figures provider adds its top-level keys to it.
Figures = dict[str, Any]
FiguresProvider = Callable[[Any, date, date], Figures]  # (node, start, end) -> keys of the snapshot

NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (sections and sub-sections of a 通报 are counted so)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


@dataclass
class BriefingRender:
    """What a section sees while one briefing is rendered: the snapshot, facts about the issue,
    and the figure counter (charts are numbered 图1, 图2 … in the order they appear)."""

    figures: Figures
    draft: bool
    extra: dict[str, Any] = field(default_factory=dict)
    figure_count: int = 0

    def next_figure(self) -> int:
        self.figure_count += 1
        return self.figure_count


@dataclass(frozen=True)
class BriefingSection:
    key: str
    order: int
    title: str | Callable[[Figures], str]
    template: str
    context: Callable[[BriefingRender], dict[str, Any]] | None = None
    shown: Callable[[BriefingRender], bool] | None = None

    def title_for(self, figures: Figures) -> str:
        return self.title(figures) if callable(self.title) else self.title


@dataclass(frozen=True)
class BriefingPart:
    """What another app adds to a section it does not own (e.g. campaigns' late units in 排名),
    rendered after the section's own body; the section shows when either has something to say."""

    section: str
    key: str
    order: int
    template: str
    context: Callable[[BriefingRender], dict[str, Any]] | None = None
    shown: Callable[[BriefingRender], bool] | None = None


@dataclass(frozen=True)
class DashboardCard:
    key: str
    order: int
    template: str
    context: Callable[[Any], dict[str, Any] | None]  # (DashboardPage) -> context, or None: not shown
    page: str = "home"


_figures: dict[str, FiguresProvider] = {}
_sections: dict[str, BriefingSection] = {}
_parts: dict[tuple[str, str], BriefingPart] = {}
_cards: dict[str, DashboardCard] = {}


def register_briefing_figures(key: str, provider: FiguresProvider) -> None:
    """`provider(node, start, end)` returns keys to add to a briefing's snapshot (computed once per render)."""
    _figures[key] = provider


def register_briefing_section(
    key: str,
    *,
    order: int,
    title: str | Callable[[Figures], str],
    template: str,
    context: Callable[[BriefingRender], dict[str, Any]] | None = None,
    shown: Callable[[BriefingRender], bool] | None = None,
) -> None:
    """A numbered section of the briefing PDF (一、二、… by position). `template` renders its body
    with the snapshot as `fig` and whatever `context(render)` returns; `shown(render)` may leave it out."""
    _sections[key] = BriefingSection(key, order, title, template, context, shown)


def register_briefing_part(
    section: str,
    key: str,
    *,
    order: int,
    template: str,
    context: Callable[[BriefingRender], dict[str, Any]] | None = None,
    shown: Callable[[BriefingRender], bool] | None = None,
) -> None:
    """A block appended to the section registered as `section` (by another app), placed by `order`
    among that section's parts; rendered like a section's body. The part carries its own sub-heading."""
    _parts[(section, key)] = BriefingPart(section, key, order, template, context, shown)


def register_dashboard_card(
    key: str, *, order: int, template: str, context: Callable[[Any], dict[str, Any] | None], page: str = "home"
) -> None:
    """A block of the dashboard `page` ("home" for staff, "enterprise" for an enterprise's users):
    `template` rendered with `context(page)` plus `request` and `user`; a None context leaves it out."""
    _cards[key] = DashboardCard(key, order, template, context, page)


def briefing_figure_providers() -> list[tuple[str, FiguresProvider]]:
    return sorted(_figures.items())


def briefing_sections() -> list[BriefingSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def briefing_parts(section: str) -> list[BriefingPart]:
    return sorted((p for p in _parts.values() if p.section == section), key=lambda p: (p.order, p.key))


def dashboard_cards(page: str) -> list[DashboardCard]:
    return sorted((c for c in _cards.values() if c.page == page), key=lambda c: (c.order, c.key))
