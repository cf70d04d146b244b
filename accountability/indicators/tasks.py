"""Control-indicator tasks: thin, take ids, safe to run twice (the claim is once per threshold)."""

from __future__ import annotations

from celery import shared_task

from accountability.indicators import warnings


@shared_task(name="accountability.indicator_warnings_for_accident", acks_late=True, max_retries=2)
def indicator_warnings_for_accident(accident_id: int) -> int:
    """An accident was registered or revised: warn about the indicators of its node and above."""
    return warnings.check_accident(accident_id)


@shared_task(name="accountability.indicator_warnings_for_node", acks_late=True, max_retries=2)
def indicator_warnings_for_node(node_id: int, year: int) -> int:
    """A node's limits changed: warn about what they now put at 80% or 100%."""
    return warnings.check_node(node_id, year)
