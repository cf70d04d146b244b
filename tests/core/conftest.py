"""The read-replica alias as a test mirror of default (what DATABASE_REPLICA_URL sets up in settings.py).

Added before the test databases are set up, so that Django points it at default's test database
(`TEST: {"MIRROR": "default"}`: nothing is created, no test gets slower). Without the router, which
only the `replica` fixture of tests/replica.py turns on, no query ever goes there.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from safetyops.core.dbrouting import REPLICA

if REPLICA not in connections.settings:
    connections.settings[REPLICA] = {**connections.settings[DEFAULT_DB_ALIAS], "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}
