"""The context every template gets: the site name, and the user's scope and rights (for the nav)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from safetyops.orgs.scope import scope_for


def site(request: HttpRequest) -> dict[str, Any]:
    scope = scope_for(request.user)
    return {"SITE_NAME": settings.SITE_NAME, "scope": scope, "rights": scope.rights}
