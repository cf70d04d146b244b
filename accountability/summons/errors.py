"""The refusals of 约谈/督办 services: a Chinese message (SummonsError), or 403 (NotPermitted)."""

from __future__ import annotations

from accountability.errors import AccountabilityError


class SummonsError(AccountabilityError):
    """A 约谈/督办 cannot be created, recorded, reported, followed up, closed or cancelled as asked."""
