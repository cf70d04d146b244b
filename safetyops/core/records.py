"""Figures the system can count from its own records, offered by the apps that own the records.

A report form asks for figures (检查企业数, 发现隐患数 …); where the records hold the answer, the
form is pre-filled from them and says where each number came from. Each app registers its
figures and one provider that computes them for a set of enterprises and a period; a campaign's
progress asks the registered coverage probe which enterprises were inspected. Core names no app:
inspections registers in its ready(), the asking app reads this registry.

`enterprises` is a queryset of enterprise ids (`values("pk")` or `values("enterprise_id")`), so
every figure is one query over the records, whatever the number of enterprises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, QuerySet

Number = int | Decimal


@dataclass(frozen=True)
class Figure:
    """One figure a form may ask for. `source` says, for the form, where a pre-filled value comes
    from ("" for a figure the unit fills in itself); `unit` is shown after the value (家, 条, %, 元)."""

    key: str
    label: str
    unit: str = ""
    source: str = ""
    decimal: bool = False  # a money amount or a rate; otherwise a whole count

    @property
    def from_records(self) -> bool:
        return bool(self.source)


# (enterprise ids, first day, last day, group) -> {group value: {figure key: value}}. `group` makes the
# expression that puts a record in its group from the prefix by which the record reaches its
# enterprise ("enterprise__"); without one every record is in group None.
Group = Callable[[str], Any]
FigureProvider = Callable[[QuerySet[Any], date, date, Group | None], dict[Any, dict[str, Number]]]
# (the OuterRef name of the enterprise id, first day, last day) -> Exists(an inspection in the period)
CoverageProbe = Callable[[str, date, date], Exists]
# (enterprise ids, first day, last day) -> the time of each one's first inspection within [start, end]
# (one row per enterprise inspected): the daily progress chart.
FirstInspections = Callable[[QuerySet[Any], date, date], Iterable[datetime]]

_figures: dict[str, Figure] = {}
_providers: dict[str, tuple[tuple[str, ...], FigureProvider]] = {}
_coverage: list[CoverageProbe] = []
_first: list[FirstInspections] = []


def register_figures(key: str, figures: Iterable[Figure], provider: FigureProvider | None = None) -> None:
    """Offer `figures`; `provider` computes those with a source (the others are typed by hand)."""
    listed = tuple(figures)
    for figure in listed:
        known = _figures.get(figure.key)
        if known is not None and known != figure:
            raise ValueError(f"figure {figure.key!r} registered twice differently")
        _figures[figure.key] = figure
    if provider is not None:
        _providers[key] = (tuple(f.key for f in listed if f.from_records), provider)


def register_coverage_probe(probe: CoverageProbe) -> None:
    """The one probe that says whether an enterprise was inspected in a period (inspections')."""
    if probe not in _coverage:
        _coverage.append(probe)


def register_first_inspections(probe: FirstInspections) -> None:
    """The one reader of the enterprises' first inspections in a period (inspections')."""
    if probe not in _first:
        _first.append(probe)


def figures() -> dict[str, Figure]:
    """Every registered figure, in registration order (the library a form picks from)."""
    return dict(_figures)


def figure(key: str) -> Figure | None:
    return _figures.get(key)


def compute(keys: Iterable[str], *, enterprises: QuerySet[Any], start: date, end: date) -> dict[str, Number]:
    """The values of `keys` that the records hold, for `enterprises` and the period [start, end];
    keys without a provider are left out. Each provider is asked once, if one of its keys is wanted."""
    return compute_grouped(keys, enterprises=enterprises, start=start, end=end).get(None, {})


def compute_grouped(
    keys: Iterable[str], *, enterprises: QuerySet[Any], start: date, end: date, group: Group | None = None
) -> dict[Any, dict[str, Number]]:
    """compute() for several groups of the enterprises at once (a campaign's ranked child nodes):
    one query per provider whatever the number of groups. A group without records is left out;
    each group's figures hold every key of a provider that answered for it (zeros included)."""
    wanted = set(keys)
    values: dict[Any, dict[str, Number]] = {}
    for provided, provider in _providers.values():
        if wanted & set(provided):
            for label, found in provider(enterprises, start, end, group).items():
                values.setdefault(label, {}).update({k: v for k, v in found.items() if k in wanted})
    return values


def inspected(outer_enterprise: str, start: date, end: date) -> Exists:
    """Exists(an inspection of OuterRef(outer_enterprise) dated within [start, end])."""
    if not _coverage:
        raise LookupError("no coverage probe is registered (the inspections app registers one)")
    return _coverage[0](outer_enterprise, start, end)


def first_inspections(enterprises: QuerySet[Any], start: date, end: date) -> Iterable[datetime]:
    """The time of the first inspection within [start, end] of each of `enterprises` inspected: one query."""
    if not _first:
        raise LookupError("no first-inspections reader is registered (the inspections app registers one)")
    return _first[0](enterprises, start, end)
