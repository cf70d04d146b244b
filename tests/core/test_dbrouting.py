"""The read-replica router (safetyops.core.dbrouting), its settings, and the client address behind the proxy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from inspections.models import Hazard
from safetyops.core.dbrouting import REPLICA, reading_from_replica, replica_reads
from safetyops.core.proxy import ForwardedForMiddleware, forwarded_client
from safetyops.orgs.models import Node
from tests.orgs.factories import NodeFactory
from tests.replica import replica  # noqa: F401 - a fixture

BASE_DIR = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- the router


def test_reads_go_to_the_replica_only_inside_the_context(replica: str) -> None:  # noqa: F811
    assert Hazard.objects.all().db == DEFAULT_DB_ALIAS
    assert router.db_for_read(Node) == DEFAULT_DB_ALIAS
    with reading_from_replica():
        assert Hazard.objects.all().db == REPLICA
        assert router.db_for_read(Node) == REPLICA
        with reading_from_replica():  # nested: still the replica, and the outer context survives the inner one
            assert router.db_for_read(Node) == REPLICA
        assert router.db_for_read(Node) == REPLICA
    assert router.db_for_read(Node) == DEFAULT_DB_ALIAS


def test_writes_and_locking_reads_stay_on_default(replica: str) -> None:  # noqa: F811
    with reading_from_replica():
        assert router.db_for_write(Hazard) == DEFAULT_DB_ALIAS
        assert Hazard.objects.select_for_update().db == DEFAULT_DB_ALIAS
        assert Node.objects.all().db == REPLICA


def test_reads_inside_a_transaction_stay_on_default(replica: str, django_db_blocker: Any) -> None:  # noqa: F811
    with django_db_blocker.unblock(), reading_from_replica():
        with transaction.atomic():
            assert Node.objects.all().db == DEFAULT_DB_ALIAS
        assert Node.objects.all().db == REPLICA


def test_migrations_only_on_default(replica: str) -> None:  # noqa: F811
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "inspections", model_name="hazard")
    assert not router.allow_migrate(REPLICA, "inspections", model_name="hazard")
    assert not router.allow_migrate_model(REPLICA, Hazard)
    assert router.allow_migrate_model(DEFAULT_DB_ALIAS, Hazard)


def test_decorator_and_threads(replica: str) -> None:  # noqa: F811
    @replica_reads
    def build() -> str:
        return Node.objects.all().db

    assert build() == REPLICA
    assert Node.objects.all().db == DEFAULT_DB_ALIAS
    seen: list[str] = []
    with reading_from_replica():
        # A thread started inside (a heartbeat) does not inherit the context: its reads stay on default.
        thread = threading.Thread(target=lambda: seen.append(router.db_for_read(Node)))
        thread.start()
        thread.join()
    assert seen == [DEFAULT_DB_ALIAS]


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_rows_are_really_read_through_the_replica(replica: str) -> None:  # noqa: F811
    node = NodeFactory(code="339901", name="镜像县", level=Node.Level.COUNTY, kind=Node.Kind.COUNTY)
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        with reading_from_replica():
            found = Node.objects.get(pk=node.pk)
        assert Node.objects.filter(pk=node.pk).exists()
    assert found.name == "镜像县" and found._state.db == REPLICA
    assert len(on_replica) == 1 and len(on_default) == 1


def test_without_the_router_the_context_changes_nothing(settings: Any) -> None:
    settings.DATABASE_ROUTERS = []  # the embedded default: no DATABASE_REPLICA_URL, no router
    with reading_from_replica():
        assert Node.objects.all().db == DEFAULT_DB_ALIAS
        assert router.db_for_read(Node) == DEFAULT_DB_ALIAS


# ---------------------------------------------------------------- settings

_SETTINGS_SNIPPET = """
import json
import django
django.setup()
from django.conf import settings
replica = settings.DATABASES.get("replica")
print("SETTINGS=" + json.dumps({
    "aliases": sorted(settings.DATABASES),
    "replica": {k: replica[k] for k in ("ENGINE", "HOST", "PORT", "NAME", "USER", "TEST")} if replica else None,
    "routers": settings.DATABASE_ROUTERS,
    "middleware": settings.MIDDLEWARE[0],
}))
"""


def _settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "DEBUG"}}
    clean.update(DJANGO_SETTINGS_MODULE="safetyops.settings", VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", _SETTINGS_SNIPPET], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("SETTINGS="))
    return json.loads(line.removeprefix("SETTINGS="))


def test_settings_parse_database_replica_url(tmp_path: Path) -> None:
    parsed = _settings(
        tmp_path,
        DATABASE_URL="postgres://app:secret@db.internal:5432/safetyops",
        DATABASE_REPLICA_URL="postgres://reader:secret@db-replica.internal:5433/safetyops",
        FORWARDED_FOR_PROXIES="1",
    )
    assert parsed["aliases"] == ["default", "replica"]
    parsed_replica = parsed["replica"]
    assert parsed_replica.pop("TEST")["MIRROR"] == "default"
    assert parsed_replica == {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "db-replica.internal",
        "PORT": 5433,
        "NAME": "safetyops",
        "USER": "reader",
    }
    assert parsed["routers"] == ["safetyops.core.dbrouting.ReplicaRouter"]
    assert parsed["middleware"] == "safetyops.core.proxy.ForwardedForMiddleware"


def test_settings_without_a_replica(tmp_path: Path) -> None:
    parsed = _settings(tmp_path, DATABASE_REPLICA_URL="")
    assert parsed["aliases"] == ["default"]
    assert parsed["replica"] is None and parsed["routers"] == []
    assert parsed["middleware"] != "safetyops.core.proxy.ForwardedForMiddleware"


# ---------------------------------------------------------------- behind the proxy


@pytest.mark.parametrize(
    ("header", "proxies", "client"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),
        # A client that sends its own X-Forwarded-For: the proxy appends the real address; the forged one is ignored.
        ("10.9.9.9, 203.0.113.7", 1, "203.0.113.7"),
        ("203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),
        ("203.0.113.7", 2, None),
        ("not-an-address", 1, None),
        ("", 1, None),
        ("2001:db8::1", 1, "2001:db8::1"),
    ],
)
def test_forwarded_client(header: str, proxies: int, client: str | None) -> None:
    assert forwarded_client(header, proxies) == client


def test_middleware_sets_remote_addr(settings: Any) -> None:
    settings.FORWARDED_FOR_PROXIES = 1
    seen: dict[str, str] = {}

    def view(request: Any) -> Any:
        seen["addr"] = request.META["REMOTE_ADDR"]
        return None

    middleware = ForwardedForMiddleware(view)
    middleware(RequestFactory().get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"))
    assert seen["addr"] == "203.0.113.7"
    middleware(RequestFactory().get("/", REMOTE_ADDR="172.18.0.5"))
    assert seen["addr"] == "172.18.0.5"
