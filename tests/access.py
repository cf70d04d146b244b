"""The vocabulary of the access matrix: roles, who sees the world fixture's objects, and `Case`.

Each app lists its own URLs in `tests/<app>/access.py` (a `CASES` dict keyed by the namespaced URL
name, and a `SEES` dict for the objects it adds); `tests/test_access_matrix.py` gathers them.
Expectations are written out by hand from DOMAIN.md §1, not derived from the scoping code under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import World

ROLES = [
    "county_admin",
    "official_a",
    "official_b",
    "supervisor_a",
    "leader_a",
    "leader_county",
    "enterprise_a",
    "enterprise_b",
    "nobody",
]
EVERYONE = set(ROLES)
OFFICE_ROLES = {"county_admin", "official_a", "official_b", "supervisor_a", "leader_a", "leader_county"}
WRITERS = {"county_admin", "official_a", "official_b"}
INSPECTORS = {"county_admin", "official_a", "official_b", "supervisor_a"}  # also the reviewers
ENTERPRISES = {"enterprise_a", "enterprise_b"}

# Who can see which object of the world fixture; an app's access.py adds the objects it creates.
SEES = {
    "ent_a": {"county_admin", "official_a", "leader_a", "leader_county", "enterprise_a"},
    "ent_a2": {"county_admin", "official_a", "leader_a", "leader_county", "supervisor_a"},
    "ent_b": {"county_admin", "official_b", "leader_county", "enterprise_b"},
    "town_a": {"county_admin", "official_a", "supervisor_a", "leader_a", "leader_county"},
    "town_b": {"county_admin", "official_b", "leader_county"},
}

# URL names that need no login or are not domain pages (the project's own, un-namespaced).
PUBLIC = {"login", "logout", "healthz"}
LOGIN_ONLY = {"password_change", "password_change_done", "home"}


@dataclass
class Case:
    """One URL: which object it shows (if any) and which roles have the right to use it."""

    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    obj: str | None = None  # key of SEES: roles outside it get 404
    allowed: set[str] = field(default_factory=lambda: set(EVERYONE))  # in scope but not allowed: 403
