"""Departments: the free text becomes rows, supervisors' scope is their department's sectors, the 部门 page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from safetyops.orgs.models import Department, Membership, Node, Role, Sector
from safetyops.orgs.scope import departments_visible_to, enterprises_visible_to, scope_for
from safetyops.orgs.services import department_create, user_create_with_membership
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory, NodeFactory, department_for, make_user

BEFORE = [("orgs", "0006_enterprise_import_claimant_heartbeat")]
AFTER = [("orgs", "0007_departments_orgs")]


# The migration -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_free_text_into_departments_and_keeps_every_scope() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldNode, OldSector = old.get_model("orgs", "Node"), old.get_model("orgs", "Sector")
    OldUser, OldMembership = old.get_model("orgs", "User"), old.get_model("orgs", "Membership")
    county = OldNode.objects.create(code="339001", name="试点县", level="county", kind="county", path="/339001/")
    town = OldNode.objects.create(
        code="339001001", name="试点镇", level="township", kind="town", parent=county, path="/339001/339001001/"
    )
    # A transactional test before this one may have flushed the sectors the data migration loaded.
    sector = {
        code: OldSector.objects.get_or_create(code=code, defaults={"name": code})[0]
        for code in ("construction", "urban-gas", "special-equipment")
    }

    def member(username: str, role: str, node: Any, text: str, *codes: str) -> None:
        user = OldUser.objects.create(username=username)
        membership = OldMembership.objects.create(user=user, role=role, node=node, department=text)
        membership.sectors.set([sector[code] for code in codes])

    member("zj1", "department_supervisor", county, "试点县住建局", "construction", "urban-gas")
    member("zj2", "department_supervisor", county, "试点县住建局", "urban-gas")  # 分工: gas only
    member("sj1", "department_supervisor", county, "试点县市场监管局", "special-equipment")
    member("sj2", "department_supervisor", town, "试点县市场监管局", "special-equipment")  # another node
    member("nameless", "department_supervisor", town, "", "construction")
    member("official", "township_official", town, "试点镇安监办")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    NewDepartment, NewMembership = new.get_model("orgs", "Department"), new.get_model("orgs", "Membership")

    rows = {(d.node.code, d.name): {s.code for s in d.sectors.all()} for d in NewDepartment.objects.all()}
    assert rows == {
        ("339001", "试点县住建局"): {"construction", "urban-gas"},  # the union of its supervisors' sectors
        ("339001", "试点县市场监管局"): {"special-equipment"},
        ("339001001", "试点县市场监管局"): {"special-equipment"},  # one per (node, text)
        ("339001001", "行业监管部门"): {"construction"},
    }
    by_user = {m.user.username: m for m in NewMembership.objects.select_related("department", "user")}
    assert by_user["zj1"].department.name == by_user["zj2"].department.name == "试点县住建局"
    assert by_user["zj1"].department_id == by_user["zj2"].department_id
    assert not by_user["zj1"].sectors.exists()  # all of the department's: it follows the department
    assert {s.code for s in by_user["zj2"].sectors.all()} == {"urban-gas"}  # kept: its scope stays gas only
    assert by_user["official"].department is None and by_user["official"].unit == "试点镇安监办"
    assert by_user["zj1"].unit == "试点县住建局"  # the 单位 label is kept for every role

    # The scope each supervisor has now, read through the real models.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    zj1 = Membership.objects.get(user__username="zj1").user
    zj2 = Membership.objects.get(user__username="zj2").user
    codes = dict(Sector.objects.values_list("pk", "code"))
    assert {codes[pk] for pk in scope_for(zj1).sector_ids or ()} == {"construction", "urban-gas"}
    assert {codes[pk] for pk in scope_for(zj2).sector_ids or ()} == {"urban-gas"}


# Scope -------------------------------------------------------------------------------------------


def test_a_supervisor_sees_the_sectors_of_their_department(world: World) -> None:
    assert set(enterprises_visible_to(world.supervisor_a)) == {world.ent_a2}
    department = world.supervisor_a.membership.department
    assert department is not None and department.node == world.town_a
    department.sectors.add(world.sector_chem)  # the department now also supervises 危险化学品
    fresh = type(world.supervisor_a).objects.get(pk=world.supervisor_a.pk)
    assert set(enterprises_visible_to(fresh)) == {world.ent_a, world.ent_a2}


def test_a_supervisors_own_sectors_narrow_the_department(world: World) -> None:
    both = department_for(world.county, [world.sector_chem, world.sector_build], name="县应急管理局")
    gas_only = make_user(Role.DEPARTMENT_SUPERVISOR, node=world.county, department=both)
    Membership.objects.get(user=gas_only).sectors.set([world.sector_build])
    assert set(enterprises_visible_to(gas_only)) == {world.ent_a2, world.ent_b}
    whole = make_user(Role.DEPARTMENT_SUPERVISOR, node=world.county, department=both)
    assert set(enterprises_visible_to(whole)) == {world.ent_a, world.ent_a2, world.ent_b}


def test_a_supervisor_needs_a_department_and_no_one_else_has_one(world: World) -> None:
    with pytest.raises(ValidationError, match="须选择所属部门"):
        user_create_with_membership(
            username="nodept",
            password="x-123456",
            full_name="无部门",
            role=Role.DEPARTMENT_SUPERVISOR,
            node=world.county,
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        Membership.objects.filter(user=world.official_a).update(department=world.supervisor_a.membership.department)


def test_department_names_are_unique_per_node(world: World) -> None:
    department_create(node=world.county, name="县住建局", sectors=[world.sector_build])
    department_create(node=world.town_a, name="县住建局")  # another node: allowed
    with pytest.raises(ValidationError, match="该区域已有同名部门"):
        department_create(node=world.county, name="县住建局")


def test_user_create_links_the_department_and_shows_its_name(world: World) -> None:
    department = department_create(node=world.county, name="县住建局", sectors=[world.sector_build])
    user = user_create_with_membership(
        username="zj", password="x-123456", full_name="吴建华", role=Role.DEPARTMENT_SUPERVISOR,
        node=world.county, department=department,
    )  # fmt: skip
    assert user.membership.department == department and user.membership.unit == "县住建局"
    assert set(enterprises_visible_to(user)) == {world.ent_a2, world.ent_b}


# The 部门 page -----------------------------------------------------------------------------------


@pytest.fixture
def departments(world: World) -> dict[str, Department]:
    other_county = NodeFactory(code="330002", name="临江县", level=Node.Level.COUNTY, kind=Node.Kind.COUNTY)
    other_town = NodeFactory(code="330002001", name="临江镇", parent=other_county)
    make_user(Role.TOWNSHIP_OFFICIAL, node=other_town, username="official_other")
    EnterpriseFactory(node=other_town)
    return {
        "county": department_create(node=world.county, name="安平县住房和城乡建设局", sectors=[world.sector_build]),
        "town_a": department_create(node=world.town_a, name="东城市场监督管理所"),
        "town_b": department_create(node=world.town_b, name="西山市场监督管理所"),
        "other": department_create(node=other_county, name="临江县住房和城乡建设局"),
    }


def visible(user: Any) -> set[str]:
    return set(departments_visible_to(user).values_list("name", flat=True))


def test_departments_are_seen_from_above_and_below(world: World, departments: dict[str, Department]) -> None:
    from safetyops.orgs.models import User

    county, town_a, town_b, other = (departments[k].name for k in ("county", "town_a", "town_b", "other"))
    supervisor = world.supervisor_a.membership.department.name  # type: ignore[union-attr]
    assert visible(world.county_admin) == {county, town_a, town_b, supervisor}  # all the county's
    assert visible(world.official_a) == {county, town_a, supervisor}  # its own and the county's
    assert visible(world.official_b) == {county, town_b}
    assert visible(world.leader_county) == {county, town_a, town_b, supervisor}
    assert visible(User.objects.get(username="official_other")) == {other}  # another county's township
    assert visible(world.enterprise_a) == set() and visible(world.nobody) == set()


def test_the_department_page_lists_what_the_user_sees(
    client: Any, world: World, departments: dict[str, Department]
) -> None:
    client.force_login(world.official_a)
    page = client.get(reverse("orgs:department_list")).content.decode()
    assert "安平县住房和城乡建设局" in page and "东城市场监督管理所" in page and "建筑施工" in page
    assert "西山市场监督管理所" not in page and "临江县" not in page
    client.force_login(world.enterprise_a)
    assert client.get(reverse("orgs:department_list")).status_code == 403


def test_the_admin_keeps_the_departments_of_the_county(
    client: Any, world: World, departments: dict[str, Department]
) -> None:
    client.force_login(world.county_admin)
    page = client.get(reverse("admin:orgs_department_changelist")).content.decode()
    assert "安平县住房和城乡建设局" in page and "东城市场监督管理所" in page
    assert "临江县住房和城乡建设局" not in page
    user_page = client.get(reverse("admin:orgs_user_change", args=[world.supervisor_a.pk]))
    assert user_page.status_code == 200 and "行业监管部门" in user_page.content.decode()
