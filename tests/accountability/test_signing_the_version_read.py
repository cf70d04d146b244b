"""A principal signs (and an official countersigns) only the version they read: revised between
the page and the post, the signing is refused under the row's lock and nothing is signed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountability import services
from accountability.errors import LetterError
from accountability.models import Letter
from safetyops.evidence import signing
from safetyops.evidence.models import Attachment, Signature
from tests.accountability.factories import COUNTY_ITEMS, issued_letter
from tests.conftest import World
from tests.inspections.conftest import pdf


def _revise(world: World, letter: Letter) -> None:
    items = [dict(item) for item in COUNTY_ITEMS]
    items[0]["value"] = 3
    services.letter_revise(actor=world.county_admin, letter=letter, reason="县里调整指标", items=items)


def test_signing_a_version_revised_since_is_refused(world: World) -> None:
    letter = issued_letter(world)
    _revise(world, letter)
    name = signing.name_of(world.leader_a)
    with pytest.raises(LetterError, match="已修订"):
        services.letter_sign(actor=world.leader_a, letter=letter, typed_name=name, confirmed=True, version=1)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and not Signature.objects.exists()
    services.letter_sign(actor=world.leader_a, letter=letter, typed_name=name, confirmed=True, version=2)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SIGNED and letter.signature.owner_id == letter.current_version_id


def test_the_sign_page_read_before_a_revision_signs_nothing(client: Any, world: World) -> None:
    letter = issued_letter(world)
    client.force_login(world.leader_a)
    url = reverse("accountability:letter_sign", args=[letter.pk])
    assert client.get(url).status_code == 200  # the principal reads version 1
    _revise(world, letter)
    data = {"typed_name": signing.name_of(world.leader_a), "confirmed": "on", "version": 1, "key": "k-v1"}
    response = client.post(url, data)
    assert response.status_code == 400 and "已修订" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and not Signature.objects.exists()


def test_countersigning_a_version_revised_since_is_refused(client: Any, world: World) -> None:
    letter = issued_letter(world)
    client.force_login(world.county_admin)
    url = reverse("accountability:letter_countersign", args=[letter.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()
    _revise(world, letter)
    response = client.post(url, {"scan": pdf("签字件.pdf"), "signed_name": "王堃", "version": 1})
    assert response.status_code == 400 and "已修订" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and not Signature.objects.exists()
    assert not Attachment.objects.exists()  # the scan went with the refused transaction
    with pytest.raises(LetterError, match="已修订"):
        services.letter_countersign(
            actor=world.county_admin, letter=letter, scan=pdf("签字件.pdf"), signed_name="王堃", version=1
        )
    response = client.post(url, {"scan": pdf("签字件.pdf"), "signed_name": "王堃", "version": 2})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SIGNED and letter.signature.owner_id == letter.current_version_id
