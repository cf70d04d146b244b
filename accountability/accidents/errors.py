"""The accident services' refusal (a Chinese message); 403 is accountability.errors.NotPermitted."""

from __future__ import annotations

from accountability.errors import AccountabilityError


class AccidentError(AccountabilityError):
    """An accident cannot be registered, revised, investigated or closed as asked."""
