"""Every URL pattern of the project × every role, against objects inside and outside the scope.

Each app lists its URLs in `tests/<app>/access.py` (`CASES`, keyed by the namespaced URL name, and
`SEES` for the objects it adds); this module gathers every such file. A URL that no app lists and
that is not in PUBLIC or LOGIN_ONLY fails `test_every_url_pattern_is_covered`, so a new view cannot
be added without deciding who may see it.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.access import LOGIN_ONLY, PUBLIC, ROLES, Case
from tests.access import SEES as WORLD_SEES
from tests.conftest import World


def _access_modules() -> list[ModuleType]:
    """The `access` module of every test package that has one (tests/<app>/access.py)."""
    found = []
    for package in pkgutil.iter_modules(tests.__path__):
        if package.ispkg and (Path(tests.__path__[0]) / package.name / "access.py").exists():
            found.append(importlib.import_module(f"tests.{package.name}.access"))
    return found


def _gather(modules: list[ModuleType]) -> tuple[dict[str, list[Case]], dict[str, set[str]]]:
    cases: dict[str, list[Case]] = {}
    sees = dict(WORLD_SEES)
    for module in modules:
        twice = set(cases) & set(module.CASES)
        assert not twice, f"{module.__name__} lists URLs another app lists: {sorted(twice)}"
        cases.update(module.CASES)
        for key, roles in getattr(module, "SEES", {}).items():
            assert key not in sees, f"{module.__name__} redefines who sees {key!r}"
            sees[key] = roles
    return cases, sees


ACCESS_MODULES = _access_modules()
CASES, SEES = _gather(ACCESS_MODULES)


def _walk(patterns: list[Any], namespace: str = "") -> list[str]:
    names: list[str] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            names += _walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def test_every_url_pattern_is_covered() -> None:
    names = set(_walk(get_resolver().url_patterns))
    missing = names - set(CASES) - PUBLIC - LOGIN_ONLY
    assert not missing, f"URL patterns without an access-matrix entry: {sorted(missing)}"
    assert not (set(CASES) - names), "CASES lists URL names that no longer exist"


def test_each_app_lists_only_its_own_urls() -> None:
    """tests/<app>/access.py holds the URLs of namespace <app>: a new app adds its own file."""
    assert {m.__name__ for m in ACCESS_MODULES} >= {
        "tests.orgs.access",
        "tests.inspections.access",
        "tests.notify.access",
        "tests.briefings.access",
        "tests.exports.access",
    }
    for module in ACCESS_MODULES:
        app = module.__name__.split(".")[1]
        strangers = [name for name in module.CASES if not name.startswith(f"{app}:")]
        assert not strangers, f"{module.__name__} lists URLs of another namespace: {strangers}"


def test_a_missing_case_is_reported() -> None:
    """The coverage check is not vacuous: dropping one app's file leaves its URLs uncovered."""
    without_notify = [m for m in ACCESS_MODULES if m.__name__ != "tests.notify.access"]
    cases, _ = _gather(without_notify)
    names = set(_walk(get_resolver().url_patterns))
    missing = names - set(cases) - PUBLIC - LOGIN_ONLY
    assert "notify:inbox" in missing and missing == {name for name in names if name.startswith("notify:")}


def _expected(role: str, case: Case) -> int:
    if case.obj is not None and role not in SEES[case.obj]:
        return 404
    if role not in case.allowed:
        return 403
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_access_matrix(client: Any, world: World, name: str, role: str) -> None:
    client.force_login(world.users()[role])
    for case in CASES[name]:
        url = reverse(name, kwargs=case.kwargs(world))
        response = client.get(url)
        assert response.status_code == _expected(role, case), f"{role} GET {url}"


@pytest.mark.parametrize("name", sorted(CASES) + sorted(LOGIN_ONLY))
def test_anonymous_is_sent_to_login(client: Any, world: World, name: str) -> None:
    for case in CASES.get(name, [Case()]):
        url = reverse(name, kwargs=case.kwargs(world))
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_login_only_pages_answer_every_role(client: Any, world: World) -> None:
    for role, user in world.users().items():
        client.force_login(user)
        for name in sorted(LOGIN_ONLY):
            assert client.get(reverse(name)).status_code == 200, f"{role} {name}"


def test_outsider_post_changes_nothing(client: Any, world: World) -> None:
    """IDOR by form: official B posts an edit of an enterprise in town A."""
    client.force_login(world.official_b)
    response = client.post(reverse("orgs:enterprise_edit", kwargs={"pk": world.ent_a.pk}), {"name": "被篡改"})
    assert response.status_code == 404
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "东城化工有限公司"


def test_reader_post_is_forbidden(client: Any, world: World) -> None:
    client.force_login(world.leader_a)
    response = client.post(reverse("orgs:enterprise_edit", kwargs={"pk": world.ent_a.pk}), {"name": "被篡改"})
    assert response.status_code == 403
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "东城化工有限公司"


@pytest.mark.parametrize("role", ROLES)
def test_post_sweep_outsiders_and_wrong_roles_change_nothing(client: Any, world: World, role: str) -> None:
    """Every URL that takes an object, POSTed (with a CSRF-exempt test client) by every role:
    outside the scope 404, without the right 403, and no lifecycle record is written."""
    from inspections.models import Hazard, HazardEvent, InspectionSignature

    client.force_login(world.users()[role])
    for name, cases in sorted(CASES.items()):
        for case in cases:
            if case.obj is None:
                continue
            url = reverse(name, kwargs=case.kwargs(world))
            expected = _expected(role, case)
            if expected == 200:
                continue
            before = (
                HazardEvent.objects.count(),
                Hazard.objects.count(),
                InspectionSignature.objects.filter(signature__isnull=False).count(),
            )
            response = client.post(url, {"decision": "verify", "opinion": "同意", "result": "fail"})
            assert response.status_code in {expected, 405}, f"{role} POST {url}: {response.status_code}"
            after = (
                HazardEvent.objects.count(),
                Hazard.objects.count(),
                InspectionSignature.objects.filter(signature__isnull=False).count(),
            )
            assert before == after, f"{role} POST {url} changed data"
