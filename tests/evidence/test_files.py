"""Evidence files are served only through the scope: 404 outside it, for every kind of user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Hazard
from safetyops.evidence.models import Attachment
from tests.conftest import World
from tests.inspections.conftest import jpeg, pdf

MakeHazard = Callable[..., Hazard]


@pytest.fixture
def photo(hazard_factory: MakeHazard) -> Attachment:
    """The before-photo of a hazard of 东城化工 (town A, 危险化学品)."""
    return Attachment.objects.get(hazard=hazard_factory())


@pytest.fixture
def document(world: World, hazard_factory: MakeHazard) -> Attachment:
    hazard = hazard_factory(status="rectifying")
    services.hazard_report_completion(
        actor=world.enterprise_a,
        hazard_id=hazard.pk,
        description="已整改",
        money_spent=0,
        after_photos=[jpeg("整改后照片.jpg")],
        documents=[pdf("检测报告.pdf")],
    )
    return Attachment.objects.get(hazard=hazard, role="document")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_download_in_scope_streams_the_file_with_safe_headers(client: Any, world: World, photo: Attachment) -> None:
    client.force_login(world.official_a)
    response = client.get(reverse("evidence:attachment_download", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    with photo.file.open("rb") as stored:
        assert body(response) == stored.read()
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''photo.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_pdf_is_downloaded_never_shown_inline_and_keeps_its_chinese_name(
    client: Any, world: World, document: Attachment
) -> None:
    client.force_login(world.enterprise_a)
    response = client.get(reverse("evidence:attachment_download", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert body(response).startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    # Inline, the browser's PDF viewer would run the document's scripts under our address.
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('检测报告.pdf')}" in disposition
    assert disposition.encode("latin-1")  # the header itself stays ASCII
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_any_other_stored_type_is_downloaded_too(client: Any, world: World, document: Attachment) -> None:
    Attachment.objects.filter(pk=document.pk).update(content_type="text/html")
    client.force_login(world.official_a)
    response = client.get(reverse("evidence:attachment_download", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "text/html" and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("official_a", 200),
        ("enterprise_a", 200),
        ("county_admin", 200),
        ("leader_a", 200),
        ("leader_county", 200),
        ("enterprise_b", 404),
        ("official_b", 404),
        ("supervisor_a", 404),  # town A, but 建筑施工 only
        ("nobody", 404),
    ],
)
def test_download_and_thumbnail_follow_the_scope(
    client: Any, world: World, photo: Attachment, role: str, code: int
) -> None:
    client.force_login(world.users()[role])
    assert client.get(reverse("evidence:attachment_download", args=[photo.pk])).status_code == code
    response = client.get(reverse("evidence:attachment_thumbnail", args=[photo.pk]))
    assert response.status_code == code
    if code == 200:
        assert response["Content-Type"] == "image/jpeg"
        with photo.thumbnail.open("rb") as stored:
            assert body(response) == stored.read()


@pytest.mark.parametrize("name", ["evidence:attachment_download", "evidence:attachment_thumbnail"])
def test_anonymous_is_sent_to_login(client: Any, photo: Attachment, name: str) -> None:
    response = client.get(reverse(name, args=[photo.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_pdf_has_no_thumbnail(client: Any, world: World, document: Attachment) -> None:
    client.force_login(world.official_a)
    assert client.get(reverse("evidence:attachment_thumbnail", args=[document.pk])).status_code == 404


def test_unknown_file_is_not_found(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    assert client.get(reverse("evidence:attachment_download", args=[999999])).status_code == 404


def test_files_are_read_only(client: Any, world: World, photo: Attachment) -> None:
    client.force_login(world.official_a)
    assert client.post(reverse("evidence:attachment_download", args=[photo.pk])).status_code == 405


def test_media_is_not_served_directly(client: Any, world: World, photo: Attachment, settings: Any) -> None:
    client.force_login(world.official_a)
    assert client.get(settings.MEDIA_URL + photo.file.name).status_code == 404


def test_local_files_are_streamed_even_when_signed_urls_are_asked_for(
    client: Any, world: World, hazard_factory: MakeHazard, settings: Any
) -> None:
    """A link cannot be signed for a file on the local disk: the view streams it, as without S3."""
    settings.STORAGE_SIGNED_URL_SECONDS = 60
    attachment = Attachment.objects.get(hazard=hazard_factory())
    client.force_login(world.official_a)
    response = client.get(reverse("evidence:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    with attachment.file.open("rb") as stored:
        assert body(response) == stored.read()
