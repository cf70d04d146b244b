"""What a 约谈/督办 form offers: the units a node's officials may summon, and for one unit the
records a summons may be about (DOMAIN §6: reasons are chosen from the records, never typed):

(a) its overdue hazards, (b) its hazards at 督办 or 挂牌督办 (both read through inspections/ports.py),
(c) the accidents of its area (accountability.scope.accidents_visible_to), (d) its late campaign
reports (campaigns/selectors.py). Everything stays inside the issuer's part of the tree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.models import Accident, Summons, SummonsReason
from accountability.scope import accidents_visible_to
from accountability.summons.errors import SummonsError
from campaigns.selectors import late_unit_reports
from inspections.ports import SummonsHazardFact, summons_hazard_facts
from safetyops.orgs.models import Department, Enterprise, Node
from safetyops.orgs.scope import scope_for
from safetyops.orgs.units import ORGANISING_ROLES

Unit = Node | Department | Enterprise
RecordRef = tuple[str, int]  # ("hazard" | "accident" | "unit_report", pk)
LABEL_MAX = 300
RECORD_KINDS = ("hazard", "accident", "unit_report")


@dataclass(frozen=True)
class ReasonOption:
    """One record a summons of this unit may be about: `key` is what the form posts."""

    record: str  # hazard / accident / unit_report
    pk: int
    kind: str  # SummonsReason.Kind
    label: str
    group: str  # overdue / supervised / accident / report: the form's headings

    @property
    def key(self) -> str:
        return f"{self.record}:{self.pk}"


def issuing_node(actor: Any) -> Node:
    """The node whose officials summon: the actor's own (a county's or a township's staff)."""
    scope = scope_for(actor)
    if scope.node_id is None or scope.role not in ORGANISING_ROLES:
        raise SummonsError(_("只有县、乡镇的安全生产工作人员可以发起约谈或督办。"))
    return Node.objects.get(pk=scope.node_id)


def target_nodes(issuer: Node) -> QuerySet[Node]:
    return Node.objects.filter(path__startswith=issuer.path).exclude(pk=issuer.pk).order_by("path")


def target_departments(issuer: Node) -> QuerySet[Department]:
    return (
        Department.objects.filter(node__path__startswith=issuer.path)
        .select_related("node")
        .order_by("node__path", "sort_order", "name")
    )


def target_enterprises(issuer: Node) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(node__path__startswith=issuer.path)


def resolve_target(issuer: Node, kind: str, pk: Any) -> Unit:
    """The unit `kind`/`pk` if the issuer may summon it (below the issuer in the tree), else refused."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise SummonsError(_("请选择被约谈单位。")) from None
    found: Unit | None
    if kind == "node":
        found = target_nodes(issuer).filter(pk=pk).first()
    elif kind == "department":
        found = target_departments(issuer).filter(pk=pk).first()
    elif kind == "enterprise":
        found = target_enterprises(issuer).filter(pk=pk).first()
    else:
        raise SummonsError(_("请选择被约谈单位。"))
    if found is None:
        raise SummonsError(_("所选被约谈单位不在本单位管辖范围内。"))
    return found


def unit_kind(unit: Unit) -> str:
    return "node" if isinstance(unit, Node) else "department" if isinstance(unit, Department) else "enterprise"


def _hazard_kind(fact: SummonsHazardFact) -> str:
    if fact.listed:
        return SummonsReason.Kind.HAZARD_LISTED
    if fact.supervised:
        return SummonsReason.Kind.HAZARD_SUPERVISED
    return SummonsReason.Kind.HAZARD_OVERDUE


def _hazard_label(fact: SummonsHazardFact) -> str:
    marks = []
    if fact.listed:
        marks.append(_("挂牌督办"))
    elif fact.supervised:
        marks.append(_("督办"))
    if fact.overdue:
        marks.append(_("逾期%(n)s天") % {"n": fact.days_overdue})
    level = _("重大隐患") if fact.major else _("一般隐患")
    text = f"{fact.number} {fact.enterprise_name} {level}：{fact.text}（{'，'.join(marks)}）"
    return text[:LABEL_MAX]


def _accident_label(accident: Accident) -> str:
    text = (
        f"{accident.number} {timezone.localtime(accident.occurred_at):%Y-%m-%d} {accident.title}"
        f"（{accident.get_level_display()}，死亡{accident.deaths}人）"
    )
    return text[:LABEL_MAX]


def _hazards_of(issuer_path: str | None, unit: Unit, today: datetime.date, hazard_ids: Any) -> list[SummonsHazardFact]:
    if isinstance(unit, Enterprise):
        return summons_hazard_facts(enterprise_ids=[unit.pk], node_path=issuer_path, hazard_ids=hazard_ids, today=today)
    if isinstance(unit, Department):
        sectors = list(unit.sectors.values_list("pk", flat=True))
        return summons_hazard_facts(node_path=unit.node.path, sector_ids=sectors, hazard_ids=hazard_ids, today=today)
    return summons_hazard_facts(node_path=unit.path, hazard_ids=hazard_ids, today=today)


def _accidents_of(actor: Any, unit: Unit) -> QuerySet[Accident]:
    qs = accidents_visible_to(actor).exclude(status=Accident.Status.DRAFT)
    if isinstance(unit, Enterprise):
        return qs.filter(enterprise_id=unit.pk)
    if isinstance(unit, Department):
        return qs.filter(node__path__startswith=unit.node.path, sector__in=unit.sectors.all())
    return qs.filter(node__path__startswith=unit.path)


def reason_options(
    actor: Any,
    unit: Unit,
    *,
    today: datetime.date | None = None,
    only: list[RecordRef] | None = None,
) -> list[ReasonOption]:
    """The records a summons of `unit` by `actor`'s node may be about, today; `only`: just these."""
    today = today or timezone.localdate()
    scope = scope_for(actor)
    issuer_path = None if scope.everything else scope.node_path
    if not scope.everything and issuer_path is None:
        return []
    wanted: dict[str, list[int]] | None = None
    if only is not None:
        wanted = {kind: [pk for record, pk in only if record == kind] for kind in RECORD_KINDS}
    options: list[ReasonOption] = []
    if wanted is None or wanted["hazard"]:
        for fact in _hazards_of(issuer_path, unit, today, None if wanted is None else wanted["hazard"]):
            if issuer_path is not None and not fact.node_path.startswith(issuer_path):
                continue
            group = "supervised" if fact.listed or fact.supervised else "overdue"
            options.append(ReasonOption("hazard", fact.pk, _hazard_kind(fact), _hazard_label(fact), group))
    if wanted is None or wanted["accident"]:
        accidents = _accidents_of(actor, unit).order_by("-occurred_at", "pk")
        if wanted is not None:
            accidents = accidents.filter(pk__in=wanted["accident"])
        if issuer_path is not None:
            accidents = accidents.filter(node__path__startswith=issuer_path)
        for accident in accidents[:100]:
            options.append(
                ReasonOption(
                    "accident", accident.pk, SummonsReason.Kind.ACCIDENT, _accident_label(accident), "accident"
                )
            )
    if wanted is None or wanted["unit_report"]:
        unit_q: dict[str, int] = {f"{unit_kind(unit)}_id": unit.pk}
        for report in late_unit_reports(
            **unit_q,
            area_path=issuer_path,
            report_ids=None if wanted is None else wanted["unit_report"],
            today=today,
        ):
            options.append(
                ReasonOption(
                    "unit_report", report.pk, SummonsReason.Kind.REPORT_LATE, report.label[:LABEL_MAX], "report"
                )
            )
    return options


def reason_link(reason: SummonsReason) -> str:
    """The page of the reason's record, when there is one to link (by URL name)."""
    from django.urls import NoReverseMatch, reverse

    try:
        if reason.hazard_id:
            return reverse("inspections:hazard_detail", args=[reason.hazard_id])
        if reason.accident_id:
            return reverse("accountability:accident_detail", args=[reason.accident_id])
    except NoReverseMatch:  # the accident pages arrive with the registry
        return ""
    return ""


def next_deadline(summons: Summons, today: datetime.date | None = None) -> datetime.date | None:
    """The nearest open deadline: an undone commitment's or the report's (while it is due)."""
    dates = [c.due_on for c in summons.commitments.all() if c.done_at is None]
    if summons.status == Summons.Status.HELD and summons.report_due_on:
        dates.append(summons.report_due_on)
    return min(dates) if dates else None
