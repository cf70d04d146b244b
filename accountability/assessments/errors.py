"""The refusals of the yearly assessment's services."""

from __future__ import annotations

from accountability.errors import AccountabilityError


class AssessmentError(AccountabilityError):
    """An assessment cannot be opened, scored, reviewed or finalised as asked; `message` says why."""
