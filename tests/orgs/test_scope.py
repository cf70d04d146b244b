from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from safetyops.orgs.models import Enterprise, Role, Sector
from safetyops.orgs.scope import (
    Right,
    enterprises_visible_to,
    get_enterprise_for_user,
    nodes_visible_to,
    scoped,
)
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory, UserFactory, make_user


def names(user: Any) -> set[str]:
    return set(enterprises_visible_to(user).values_list("name", flat=True))


def test_each_role_sees_exactly_its_scope(world: World) -> None:
    a, a2, b = world.ent_a.name, world.ent_a2.name, world.ent_b.name
    assert names(world.county_admin) == {a, a2, b}
    assert names(world.official_a) == {a, a2}
    assert names(world.official_b) == {b}
    assert names(world.supervisor_a) == {a2}
    assert names(world.leader_a) == {a, a2}
    assert names(world.leader_county) == {a, a2, b}
    assert names(world.enterprise_a) == {a}
    assert names(world.enterprise_b) == {b}
    assert names(world.nobody) == set()


def test_supervisor_of_a_parent_sector_sees_its_sub_sectors(world: World) -> None:
    industry = Sector.objects.get(code="industry-trade")
    machinery = Sector.objects.get(code="machinery")
    EnterpriseFactory(name="东城机械厂", node=world.town_a, sectors=[machinery])
    supervisor = make_user(Role.DEPARTMENT_SUPERVISOR, node=world.town_a, sectors=[industry])
    assert names(supervisor) == {"东城机械厂"}


def test_enterprise_in_two_sectors_is_listed_once(world: World) -> None:
    both = make_user(Role.DEPARTMENT_SUPERVISOR, node=world.county, sectors=[world.sector_chem, world.sector_build])
    world.ent_a.sectors.add(world.sector_build)
    assert enterprises_visible_to(both).count() == 3


def test_inactive_and_anonymous_users_see_nothing(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    world.official_a.is_active = False
    world.official_a.save()
    fresh = type(world.official_a).objects.get(pk=world.official_a.pk)
    assert enterprises_visible_to(fresh).count() == 0
    assert enterprises_visible_to(AnonymousUser()).count() == 0


def test_superuser_sees_everything(world: World) -> None:
    root = UserFactory(is_superuser=True, is_staff=True)
    assert enterprises_visible_to(root).count() == Enterprise.objects.count() == 3


def test_nodes_follow_the_subtree(world: World) -> None:
    assert set(nodes_visible_to(world.official_a)) == {world.town_a, world.village_a}
    assert set(nodes_visible_to(world.county_admin)) == {world.county, world.town_a, world.town_b, world.village_a}
    assert not nodes_visible_to(world.enterprise_a).exists()


def test_get_for_user_is_404_outside_and_403_without_right(world: World) -> None:
    with pytest.raises(Http404):
        get_enterprise_for_user(world.official_b, world.ent_a.pk)
    with pytest.raises(Http404):
        get_enterprise_for_user(world.official_a, "not-a-number")
    with pytest.raises(PermissionDenied):
        get_enterprise_for_user(world.leader_a, world.ent_a.pk, right=Right.ENTERPRISE_CHANGE)
    assert get_enterprise_for_user(world.official_a, world.ent_a.pk, right=Right.ENTERPRISE_CHANGE) == world.ent_a


def test_scoped_filters_related_models_through_the_enterprise(world: World) -> None:
    """Domain apps scope their own models (hazards ...) with `scoped`; check it on memberships."""
    from safetyops.orgs.models import Membership

    visible = scoped(
        world.official_a, Membership.objects.filter(enterprise__isnull=False), enterprise_field="enterprise"
    )
    assert {m.user.username for m in visible} == {"enterprise_a"}


def test_scope_is_cached_per_request_user(world: World, django_assert_num_queries: Any) -> None:
    user = type(world.official_a).objects.get(pk=world.official_a.pk)
    list(enterprises_visible_to(user))
    with django_assert_num_queries(1):
        list(enterprises_visible_to(user))
