"""The errors of inspections' services: one family with core's (views map them by class)."""

from __future__ import annotations

from safetyops.core import errors


class HazardStepError(errors.ServiceError):
    """A step of an inspection or a hazard that is not allowed now; `message` is shown to the user."""


class NotPermitted(HazardStepError, errors.NotPermitted):
    """The actor's role may not take this step (the view answers 403)."""
