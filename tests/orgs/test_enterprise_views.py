from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from safetyops.core.models import AuditEvent
from safetyops.orgs.models import Enterprise
from tests.conftest import World
from tests.orgs.factories import EnterpriseFactory, make_credit_code


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "东城新材料有限公司",
        "credit_code": make_credit_code(99),
        "node": world.village_a.pk,
        "sectors": [world.sector_chem.pk],
        "address": "东城镇工业路8号",
        "principal_name": "李四",
        "principal_phone": "13900000000",
        "status": "operating",
        "risk_level": "general",
        "employees": "35",
    }
    data.update(overrides)
    return data


def test_official_registers_an_enterprise_with_audit(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    response = client.post(reverse("orgs:enterprise_create"), form_data(world))
    enterprise = Enterprise.objects.get(name="东城新材料有限公司")
    assert response.status_code == 302 and response["Location"] == reverse(
        "orgs:enterprise_detail", args=[enterprise.pk]
    )
    assert list(enterprise.sectors.all()) == [world.sector_chem]
    event = AuditEvent.objects.get(action="orgs.enterprise.created", target_id=str(enterprise.pk))
    assert event.actor == world.official_a


def test_bad_credit_code_is_explained_and_nothing_saved(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    good = make_credit_code(99)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = client.post(reverse("orgs:enterprise_create"), form_data(world, credit_code=bad))
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Enterprise.objects.filter(name="东城新材料有限公司").exists()
    assert not AuditEvent.objects.exists()


def test_lowercase_and_fullwidth_code_is_normalised(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    code = make_credit_code(98)
    typed = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    client.post(reverse("orgs:enterprise_create"), form_data(world, credit_code=typed))
    assert Enterprise.objects.filter(credit_code=code).exists()


def test_duplicate_code_outside_scope_does_not_leak_the_name(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    response = client.post(reverse("orgs:enterprise_create"), form_data(world, credit_code=world.ent_b.credit_code))
    body = response.content.decode()
    assert "其他地区登记" in body and world.ent_b.name not in body


def test_duplicate_code_inside_scope_names_the_enterprise(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    response = client.post(reverse("orgs:enterprise_create"), form_data(world, credit_code=world.ent_a2.credit_code))
    assert world.ent_a2.name in response.content.decode()


def test_node_outside_scope_is_rejected(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    response = client.post(reverse("orgs:enterprise_create"), form_data(world, node=world.town_b.pk))
    assert response.status_code == 200
    assert not Enterprise.objects.filter(name="东城新材料有限公司").exists()


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("principal_phone", "12345"),
        ("principal_phone", "1381234567"),  # ten digits
        ("principal_phone", "12812345678"),  # no mobile starts 12
        ("safety_officer_phone", "88886666"),  # a landline without its area code
        ("safety_officer_phone", "0571-0888666"),
    ],
)
def test_a_phone_number_that_is_not_one_is_explained_and_nothing_saved(
    client: Any, world: World, field: str, typed: str
) -> None:
    client.force_login(world.official_a)
    response = client.post(reverse("orgs:enterprise_create"), form_data(world, **{field: typed}))
    assert response.status_code == 200
    assert f"“{typed}”不是有效的电话号码" in response.content.decode()
    assert not Enterprise.objects.filter(name="东城新材料有限公司").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("(0571)88886666", "0571-88886666"),
        ("010-8888666", "010-8888666"),
        ("0571-88886666-8001", "0571-88886666-8001"),
        ("", ""),
    ],
)
def test_mobile_and_landline_numbers_are_kept_normalised(client: Any, world: World, typed: str, stored: str) -> None:
    client.force_login(world.official_a)
    client.post(reverse("orgs:enterprise_create"), form_data(world, safety_officer_phone=typed))
    assert Enterprise.objects.get(name="东城新材料有限公司").safety_officer_phone == stored


def test_missing_sector_has_a_chinese_message(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    data = form_data(world)
    data.pop("sectors")
    response = client.post(reverse("orgs:enterprise_create"), data)
    assert "请至少选择一个行业领域" in response.content.decode()


def test_edit_records_old_and_new_values(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    data = form_data(world, name=world.ent_a.name, credit_code=world.ent_a.credit_code, risk_level="major")
    response = client.post(reverse("orgs:enterprise_edit", args=[world.ent_a.pk]), data)
    assert response.status_code == 302
    world.ent_a.refresh_from_db()
    assert world.ent_a.risk_level == "major"
    event = AuditEvent.objects.get(action="orgs.enterprise.updated")
    assert event.data["changes"]["risk_level"] == ["low", "major"]


def test_list_search_filters_and_query_count(client: Any, world: World, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        EnterpriseFactory(name=f"东城五金{i}厂", node=world.town_a, sectors=[world.sector_build, world.sector_chem])
    client.force_login(world.official_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("orgs:enterprise_list"), {"q": "五金"})
    page = response.context["page"]
    assert page.paginator.count == 30
    response = client.get(reverse("orgs:enterprise_list"), {"q": world.ent_a.credit_code[:10].lower()})
    assert [e.pk for e in response.context["page"].object_list] == [world.ent_a.pk]


def test_list_query_count_does_not_grow_with_rows(client: Any, world: World, django_assert_num_queries: Any) -> None:
    client.force_login(world.official_a)
    client.get(reverse("orgs:enterprise_list"))  # warm caches (content types, sessions)
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("orgs:enterprise_list"))
    for i in range(40):
        EnterpriseFactory(name=f"东城{i}号企业", node=world.village_a, sectors=[world.sector_chem])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("orgs:enterprise_list"))
    assert len(many.captured_queries) == len(few.captured_queries), re.sub(r"\s+", " ", str(many.captured_queries))


def test_htmx_request_returns_only_the_results(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    response = client.get(reverse("orgs:enterprise_list"), {"risk_level": "low"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and world.ent_b.name in body


def test_leader_sees_but_cannot_edit(client: Any, world: World) -> None:
    client.force_login(world.leader_county)
    body = client.get(reverse("orgs:enterprise_detail", args=[world.ent_a.pk])).content.decode()
    assert world.ent_a.credit_code in body
    assert reverse("orgs:enterprise_edit", args=[world.ent_a.pk]) not in body
