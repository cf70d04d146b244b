"""A draft never issued (a duplicate, a mistake) can be deleted by its issuer, with its draft
copies, after a confirmation page; an issued template cannot; the audit trail keeps it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountability import services
from accountability.errors import LetterError, NotPermitted
from accountability.models import Letter, LetterTemplate
from safetyops.core.models import AuditEvent
from tests.accountability.factories import county_template, issued_letter
from tests.conftest import World


def test_the_issuer_discards_a_draft_and_its_copies(client: Any, world: World) -> None:
    template = county_template(world)
    services.template_address(actor=world.county_admin, template=template, units=[world.town_a, world.town_b])
    client.force_login(world.county_admin)
    detail = client.get(reverse("accountability:template_detail", args=[template.pk])).content.decode()
    url = reverse("accountability:template_discard", args=[template.pk])
    assert url in detail
    page = client.get(url).content.decode()
    assert "确认删除" in page and "2 个签订单位" in page
    assert LetterTemplate.objects.filter(pk=template.pk).exists()  # the page alone changes nothing
    assert client.post(url).status_code == 302
    assert not LetterTemplate.objects.filter(pk=template.pk).exists() and not Letter.objects.exists()
    event = AuditEvent.objects.get(action="accountability.template.discarded")
    assert event.target_id == str(template.pk) and event.data["letters"] == 2


def test_an_issued_template_is_not_discarded(client: Any, world: World) -> None:
    letter = issued_letter(world)
    with pytest.raises(LetterError, match="不能删除"):
        services.template_discard(actor=world.county_admin, template=letter.template)
    client.force_login(world.county_admin)
    url = reverse("accountability:template_discard", args=[letter.template_id])
    assert url not in client.get(reverse("accountability:template_detail", args=[letter.template_id])).content.decode()
    page = client.get(url).content.decode()
    assert "不能删除" in page and "确认删除" not in page
    client.post(url)
    assert LetterTemplate.objects.filter(pk=letter.template_id).exists()


def test_only_the_issuer_discards(world: World) -> None:
    template = county_template(world)
    with pytest.raises(NotPermitted):
        services.template_discard(actor=world.official_a, template=template)
    assert LetterTemplate.objects.filter(pk=template.pk).exists()
