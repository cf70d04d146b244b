"""Ledger filters added for issue 14: 延期待审批 (with the dashboard badge that links to it), and an
enterprise's sector filter limited to its own sectors."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.urls import reverse

from inspections import services
from inspections.models import Hazard
from inspections.tally import rebuild_tallies
from safetyops.orgs.models import Role, Sector
from tests.conftest import World
from tests.orgs.factories import make_user

BADGE = re.compile(r'<a [^>]*href="([^"]+)"[^>]*data-extensions-pending>[^<]*<span class="badge[^"]*">(\d+)</span>')


def ask(user: Any, hazard: Hazard) -> None:
    services.hazard_request_extension(
        actor=user, hazard_id=hazard.pk, reason="设备到货延迟", requested_deadline=hazard.deadline + timedelta(days=9)
    )


def listed(client: Any, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {hazard.number for hazard in response.context["page"].object_list}


def test_the_badge_counts_pending_extensions_and_opens_them_in_the_ledger(
    client: Any, world: World, hazard_factory: Any
) -> None:
    owner_a2 = make_user(Role.ENTERPRISE_USER, enterprise=world.ent_a2, username="enterprise_a2")
    a = hazard_factory(status="rectifying")
    a2 = hazard_factory(enterprise=world.ent_a2, enterprise_user=owner_a2)
    refused = hazard_factory()
    b = hazard_factory(enterprise=world.ent_b)
    hazard_factory()  # no extension at all
    ask(world.enterprise_a, a)
    ask(owner_a2, a2)
    ask(world.enterprise_a, refused)
    services.hazard_decide_extension(actor=world.official_a, hazard_id=refused.pk, approve=False, comment="按期完成")
    ask(world.enterprise_b, b)

    for user, expected, tally in (
        (world.official_a, {a.number, a2.number}, False),
        (world.county_admin, {a.number, a2.number, b.number}, True),
    ):
        if tally:
            rebuild_tallies()  # the county's badge is read from the per-node tally
        client.force_login(user)
        [(href, count)] = BADGE.findall(client.get(reverse("home")).content.decode())
        assert href == reverse("inspections:hazard_ledger") + "?extension_pending=on"
        assert int(count) == len(expected)
        assert listed(client, href) == expected
        page = client.get(href).content.decode()
        assert f"共 {len(expected)} 条隐患" in page
        assert re.search(r'name="extension_pending"[^>]*checked', page)


def test_an_enterprise_filters_by_its_own_sectors_only(client: Any, world: World, hazard_factory: Any) -> None:
    hazard_factory()
    client.force_login(world.enterprise_a)
    page = client.get(reverse("inspections:hazard_ledger")).content.decode()
    assert 'id="id_sector"' not in page  # one sector: nothing to choose

    world.ent_a.sectors.add(world.sector_build)
    page = client.get(reverse("inspections:hazard_ledger")).content.decode()
    select = re.search(r'<select name="sector".*?</select>', page, re.S)
    assert select is not None
    shown = set(re.findall(r'<option value="(\d+)"', select.group(0)))
    assert shown == {str(world.sector_chem.pk), str(world.sector_build.pk)}
    assert Sector.objects.count() > 30  # the county's list the enterprise no longer scrolls through

    other = Sector.objects.exclude(pk__in=[world.sector_chem.pk, world.sector_build.pk]).first()
    assert other is not None
    assert listed(client, f"{reverse('inspections:hazard_ledger')}?sector={other.pk}") == set()

    client.force_login(world.county_admin)  # the office keeps every sector
    page = client.get(reverse("inspections:hazard_ledger")).content.decode()
    assert f'<option value="{other.pk}"' in page
