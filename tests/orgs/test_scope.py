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


# Objects organised at a node: seen from above and from below --------------------------------------


@pytest.fixture
def two_counties(world: World) -> dict[str, Any]:
    from safetyops.orgs.models import Node
    from safetyops.orgs.services import department_create
    from tests.orgs.factories import NodeFactory

    other = NodeFactory(code="330002", name="临江县", level=Node.Level.COUNTY, kind=Node.Kind.COUNTY)
    other_town = NodeFactory(code="330002001", name="临江镇", parent=other)
    return {
        "other_official": make_user(Role.TOWNSHIP_OFFICIAL, node=other_town),
        "other_enterprise": EnterpriseFactory(name="临江化工", node=other_town, sectors=[world.sector_chem]),
        # a county letter (any object organised at a node: a Department here)
        "county_letter": department_create(node=world.county, name="安平县的来文"),
        "town_a_letter": department_create(node=world.town_a, name="东城镇的来文"),
        "village_letter": department_create(node=world.village_a, name="东村的来文"),
        "other_letter": department_create(node=other, name="临江县的来文"),
    }


def organised(user: Any) -> set[str]:
    from safetyops.orgs.models import Department
    from safetyops.orgs.scope import organised_visible_to

    names = organised_visible_to(user, Department.objects.exclude(memberships__isnull=False))
    return set(names.values_list("name", flat=True))


def test_a_county_object_is_seen_by_its_townships_and_not_by_another_countys(
    world: World, two_counties: dict[str, Any]
) -> None:
    county, town, village, other = "安平县的来文", "东城镇的来文", "东村的来文", "临江县的来文"
    assert organised(world.county_admin) == {county, town, village}  # county staff: all their county's
    assert organised(world.leader_county) == {county, town, village}
    assert organised(world.official_a) == {county, town, village}  # above (addressed to it), own, below
    assert organised(world.leader_a) == {county, town, village}
    assert organised(world.supervisor_a) == {county, town, village}
    assert organised(world.official_b) == {county}  # not its sibling's
    assert organised(two_counties["other_official"]) == {other}  # another county's township: nothing of ours
    assert organised(world.enterprise_a) == organised(world.nobody) == set()
    root = UserFactory(is_superuser=True, is_staff=True)
    assert organised(root) == {county, town, village, other}


def test_a_township_sees_only_its_own_part_of_a_county_object(world: World, two_counties: dict[str, Any]) -> None:
    from safetyops.orgs.scope import scope_part_q

    # The parts of a county campaign: its target enterprises in each township.
    parts = Enterprise.objects.all()
    assert set(parts.filter(scope_part_q(world.county_admin))) == {world.ent_a, world.ent_a2, world.ent_b}
    assert set(parts.filter(scope_part_q(world.official_a))) == {world.ent_a, world.ent_a2}
    assert set(parts.filter(scope_part_q(world.official_b))) == {world.ent_b}
    assert not parts.filter(scope_part_q(world.enterprise_a)).exists()


def test_get_organised_for_user_is_404_outside_and_403_without_right(
    world: World, two_counties: dict[str, Any]
) -> None:
    from safetyops.orgs.models import Department
    from safetyops.orgs.scope import get_organised_for_user

    letter = two_counties["county_letter"]
    departments = Department.objects.all()
    assert get_organised_for_user(world.official_b, departments, letter.pk) == letter
    with pytest.raises(Http404):
        get_organised_for_user(two_counties["other_official"], departments, letter.pk)
    with pytest.raises(Http404):
        get_organised_for_user(world.enterprise_a, departments, letter.pk)
    with pytest.raises(PermissionDenied):
        get_organised_for_user(world.official_b, departments, letter.pk, right=Right.ADMIN)


def test_one_get_for_user_behind_every_kind(world: World) -> None:
    from safetyops.orgs.scope import get_for_user

    for bad in ("x", None, "1.5", 10**30):
        with pytest.raises(Http404):
            get_for_user(enterprises_visible_to(world.official_a), bad, user=world.official_a)
    with pytest.raises(Http404):  # missing and outside read the same
        get_for_user(enterprises_visible_to(world.official_a), world.ent_b.pk, user=world.official_a)
    with pytest.raises(PermissionDenied):
        get_for_user(enterprises_visible_to(world.leader_a), world.ent_a.pk, user=world.leader_a, right=Right.ADMIN)
    assert (
        get_for_user(enterprises_visible_to(world.official_a), str(world.ent_a.pk), user=world.official_a)
        == world.ent_a
    )
