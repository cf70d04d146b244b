"""The service errors of accountability: a Chinese message (LetterError, PledgeError), or 403."""

from __future__ import annotations

from safetyops.core.errors import NotPermitted, ServiceError

__all__ = ["AccountabilityError", "LetterError", "NotPermitted", "PledgeError"]


class AccountabilityError(ServiceError):
    """A refusal of an accountability service; `message` says why."""


class LetterError(AccountabilityError):
    """A letter or pledge cannot be drafted, issued, signed, revised or withdrawn as asked."""


class PledgeError(AccountabilityError):
    """A daily 承诺公告 cannot be published, or a flag reviewed, as asked."""
