"""The main menu is rendered once per key and kept (orgs/templatetags/navigation.py): the kept copy
follows the page, the user's scope and role on the very next request."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from safetyops.orgs.models import Membership, Role
from safetyops.orgs.templatetags.navigation import kept_nav
from tests.conftest import World

pytestmark = pytest.mark.django_db


def menu(client: Any, path: str) -> str:
    page = client.get(path).content.decode()
    found = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>\s*<ul class="navbar-nav">', page, re.S)
    assert found, page[:500]
    return found.group(1)


def active(menu_html: str) -> list[str]:
    return re.findall(r'class="nav-link(?: dropdown-toggle)? active"[^>]*>(?:<i[^>]*></i>)?\s*([^<]+)<', menu_html)


def test_the_kept_menu_follows_the_page(client: Any, world: World) -> None:
    kept_nav.cache_clear()
    client.force_login(world.official_a)
    home = menu(client, reverse("home"))
    assert [label.strip() for label in active(home)] == ["工作台"]
    ledger = menu(client, reverse("inspections:hazard_ledger"))
    assert [label.strip() for label in active(ledger)] == ["隐患台账"]
    assert menu(client, reverse("home")) == home  # the kept copy, the same HTML
    assert kept_nav.cache_info().hits >= 1


def test_the_kept_menu_follows_the_role_on_the_next_request(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    before = menu(client, reverse("home"))
    assert "企业名录" in before and reverse("inspections:inspection_list") in before
    Membership.objects.filter(user=world.official_a).update(
        role=Role.ENTERPRISE_USER, node=None, enterprise=world.ent_a
    )
    after = menu(client, reverse("home"))
    assert "本企业" in after and "企业名录" not in after
    assert reverse("inspections:my_hazards") in after and reverse("inspections:inspection_list") not in after


def test_each_role_gets_its_own_menu(client: Any, world: World) -> None:
    menus = {}
    for who in ("county_admin", "official_a", "supervisor_a", "leader_a", "enterprise_a", "nobody"):
        client.force_login(getattr(world, who))
        menus[who] = menu(client, reverse("home"))
    assert reverse("orgs:enterprise_import") in menus["county_admin"]
    assert reverse("orgs:enterprise_import") not in menus["leader_a"]
    assert reverse("accountability:indicators") in menus["county_admin"]
    assert reverse("accountability:indicators") not in menus["supervisor_a"]  # a sector's view: no 控制指标
    assert reverse("orgs:enterprise_list") not in menus["nobody"]  # no membership, no scope
    assert menus["official_a"] != menus["enterprise_a"]
