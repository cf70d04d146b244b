"""Fixtures shared by every test module.

Services are real: tests marked postgres/redis/browser skip when the service is absent on a
developer's machine, and fail instead when CI=true, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from inspections.checklists import load_checklists
from inspections.models import ChecklistItem, ChecklistTemplate
from safetyops.orgs.models import Enterprise, Membership, Node, Role, Sector, User
from safetyops.orgs.sectors import load_sectors
from tests.orgs.factories import EnterpriseFactory, NodeFactory, make_user
from tests.storage import MISSING as S3_MISSING
from tests.storage import TEST_STORAGE_URL, Bucket, object_storage_fixture

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"


def service_missing(reason: str) -> None:
    """Skip locally; fail in CI, where every service must be there."""
    if IN_CI:
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if (
        item.get_closest_marker("postgres")
        and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        service_missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        service_missing("needs Redis: set REDIS_URL=redis://...")
    if item.get_closest_marker("browser") and not Path(CHROMIUM).exists():
        service_missing("needs Chromium: apt-get install chromium")
    if item.get_closest_marker("s3") and not TEST_STORAGE_URL:
        service_missing(S3_MISSING)


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path) -> None:
    from django.core.cache import cache

    cache.clear()  # counts cached for a minute (a county's campaign progress) never leak into the next test
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from safetyops.celery import app

    app.conf.task_always_eager = True


@pytest.fixture
def object_storage(settings: Any) -> Iterator[Bucket]:
    """Files go to the real S3 server of TEST_STORAGE_URL (tests/storage.py); mark the test `s3`."""
    if not TEST_STORAGE_URL:
        service_missing(S3_MISSING)
    yield from object_storage_fixture(settings)


@dataclass
class World:
    """Two townships in one county, an enterprise in each, and a user of every role."""

    county: Node
    town_a: Node
    town_b: Node
    village_a: Node
    sector_chem: Sector
    sector_build: Sector
    ent_a: Enterprise  # town A, 危险化学品
    ent_b: Enterprise  # town B, 建筑施工
    ent_a2: Enterprise  # town A, 建筑施工
    county_admin: User
    official_a: User
    official_b: User
    supervisor_a: User  # town A, 建筑施工 only
    leader_a: User
    leader_county: User
    enterprise_a: User
    enterprise_b: User
    nobody: User  # logged in, no membership

    def users(self) -> dict[str, User]:
        return {
            "county_admin": self.county_admin,
            "official_a": self.official_a,
            "official_b": self.official_b,
            "supervisor_a": self.supervisor_a,
            "leader_a": self.leader_a,
            "leader_county": self.leader_county,
            "enterprise_a": self.enterprise_a,
            "enterprise_b": self.enterprise_b,
            "nobody": self.nobody,
        }


@pytest.fixture
def world(db: Any) -> World:
    county = NodeFactory(code="330001", name="安平县", level=Node.Level.COUNTY, kind=Node.Kind.COUNTY)
    town_a = NodeFactory(code="330001001", name="东城镇", parent=county)
    town_b = NodeFactory(code="330001002", name="西山镇", parent=county)
    village_a = NodeFactory(
        code="330001001001", name="东村", parent=town_a, level=Node.Level.VILLAGE, kind=Node.Kind.VILLAGE
    )
    if not Sector.objects.exists():  # a transactional test before this one flushed the migration's rows
        load_sectors(Sector)
    if not ChecklistTemplate.objects.exists():
        load_checklists(ChecklistTemplate, ChecklistItem, Sector)
    chem = Sector.objects.get(code="hazchem")
    build = Sector.objects.get(code="construction")
    ent_a = EnterpriseFactory(name="东城化工有限公司", node=village_a, sectors=[chem])
    ent_b = EnterpriseFactory(name="西山建设工程有限公司", node=town_b, sectors=[build])
    ent_a2 = EnterpriseFactory(name="东城建筑有限公司", node=town_a, sectors=[build])
    world = World(
        county=county,
        town_a=town_a,
        town_b=town_b,
        village_a=village_a,
        sector_chem=chem,
        sector_build=build,
        ent_a=ent_a,
        ent_b=ent_b,
        ent_a2=ent_a2,
        county_admin=make_user(Role.COUNTY_ADMIN, node=county, username="county_admin"),
        official_a=make_user(Role.TOWNSHIP_OFFICIAL, node=town_a, username="official_a"),
        official_b=make_user(Role.TOWNSHIP_OFFICIAL, node=town_b, username="official_b"),
        supervisor_a=make_user(Role.DEPARTMENT_SUPERVISOR, node=town_a, sectors=[build], username="supervisor_a"),
        leader_a=make_user(Role.LEADER, node=town_a, username="leader_a"),
        leader_county=make_user(Role.LEADER, node=county, username="leader_county"),
        enterprise_a=make_user(Role.ENTERPRISE_USER, enterprise=ent_a, username="enterprise_a"),
        enterprise_b=make_user(Role.ENTERPRISE_USER, enterprise=ent_b, username="enterprise_b"),
        nobody=make_user_without_membership(),
    )
    # The principals who sign their unit's letters and pledges: town A's 镇长 and both enterprises' 主要负责人.
    Membership.objects.filter(user__in=[world.leader_a, world.enterprise_a, world.enterprise_b]).update(
        is_principal=True
    )
    for user in (world.leader_a, world.enterprise_a, world.enterprise_b):
        user.membership.is_principal = True
    return world


def make_user_without_membership() -> User:
    from tests.orgs.factories import UserFactory

    return UserFactory(username="nobody")


@pytest.fixture
def chromium_path() -> str:
    if not shutil.which(CHROMIUM):
        service_missing("needs Chromium")
    return CHROMIUM


from tests.inspections.conftest import hazard_factory  # noqa: E402, F401 - used by the form fuzzing
