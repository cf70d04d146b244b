"""The `replica` fixture: the read-replica router on, as DATABASE_REPLICA_URL sets it (settings.py).

The alias itself is a test mirror of default (tests/core/conftest.py); a test that queries through
it declares both databases: `@pytest.mark.django_db(transaction=True, databases=["default", "replica"])`
(the mirror is a second connection, which sees only committed rows).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections

from safetyops.core.dbrouting import REPLICA


@pytest.fixture
def replica(settings: Any) -> str:
    assert REPLICA in connections.settings, "the replica alias is set up by tests/core/conftest.py"
    settings.DATABASE_ROUTERS = ["safetyops.core.dbrouting.ReplicaRouter"]
    return REPLICA
