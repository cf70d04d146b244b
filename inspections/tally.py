"""Hazard counts per node (HazardTally), so that a county or a city is counted in milliseconds.

How the numbers stay right:
- A hazard counts in its area, `Hazard.node`, which is its enterprise's area: set at registration
  and moved with the enterprise (`enterprise_moved`), so the tally (keyed by the enterprise's node,
  whose covering index answers the counts), the ledger's area filter, the briefing, the reminders
  and the scope all place a hazard in the same node.
- Every save or delete of a hazard or an extension marks the row of its enterprise's node dirty
  *in the same transaction* (signals below): a reader never trusts a row whose change has not
  been recounted. Bulk writes cannot skip this by mistake: `Hazard.objects...update()` of a counted
  column and `bulk_create()` raise; `tally_update()` / `tally_bulk_create()` mark the nodes dirty.
- After commit the row is recounted under a row lock (`refresh_nodes`): the lock waits for any
  transaction still marking it, and the count, a new statement, sees everything committed.
- Readers (`tally_counts`) add up the clean rows of today and count live the hazards of nodes whose
  row is dirty, of another day (overdue and "this year" depend on the date) or missing.
- `rebuild_tallies` recounts every node: nightly from beat, when a worker starts, and after the
  bulk writers (generate_city writes with COPY; seed_demo_hazards), which bypass the signals.
Scopes restricted by sector (department supervisors) and enterprise users are counted live.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.utils import timezone

from inspections.models import Hazard, HazardExtension, HazardTally
from safetyops.orgs.models import Enterprise, Node
from safetyops.orgs.scope import Scope

logger = logging.getLogger(__name__)

S = Hazard.Status
# COUNT(1) FILTER (...) needs no column, so PostgreSQL can answer from an index alone.
ONE = Value(1)
COUNTS = HazardTally.COUNTS


def _year_start(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today.replace(month=1, day=1), time.min))


def hazard_aggregates(today: date) -> dict[str, Any]:
    """The tally's hazard columns as aggregate expressions (all but extensions_pending)."""
    is_open = ~Q(status=S.CLOSED)
    this_year = Q(registered_at__gte=_year_start(today))
    return {
        "total": Count("*"),
        "major": Count(ONE, filter=Q(level=Hazard.Level.MAJOR)),
        "open": Count(ONE, filter=is_open),
        "overdue": Count(ONE, filter=is_open & Q(deadline__lt=today)),
        "major_open": Count(ONE, filter=is_open & Q(level=Hazard.Level.MAJOR)),
        "listed": Count(ONE, filter=is_open & Q(listed_supervision=True)),
        "found_this_year": Count(ONE, filter=this_year),
        "closed_this_year": Count(ONE, filter=this_year & Q(status=S.CLOSED)),
        "plan_pending": Count(ONE, filter=Q(status=S.PLAN_PENDING)),
        "awaiting_verification": Count(ONE, filter=Q(status=S.AWAITING_VERIFICATION)),
    }


def live_counts(hazards: QuerySet[Hazard], today: date) -> dict[str, int]:
    """Every tally column for a queryset of hazards, counted now (two queries)."""
    row = hazards.order_by().aggregate(**hazard_aggregates(today))
    row["extensions_pending"] = HazardExtension.objects.filter(
        hazard__in=hazards.order_by().values("pk"), decision=HazardExtension.Decision.PENDING
    ).count()
    return {name: row[name] or 0 for name in COUNTS}


def _counts_by_node(node_ids: Iterable[int] | None, today: date) -> dict[int, dict[str, int]]:
    hazards = Hazard.objects.order_by()
    extensions = HazardExtension.objects.filter(decision=HazardExtension.Decision.PENDING).order_by()
    if node_ids is not None:
        ids = list(node_ids)
        hazards = hazards.filter(enterprise__node_id__in=ids)
        extensions = extensions.filter(hazard__enterprise__node_id__in=ids)
    out: dict[int, dict[str, int]] = {}
    for row in hazards.values("enterprise__node_id").annotate(**hazard_aggregates(today)):
        node_id = row.pop("enterprise__node_id")
        out[node_id] = {**row, "extensions_pending": 0}
    for node_id, n in extensions.values_list("hazard__enterprise__node_id").annotate(n=Count("*")):
        out.setdefault(node_id, dict.fromkeys(COUNTS, 0))["extensions_pending"] = n
    return out


# Writers ------------------------------------------------------------------------------------


def mark_dirty(node_ids: Iterable[int | None]) -> None:
    """Mark the nodes' rows dirty in the current transaction, and recount them after commit."""
    ids = sorted({pk for pk in node_ids if pk is not None})
    if not ids:
        return
    HazardTally.objects.bulk_create(
        [HazardTally(node_id=pk, dirty=True) for pk in ids],
        update_conflicts=True,
        unique_fields=["node"],
        update_fields=["dirty"],
    )
    transaction.on_commit(lambda: _refresh_after_commit(ids))


def _refresh_after_commit(ids: list[int]) -> None:
    try:
        refresh_nodes(ids)
    except Exception:  # the rows stay dirty, so readers count them live; the nightly rebuild cleans up
        logger.exception("hazard tally refresh failed for nodes %s", ids)


def refresh_nodes(node_ids: Iterable[int], *, today: date | None = None) -> None:
    """Recount the given nodes' rows (they exist: mark_dirty created them)."""
    today = today or timezone.localdate()
    ids = sorted(set(node_ids))
    with transaction.atomic():
        # Lock first, in node order; the count below is a later statement and sees every commit.
        rows = list(HazardTally.objects.select_for_update().filter(node_id__in=ids).order_by("node_id"))
        counts = _counts_by_node(ids, today)
        _apply(rows, counts, today)


def rebuild_tallies(*, today: date | None = None) -> int:
    """Recount every node (a row for each node, zeros included). Returns the number of rows."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # Wait for every transaction that is marking a row; later markers wait for this one.
        list(HazardTally.objects.select_for_update().values_list("pk", flat=True))
        counts = _counts_by_node(None, today)
        # Replacing the rows is much faster than updating thousands of them one CASE at a time.
        HazardTally.objects.all().delete()
        zero = dict.fromkeys(COUNTS, 0)
        rows = [
            HazardTally(node_id=pk, day=today, dirty=False, **counts.get(pk, zero))
            for pk in Node.objects.values_list("pk", flat=True)
        ]
        HazardTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _apply(rows: list[HazardTally], counts: dict[int, dict[str, int]], today: date) -> None:
    now = timezone.now()
    zero = dict.fromkeys(COUNTS, 0)
    for row in rows:
        for name, value in counts.get(row.node_id, zero).items():
            setattr(row, name, value)
        row.day, row.dirty, row.updated_at = today, False, now
    HazardTally.objects.bulk_update(rows, [*COUNTS, "day", "dirty", "updated_at"], batch_size=1000)


# Readers ------------------------------------------------------------------------------------


def tally_counts(scope: Scope, *, today: date | None = None) -> dict[str, int] | None:
    """Every tally column over the scope, or None when the tally cannot answer for this scope
    (a sector-restricted or an enterprise scope: count those live)."""
    if scope.sector_ids is not None or scope.enterprise_id is not None or scope.empty:
        return None
    today = today or timezone.localdate()
    tallies, nodes = HazardTally.objects.all(), Node.objects.all()
    if not scope.everything:
        tallies = tallies.filter(node__path__startswith=scope.node_path)
        nodes = nodes.filter(path__startswith=scope.node_path)
    sums = tallies.filter(dirty=False, day=today).aggregate(**{name: Sum(name) for name in COUNTS})
    result = {name: sums[name] or 0 for name in COUNTS}
    unsure = list(
        nodes.filter(
            Q(hazard_tally__isnull=True) | Q(hazard_tally__dirty=True) | ~Q(hazard_tally__day=today)
        ).values_list("pk", flat=True)
    )
    if unsure:
        live = live_counts(Hazard.objects.filter(enterprise__node_id__in=unsure), today)
        for name in COUNTS:
            result[name] += live[name]
    return result


# Signals: wired in InspectionsConfig.ready ----------------------------------------------------


def _enterprise_node(enterprise_id: int | None, instance: Any = None) -> int | None:
    if instance is not None and Hazard.enterprise.is_cached(instance):
        return instance.enterprise.node_id
    return Enterprise.objects.filter(pk=enterprise_id).values_list("node_id", flat=True).first()


def hazard_changed(sender: Any, instance: Hazard, **kwargs: Any) -> None:
    mark_dirty([_enterprise_node(instance.enterprise_id, instance)])


def extension_changed(sender: Any, instance: HazardExtension, **kwargs: Any) -> None:
    node = Hazard.objects.filter(pk=instance.hazard_id).values_list("enterprise__node_id", flat=True).first()
    mark_dirty([node])


def enterprise_moving(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    instance._tally_old_node = (  # type: ignore[attr-defined]
        Enterprise.objects.filter(pk=instance.pk).values_list("node_id", flat=True).first() if instance.pk else None
    )


def enterprise_moved(sender: Any, instance: Enterprise, created: bool = False, **kwargs: Any) -> None:
    """An enterprise moved to another area: its hazards, open and closed, move with it (a hazard's
    area is its enterprise's, see Hazard.node), in the same transaction as the move."""
    old = getattr(instance, "_tally_old_node", None)
    if not created and old is not None and old != instance.node_id:
        with transaction.atomic():
            mark_dirty([old, instance.node_id])
            Hazard.objects.filter(enterprise_id=instance.pk).exclude(node_id=instance.node_id).tally_update(
                node_id=instance.node_id
            )
