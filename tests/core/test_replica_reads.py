"""Reports read through the replica when there is one: an Excel export's rows and a briefing's figures.

The replica is a test mirror of default (tests/core/conftest.py) with the router on (the `replica`
fixture): a second connection to the same database, so the queries each alias ran are counted apart.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import Hazard
from safetyops.briefings import services
from safetyops.core.dbrouting import REPLICA
from tests.briefings.conftest import at
from tests.conftest import World
from tests.inspections.conftest import hazard_factory  # noqa: F401 - a fixture
from tests.replica import replica  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


def _sql(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def test_ledger_export_reads_its_rows_on_the_replica(
    client: Any,
    world: World,
    hazard_factory: Callable[..., Hazard],  # noqa: F811
    replica: str,  # noqa: F811
) -> None:
    made = {hazard_factory(enterprise=world.ent_a).number, hazard_factory(enterprise=world.ent_b).number}
    client.force_login(world.leader_county)
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        response = client.get(reverse("inspections:hazard_export"))
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(content)).active
    numbers = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] is not None}
    assert numbers == made
    # The rows came from the replica; the user and the right were read on default, and so was the
    # one COUNT that decides whether the export runs in the request or as a job.
    assert any('FROM "inspections_hazard"' in sql for sql in _sql(on_replica)), _sql(on_replica)
    on_default_rows = [sql for sql in _sql(on_default) if 'FROM "inspections_hazard"' in sql]
    assert all(sql.startswith("SELECT COUNT(") for sql in on_default_rows), on_default_rows
    assert any('FROM "orgs_user"' in sql for sql in _sql(on_default)), _sql(on_default)
    assert not any('FROM "orgs_user"' in sql for sql in _sql(on_replica)), _sql(on_replica)


def test_briefing_figures_are_read_on_the_replica_and_the_render_stored_on_default(
    world: World,
    hazard_factory: Callable[..., Hazard],  # noqa: F811
    replica: str,  # noqa: F811
) -> None:
    with at(date(2026, 3, 3)):
        hazard_factory(enterprise=world.ent_a, deadline=date(2026, 3, 20))
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        at(date(2026, 4, 10)),
    ):
        # A transactional test commits for real: the eager render runs on commit, as on a worker.
        briefing = services.briefing_request(
            actor=world.county_admin, node=world.county, start=date(2026, 3, 1), end=date(2026, 3, 31)
        )
    briefing.refresh_from_db()
    assert briefing.status == "draft", briefing.error
    assert briefing.figures["totals"]["found"] == 1
    replica_sql = _sql(on_replica)
    assert any('FROM "inspections_hazard"' in sql for sql in replica_sql), replica_sql
    assert not any(sql.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")) for sql in replica_sql)
    # The claim and the stored file are writes on default.
    assert any(sql.startswith('UPDATE "briefings_briefing"') for sql in _sql(on_default))
