"""factory_boy factories of the orgs models (nodes, sectors, enterprises, users); the other apps build on them."""

from __future__ import annotations

import itertools
import random
from datetime import datetime
from zoneinfo import ZoneInfo

import factory

from safetyops.orgs.creditcode import ALPHABET, check_character
from safetyops.orgs.models import Department, Enterprise, Membership, Node, Role, Sector, User

_code_counter = itertools.count(1)
REGISTERED_LONG_AGO = datetime(2020, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_credit_code(seed: int | None = None, first: str = "9") -> str:
    """A valid 统一社会信用代码; different for every call unless `seed` repeats."""
    rng = random.Random(seed if seed is not None else next(_code_counter) * 7919)
    body = first + "1" + "".join(rng.choice("0123456789") for _ in range(6))
    body += "".join(rng.choice(ALPHABET[:10] + "ABCDEFGH") for _ in range(9))
    return body + check_character(body)


class NodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = Node.Level.TOWNSHIP
    kind = Node.Kind.TOWN
    parent = None


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.Sequence(lambda n: f"测试行业{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(make_credit_code)
    node = factory.SubFactory(NodeFactory)
    principal_name = "张三"
    principal_phone = "13800000000"

    @factory.post_generation
    def sectors(self, create: bool, extracted: list[Sector] | None, **kwargs: object) -> None:
        if create and extracted:
            self.sectors.set(extracted)

    @factory.post_generation
    def registered(self, create: bool, extracted: datetime | None, **kwargs: object) -> None:
        """On the register long before any period a test travels to, unless given
        (`EnterpriseFactory(registered=...)`): past figures and inspection dates depend on it."""
        if create:
            self.created_at = extracted or REGISTERED_LONG_AGO
            Enterprise.objects.filter(pk=self.pk).update(created_at=self.created_at)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pass-Word-123")


def make_user(
    role: Role | str,
    *,
    node: Node | None = None,
    enterprise: Enterprise | None = None,
    sectors: list[Sector] | None = None,
    **user_fields: object,
) -> User:
    """A user with a membership of the given role. A department supervisor gets the department of
    their node that supervises exactly `sectors` (made on first use), or `department`."""
    department = user_fields.pop("department", None)
    if role == Role.DEPARTMENT_SUPERVISOR and department is None:
        assert node is not None
        department = department_for(node, sectors or [])
    user = UserFactory(is_staff=role == Role.COUNTY_ADMIN, **user_fields)
    Membership.objects.create(user=user, role=role, node=node, enterprise=enterprise, department=department)
    return user


def department_for(node: Node, sectors: list[Sector], name: str = "") -> Department:
    """The department of `node` named after its sectors (e.g. 建筑施工监管部门), made on first use."""
    name = name or "、".join(sector.name for sector in sectors) + "监管部门"
    department, created = Department.objects.get_or_create(node=node, name=name)
    if created:
        department.sectors.set(sectors)
    return department
