"""`manage.py seed_demo`: a believable, valid, deterministic demo county that respects the scoping rules."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import RequestFactory

from safetyops.core.models import AuditEvent
from safetyops.orgs.creditcode import credit_code_problem
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE, DEMO_PASSWORD, build_plan
from safetyops.orgs.models import Enterprise, Membership, Node, Role, Sector, User
from safetyops.orgs.scope import enterprises_visible_to

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def county(db: Any) -> Node:
    seed()
    return Node.objects.get(code=COUNTY_CODE)


def counts() -> dict[str, int]:
    return {
        "nodes": Node.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "enterprise_sectors": Enterprise.sectors.through.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_second_run_changes_nothing_and_still_prints_the_logins() -> None:
    first = seed()
    before = counts()
    second = seed()

    assert counts() == before
    assert "Created" in first
    assert "already exists" in second
    for output in (first, second):
        assert f"every password is {DEMO_PASSWORD}" in output
        assert "zhujian" in output and "ent1_aq" in output


def test_the_plan_is_the_same_on_every_run() -> None:
    assert build_plan() == build_plan()


def test_every_credit_code_is_valid_and_registered_in_the_county(county: Node) -> None:
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))

    assert [(code, credit_code_problem(code)) for code in codes if credit_code_problem(code)] == []
    assert {code[2:8] for code in codes} == {COUNTY_CODE}
    # Enterprises, 个体工商户, 农民专业合作社, 事业单位, 民办非企业单位 and 村集体经济组织 (registrar N).
    assert {code[:2] for code in codes} >= {"91", "92", "93", "12", "52", "N2"}


def test_counts_are_those_of_a_small_county(county: Node) -> None:
    assert 6 <= county.children.count() <= 10
    assert 50 <= Node.objects.filter(level=Node.Level.VILLAGE, path__startswith=county.path).count() <= 70
    assert 350 <= Enterprise.objects.count() <= 450
    assert set(county.children.values_list("kind", flat=True)) >= {Node.Kind.TOWN, Node.Kind.STREET, Node.Kind.PARK}


def test_enterprises_look_like_a_real_register(county: Node) -> None:
    enterprises = Enterprise.objects.all()

    assert not enterprises.exclude(node__path__startswith=county.path).exists()
    assert enterprises.filter(node__level=Node.Level.TOWNSHIP).exists()
    assert enterprises.filter(node__level=Node.Level.VILLAGE).exists()
    assert not enterprises.annotate(n=Count("sectors")).filter(n=0).exists()
    assert enterprises.annotate(n=Count("sectors")).filter(n__gte=2).count() >= 20
    both = enterprises.filter(sectors__code="cold-storage").filter(sectors__code="ammonia-refrigeration")
    assert both.exists()
    assert enterprises.filter(sectors__code="hazchem", has_major_hazard_source=True).exists()
    assert set(enterprises.values_list("status", flat=True)) == set(Enterprise.Status.values)
    assert set(enterprises.values_list("risk_level", flat=True)) == set(Enterprise.RiskLevel.values)
    operating = enterprises.filter(status=Enterprise.Status.OPERATING).count()
    assert operating > 0.8 * enterprises.count()
    serious = enterprises.filter(risk_level__in=[Enterprise.RiskLevel.MAJOR, Enterprise.RiskLevel.SIGNIFICANT])
    assert serious.count() < 0.2 * enterprises.count()
    phones = enterprises.values_list("principal_phone", flat=True)
    assert all(len(phone) == 11 and phone[:2] in {"13", "15", "18"} for phone in phones)


def test_every_role_has_a_login_that_works_with_the_demo_password(county: Node) -> None:
    request = RequestFactory().post("/accounts/login/")
    for role in Role:
        users = User.objects.filter(membership__role=role)
        assert users.exists(), role
        for user in users:
            assert authenticate(request, username=user.username, password=DEMO_PASSWORD) == user
            assert not user.is_superuser
    assert User.objects.get(username="admin").is_staff


def test_each_enterprise_login_sees_exactly_its_enterprise(county: Node) -> None:
    logins = User.objects.filter(membership__role=Role.ENTERPRISE_USER).select_related("membership__enterprise")

    assert {user.username for user in logins} >= {"ent1", "ent1_aq", "ent2", "ent2_aq", "ent3", "ent3_aq"}
    for user in logins:
        assert user.membership.node is None
        assert list(enterprises_visible_to(user)) == [user.membership.enterprise]
    ent1 = User.objects.get(username="ent1").membership.enterprise
    assert ent1 == User.objects.get(username="ent1_aq").membership.enterprise
    assert ent1.principal_name == User.objects.get(username="ent1").full_name


def test_a_township_official_sees_only_their_township(county: Node) -> None:
    admin = User.objects.get(username="admin")
    official = User.objects.get(username="official1")
    township = official.membership.node
    visible = set(enterprises_visible_to(official))

    assert township.level == Node.Level.TOWNSHIP
    assert visible == set(Enterprise.objects.filter(node__path__startswith=township.path))
    assert 0 < len(visible) < enterprises_visible_to(admin).count() == Enterprise.objects.count()
    assert User.objects.get(username="ent1").membership.enterprise in visible


def test_leaders_read_their_subtree(county: Node) -> None:
    assert enterprises_visible_to(User.objects.get(username="leader")).count() == Enterprise.objects.count()
    leader_town = User.objects.get(username="leader_town")
    path = leader_town.membership.node.path
    assert set(enterprises_visible_to(leader_town)) == set(Enterprise.objects.filter(node__path__startswith=path))


def test_the_zhujian_supervisor_sees_only_construction_and_urban_gas(county: Node) -> None:
    zhujian = User.objects.get(username="zhujian")
    sectors = Sector.objects.filter(code__in=["construction", "urban-gas"])
    visible = enterprises_visible_to(zhujian)

    assert set(zhujian.membership.department.sectors.all()) == set(sectors)
    assert visible.count() > 0
    assert set(visible) == set(Enterprise.objects.filter(sectors__in=sectors))
    assert not visible.exclude(sectors__in=sectors).exists()
    assert User.objects.get(username="ent3").membership.enterprise in set(visible)


def test_the_township_supervisor_sees_a_part_of_the_county_supervisors_view(county: Node) -> None:
    county_view = set(enterprises_visible_to(User.objects.get(username="shijian")))
    township_view = set(enterprises_visible_to(User.objects.get(username="shijian_dc")))

    assert 0 < len(township_view) < len(county_view)
    assert township_view <= county_view
