"""Selectors: read-only queries for inspections and their checklists, always inside the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from inspections.models import (
    ChecklistItem,
    ChecklistResult,
    ChecklistTemplate,
    Hazard,
    Inspection,
    InspectionSignature,
)
from inspections.rights import InspectionRight
from inspections.scope import inspections_visible_to
from safetyops.evidence.models import Attachment
from safetyops.orgs.models import Enterprise, Sector, User
from safetyops.orgs.rights import roles_holding
from safetyops.orgs.scope import scope_for
from safetyops.orgs.selectors import enterprise_search

PICKER_LIMIT = 20


# Checklists ------------------------------------------------------------------------------------


def sectors_with_ancestors(sector_ids: set[int]) -> set[int]:
    """An enterprise of 冶金 is also checked against the 工贸 lists: add every ancestor sector."""
    parents = dict(Sector.objects.values_list("pk", "parent_id"))
    found = set(sector_ids)
    for sector_id in sector_ids:
        parent = parents.get(sector_id)
        while parent is not None and parent not in found:
            found.add(parent)
            parent = parents.get(parent)
    return found


def checklist_items_for(*, enterprise: Enterprise) -> QuerySet[ChecklistItem]:
    """Items of the active templates for every enterprise or for its sectors (and their ancestors)."""
    sector_ids = sectors_with_ancestors(set(enterprise.sectors.values_list("pk", flat=True)))
    return (
        ChecklistItem.objects.filter(template__is_active=True)
        .filter(Q(template__sector__isnull=True) | Q(template__sector_id__in=sector_ids))
        .select_related("template", "template__sector")
        .order_by("template__sort_order", "template_id", "order", "pk")
    )


def checklist_item_for(*, inspection: Inspection, item_id: int) -> ChecklistItem | None:
    """The item if it belongs on this inspection's checklist (applicable now, or already answered)."""
    answered = ChecklistResult.objects.filter(inspection=inspection, item_id=item_id)
    applicable = checklist_items_for(enterprise=inspection.enterprise).filter(pk=item_id)
    return (
        ChecklistItem.objects.select_related("template", "template__sector")
        .filter(pk=item_id)
        .filter(Q(pk__in=applicable.values("pk")) | Q(pk__in=answered.values("item_id")))
        .first()
    )


@dataclass
class ItemRow:
    item: ChecklistItem
    result: ChecklistResult | None = None
    hazard: Hazard | None = None

    @property
    def photos(self) -> list[Attachment]:
        return list(self.result.attachments.all()) if self.result else []


@dataclass
class ChecklistGroup:
    template: ChecklistTemplate
    rows: list[ItemRow] = field(default_factory=list)


@dataclass
class Progress:
    total: int = 0
    answered: int = 0
    failed: int = 0

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass
class Checklist:
    groups: list[ChecklistGroup]
    progress: Progress
    hazards: list[Hazard]


def _results_of(inspection: Inspection, item_ids: list[int] | None = None) -> QuerySet[ChecklistResult]:
    results = ChecklistResult.objects.filter(inspection=inspection)
    if item_ids is not None:
        results = results.filter(item_id__in=item_ids)
    photos = Attachment.objects.filter(kind=Attachment.Kind.IMAGE).order_by("uploaded_at", "pk")
    return results.select_related("answered_by").prefetch_related(Prefetch("attachments", queryset=photos))


def inspection_checklist(*, inspection: Inspection, item_ids: list[int] | None = None) -> Checklist:
    """The inspection's checklist grouped by template, with answers, photos and hazards, in fixed queries.

    While the record is open the checklist is what applies to the enterprise now plus anything
    already answered; once locked it is exactly what was answered. `item_ids` narrows the rows
    (for one card) without changing the progress figures.
    """
    results = {result.item_id: result for result in _results_of(inspection)}
    if inspection.locked:
        items = list(
            ChecklistItem.objects.filter(pk__in=results)
            .select_related("template", "template__sector")
            .order_by("template__sort_order", "template_id", "order", "pk")
        )
    else:
        items = list(checklist_items_for(enterprise=inspection.enterprise))
        missing = set(results) - {item.pk for item in items}
        if missing:
            items += list(ChecklistItem.objects.filter(pk__in=missing).select_related("template", "template__sector"))
            items.sort(key=lambda i: (i.template.sort_order, i.template_id, i.order, i.pk))
    hazards = list(
        Hazard.objects.filter(inspection=inspection).select_related("checklist_item").order_by("registered_at", "pk")
    )
    by_item = {hazard.checklist_item_id: hazard for hazard in hazards if hazard.checklist_item_id}
    progress = Progress(total=len(items))
    groups: list[ChecklistGroup] = []
    for item in items:
        result = results.get(item.pk)
        if result is not None:
            progress.answered += 1
            progress.failed += result.result == ChecklistResult.Result.FAIL
        if item_ids is not None and item.pk not in item_ids:
            continue
        if not groups or groups[-1].template.pk != item.template_id:
            groups.append(ChecklistGroup(template=item.template))
        groups[-1].rows.append(ItemRow(item=item, result=result, hazard=by_item.get(item.pk)))
    return Checklist(groups=groups, progress=progress, hazards=hazards)


# Inspections -----------------------------------------------------------------------------------


def _count(model_qs: QuerySet[Any]) -> Coalesce:
    counted = model_qs.order_by().values("inspection_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def inspection_list_for(*, user: Any, filters: dict[str, Any]) -> QuerySet[Inspection]:
    """Inspections in scope, newest first, with what the list shows fetched in a fixed number of queries."""
    qs = inspections_visible_to(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(enterprise__name__icontains=text) | Q(enterprise__credit_code__icontains=text.upper()))
    signatures = InspectionSignature.objects.select_related("inspector").order_by("pk")
    return (
        qs.select_related("enterprise", "enterprise__node", "campaign")
        .prefetch_related(Prefetch("signatures", queryset=signatures))
        .annotate(
            failed_count=_count(
                ChecklistResult.objects.filter(inspection=OuterRef("pk"), result=ChecklistResult.Result.FAIL)
            ),
            hazard_count=_count(Hazard.objects.filter(inspection=OuterRef("pk"))),
        )
        .order_by("-inspected_at", "-pk")
    )


def inspection_signatures(*, inspection: Inspection) -> list[InspectionSignature]:
    return list(inspection.signatures.select_related("inspector", "inspector__membership", "signature").order_by("pk"))


# Choices for the create form -------------------------------------------------------------------


def enterprise_picker_results(*, user: Any, text: str) -> list[Enterprise]:
    """At most PICKER_LIMIT enterprises in scope whose name or credit code contains `text`."""
    text = text.strip()
    if not text:
        return []
    return list(enterprise_search(user=user, filters={"q": text}).order_by("name", "pk")[:PICKER_LIMIT])


def co_inspector_candidates(*, user: Any) -> QuerySet[User]:
    """Other active users who may inspect and whose area lies within the user's own area."""
    scope = scope_for(user)
    qs = User.objects.filter(is_active=True, membership__role__in=roles_holding(InspectionRight.INSPECT)).exclude(
        pk=user.pk
    )
    if not scope.everything:
        if scope.node_path is None:
            return User.objects.none()
        qs = qs.filter(membership__node__path__startswith=scope.node_path)
    return qs.select_related("membership", "membership__node").order_by("membership__node__path", "full_name", "pk")
