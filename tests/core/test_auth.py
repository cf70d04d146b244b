from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safetyops.core.tasks import housekeeping
from safetyops.orgs.models import EnterpriseImport
from tests.conftest import World


def test_login_with_the_form_and_chinese_error(client: Client, world: World) -> None:
    response = client.post(reverse("login"), {"username": "official_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    response = client.post(reverse("login"), {"username": "official_a", "password": "pass-Word-123"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_repeated_failures_lock_the_login(client: Client, world: World, settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "official_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "official_a", "password": "pass-Word-123"})
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_csrf_is_enforced(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.official_a)
    response = client.post(reverse("orgs:enterprise_edit", args=[world.ent_a.pk]), {"name": "x"})
    assert response.status_code == 403
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "东城化工有限公司"


def test_logout_needs_post(client: Client, world: World) -> None:
    client.force_login(world.official_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client: Client, world: World) -> None:
    client.force_login(world.official_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pass-Word-123", "new_password1": "Anping-2026-safe", "new_password2": "Anping-2026-safe"},
    )
    assert response.status_code == 302
    world.official_a.refresh_from_db()
    assert world.official_a.check_password("Anping-2026-safe")


def test_security_headers_on_every_page(client: Client, world: World) -> None:
    client.force_login(world.official_a)
    response = client.get(reverse("home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_healthz(client: Client, db: Any) -> None:
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_housekeeping_removes_old_import_files_only(world: World) -> None:
    old = EnterpriseImport(created_by=world.official_a, original_name="old.csv")
    old.file.save("old.csv", ContentFile(b"a"), save=False)
    old.save()
    EnterpriseImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    new = EnterpriseImport(created_by=world.official_a, original_name="new.csv")
    new.file.save("new.csv", ContentFile(b"b"), save=False)
    new.save()
    old_path = old.file.path
    assert housekeeping() == {"import_files_removed": 1, "expired_exports": 0}
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and new.file
    import os

    assert not os.path.exists(old_path) and os.path.exists(new.file.path)


def test_spraying_one_password_across_usernames_locks_the_address(client: Client, world: World, settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_IP_FAILURE_LIMIT = 20
    spray = {"REMOTE_ADDR": "198.51.100.7"}
    for i in range(19):
        response = client.post(reverse("login"), {"username": f"user{i}", "password": "Spring2026!"}, **spray)
        assert response.status_code == 200  # one failure each: no username is locked
    # The 20th failure from the address locks it: even a right password of a real user is refused.
    assert client.post(reverse("login"), {"username": "user19", "password": "Spring2026!"}, **spray).status_code == 429
    response = client.post(reverse("login"), {"username": "official_a", "password": "pass-Word-123"}, **spray)
    assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = Client()
    response = other.post(
        reverse("login"), {"username": "official_a", "password": "pass-Word-123"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302


def test_a_few_failures_from_a_shared_address_lock_nobody_else(client: Client, world: World, settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_IP_FAILURE_LIMIT = 20
    office = {"REMOTE_ADDR": "10.0.0.1"}  # a township office behind one NAT address
    for _ in range(5):
        client.post(reverse("login"), {"username": "official_b", "password": "wrong"}, **office)
    assert (
        client.post(reverse("login"), {"username": "official_b", "password": "pass-Word-123"}, **office).status_code
        == 429
    )
    assert (
        client.post(reverse("login"), {"username": "official_a", "password": "pass-Word-123"}, **office).status_code
        == 302
    )
