"""一票否决 by rule (DOMAIN §6).

《地方党政领导干部安全生产责任制规定》 (中共中央办公厅、国务院办公厅, 2018) and the seeds: "对一年内发生一起重大或两起
较大生产安全事故且负有责任的有关单位实行安全生产'一票否决'". A unit (a node or a department) is vetoed
for year Y when, among the registered accidents (not drafts) that occurred in Y, Beijing time, for
which it bears responsibility (an AccidentResponsibility row naming it), there is at least one
重大 or worse, or at least two 较大 or worse. A vetoed unit cannot be rated 优秀 that year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.accidents.levels import at_least
from accountability.indicators.usage import REGISTERED, year_bounds
from accountability.models import Accident, AccidentLevel
from safetyops.orgs.models import Department, Node

ONE_VETOES = AccidentLevel.MAJOR  # 一起重大（及以上）
TWO_VETO = AccidentLevel.LARGER  # 两起较大（及以上）
TWO = 2


@dataclass
class Veto:
    """The rule's answer: `vetoed`, the accidents that caused it (as stored in
    Assessment.veto_accidents) and the sentence that says why."""

    vetoed: bool = False
    accidents: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""


def responsible_accidents(unit: Node | Department, year: int) -> list[Accident]:
    """The registered accidents of `year` (Beijing time) for which `unit` bears responsibility."""
    start, end = year_bounds(year)
    named = Q(responsibilities__node=unit) if isinstance(unit, Node) else Q(responsibilities__department=unit)
    return list(
        Accident.objects.filter(named, status__in=REGISTERED, occurred_at__gte=start, occurred_at__lt=end)
        .distinct()
        .order_by("occurred_at", "pk")
    )


def accident_fact(accident: Accident) -> dict[str, Any]:
    return {
        "pk": accident.pk,
        "number": accident.number,
        "title": accident.title,
        "level": accident.level,
        "level_label": str(AccidentLevel(accident.level).label),
        "date": timezone.localtime(accident.occurred_at).date().isoformat(),
    }


def decide(accidents: list[Accident]) -> Veto:
    """The rule over the accidents a unit bears responsibility for in one year."""
    serious = [a for a in accidents if at_least(a.level, ONE_VETOES)]
    larger = [a for a in accidents if at_least(a.level, TWO_VETO)]
    if serious:
        reason = _("负有责任的重大及以上生产安全事故%(n)s起") % {"n": len(serious)}
        return Veto(True, [accident_fact(a) for a in larger], reason)
    if len(larger) >= TWO:
        reason = _("负有责任的较大生产安全事故%(n)s起") % {"n": len(larger)}
        return Veto(True, [accident_fact(a) for a in larger], reason)
    return Veto(False, [], "")


def veto_for(unit: Node | Department, year: int) -> Veto:
    return decide(responsible_accidents(unit, year))


def rule_text() -> str:
    return _(
        "一年内发生一起重大及以上或两起较大及以上生产安全事故且负有责任的，实行一票否决，"
        "不得评为优秀（《地方党政领导干部安全生产责任制规定》）。"
    )
