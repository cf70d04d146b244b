"""The one error shape of every app's services: a Chinese message the view shows as it is."""

from __future__ import annotations


class ServiceError(Exception):
    """A step that is not allowed now; `message` is shown to the user and nothing was applied."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(ServiceError):
    """The actor's role may not take this step: the view answers 403."""
