"""Login throttling with two limits (django-axes): a username from one address is locked after
AXES_FAILURE_LIMIT failures, and an address after AXES_IP_FAILURE_LIMIT failures whatever the
usernames, so that spraying one password across many accounts is slowed too.

django-axes compares a single count with a single limit (the largest count over the lockout
parameters); this handler makes that count say "locked" when either limit is reached.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class UsernameAndAddressLimitsHandler(AxesDatabaseHandler):
    """Expects AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        by_username = counts[0] if counts else 0
        by_address = counts[1] if len(counts) > 1 else 0
        if by_address >= settings.AXES_IP_FAILURE_LIMIT:
            return max(by_username, get_failure_limit(request, credentials))
        return by_username
