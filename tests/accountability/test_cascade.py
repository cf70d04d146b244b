"""A county's cascade at its real size: one action issues the 目标责任书 to 8 townships and the
安全承诺书 to 400 enterprises, one copy each, in one transaction, and doing it again adds nothing."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability import services
from accountability.errors import LetterError
from accountability.models import Letter, LetterTemplate, LetterVersion
from safetyops.orgs.models import Enterprise, Node, Role
from tests.accountability.factories import COUNTY_ITEMS
from tests.orgs.factories import NodeFactory, make_credit_code, make_user

pytestmark = pytest.mark.django_db

TOWNSHIPS = 8
ENTERPRISES = 400


@pytest.fixture
def county() -> dict[str, Any]:
    county = NodeFactory(code="340001", name="大县", level=Node.Level.COUNTY, kind=Node.Kind.COUNTY)
    towns = [NodeFactory(code=f"340001{n:03d}", name=f"第{n}镇", parent=county) for n in range(1, TOWNSHIPS + 1)]
    Enterprise.objects.bulk_create(
        Enterprise(
            name=f"企业{n:03d}有限公司",
            credit_code=make_credit_code(),
            node=towns[n % TOWNSHIPS],
            principal_name=f"负责人{n}",
        )
        for n in range(ENTERPRISES)
    )
    admin = make_user(Role.COUNTY_ADMIN, node=county, username="big_admin")
    return {"county": county, "towns": towns, "admin": admin}


def test_letters_to_8_townships_and_pledges_to_400_enterprises(county: dict[str, Any]) -> None:
    admin = county["admin"]
    letter = services.template_create(
        actor=admin, kind="responsibility", year=2026, title="目标责任书", body="正文", items=COUNTY_ITEMS
    )
    assert services.template_address(actor=admin, template=letter, units=county["towns"]) == TOWNSHIPS
    pledge = services.template_create(actor=admin, kind="pledge", year=2026, title="安全承诺书", body="我承诺")
    enterprises = list(Enterprise.objects.filter(node__parent=county["county"]))
    with CaptureQueriesContext(connection) as addressing:
        assert services.template_address(actor=admin, template=pledge, units=enterprises) == ENTERPRISES
    with CaptureQueriesContext(connection) as issuing:
        services.template_issue(actor=admin, template=pledge)
    services.template_issue(actor=admin, template=letter)
    # One copy each, each with its own frozen version naming its addressee.
    assert pledge.letters.filter(status=Letter.Status.ISSUED).count() == ENTERPRISES
    assert letter.letters.filter(status=Letter.Status.ISSUED).count() == TOWNSHIPS
    assert LetterVersion.objects.count() == ENTERPRISES + TOWNSHIPS
    assert LetterVersion.objects.filter(
        letter__enterprise__name="企业007有限公司", text__contains="企业007有限公司"
    ).exists()
    # Batched, not a query per copy.
    assert len(addressing.captured_queries) < 30
    assert len(issuing.captured_queries) < 40
    # Choosing and issuing again duplicates nothing.
    assert services.template_address(actor=admin, template=pledge, units=enterprises) == 0
    with pytest.raises(LetterError, match="没有待下达"):
        services.template_issue(actor=admin, template=pledge)
    assert pledge.letters.count() == ENTERPRISES and LetterVersion.objects.count() == ENTERPRISES + TOWNSHIPS


def test_issuing_is_one_transaction(county: dict[str, Any]) -> None:
    """A failure at the 300th copy leaves every copy a draft and no version behind."""
    admin = county["admin"]
    pledge = services.template_create(actor=admin, kind="pledge", year=2026, title="安全承诺书", body="我承诺")
    services.template_address(actor=admin, template=pledge, units=list(Enterprise.objects.all()))
    real = services.letter_text
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 300:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    with mock.patch.object(services, "letter_text", failing), pytest.raises(RuntimeError):
        services.template_issue(actor=admin, template=pledge)
    assert not LetterVersion.objects.exists()
    assert set(pledge.letters.values_list("status", flat=True)) == {Letter.Status.DRAFT}
    assert LetterTemplate.objects.get(pk=pledge.pk).status == LetterTemplate.Status.DRAFT
