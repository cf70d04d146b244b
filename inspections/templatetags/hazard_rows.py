"""Per-row helpers of the hazard tables that take the page's `today` instead of asking the clock."""

from __future__ import annotations

from datetime import date

from django import template

from inspections.models import Hazard

register = template.Library()


@register.filter
def days_late(hazard: Hazard, today: date) -> int:
    """{{ hazard|days_late:today }}: days past the deadline (0 if closed or not yet due)."""
    return hazard.days_overdue(today)
