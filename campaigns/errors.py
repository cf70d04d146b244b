"""The errors of campaigns' services: one family with core's (views map them by class)."""

from __future__ import annotations

from safetyops.core import errors


class CampaignError(errors.ServiceError):
    """A campaign step that is not allowed now; `message` is shown to the user, nothing was applied."""


class NotPermitted(CampaignError, errors.NotPermitted):
    """The actor may not take this step (the view answers 403)."""
