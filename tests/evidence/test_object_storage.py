"""Evidence on a real S3 server (SeaweedFS, tests/storage.py): uploaded through the page, in the
bucket, its thumbnail made and served, streamed in scope, refused outside it, and the signed-URL
path (STORAGE_SIGNED_URL_SECONDS > 0) checked against the server itself."""

from __future__ import annotations

import hashlib
import io
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from safetyops.core.storage import CHUNK_BYTES
from safetyops.evidence.models import Attachment
from tests.conftest import World
from tests.inspections.conftest import jpeg
from tests.storage import Bucket, fetch

pytestmark = pytest.mark.s3


def download_url(attachment: Attachment) -> str:
    return reverse("evidence:attachment_download", args=[attachment.pk])


def thumbnail_url(attachment: Attachment) -> str:
    return reverse("evidence:attachment_thumbnail", args=[attachment.pk])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def uploaded(client: Any, world: World, object_storage: Bucket) -> tuple[Attachment, bytes]:
    """A photo of 东城化工 (town A) registered with a self-found hazard through the page."""
    photo = jpeg("现场照片.jpg", size=(1200, 800), colour="orange")
    original = photo.read()
    photo.seek(0)
    client.force_login(world.enterprise_a)
    response = client.post(
        reverse("inspections:hazard_create"),
        {
            "key": str(uuid.uuid4()),
            "level": "general",
            "category": "thing",
            "sector": world.sector_chem.pk,
            "location": "罐区",
            "description": "储罐区静电接地线断开",
            "photos": [photo],
        },
    )
    assert response.status_code == 302
    client.logout()
    return Attachment.objects.get(role="before"), original


def test_an_upload_through_the_page_lands_in_the_bucket_with_its_thumbnail(
    uploaded: tuple[Attachment, bytes], object_storage: Bucket, settings: Any
) -> None:
    attachment, original = uploaded
    assert object_storage.read(attachment.file.name) == original
    with Image.open(io.BytesIO(object_storage.read(attachment.thumbnail.name))) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 320  # made from the 1200 x 800 original
    assert sorted(object_storage.keys()) == sorted(
        object_storage.key(name) for name in (attachment.file.name, attachment.thumbnail.name)
    )
    assert not Path(settings.MEDIA_ROOT, "evidence").exists()  # nothing on the local disk


def test_scoped_download_streams_the_bytes_from_the_bucket(
    client: Any, world: World, uploaded: tuple[Attachment, bytes], object_storage: Bucket
) -> None:
    attachment, original = uploaded
    client.force_login(world.official_a)
    response = client.get(download_url(attachment))
    assert response.status_code == 200 and response.streaming
    assert body(response) == original
    assert response["Content-Length"] == str(len(original))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f"inline; filename=\"____.jpg\"; filename*=UTF-8''{quote('现场照片.jpg')}"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    thumb = client.get(thumbnail_url(attachment))
    assert thumb.status_code == 200 and body(thumb) == object_storage.read(attachment.thumbnail.name)


@pytest.mark.parametrize("role", ["official_b", "enterprise_b", "supervisor_a", "nobody"])
@pytest.mark.parametrize("signed", [0, 60])
def test_outside_the_scope_nothing_is_served_and_no_link_is_given(
    client: Any, world: World, uploaded: tuple[Attachment, bytes], settings: Any, role: str, signed: int
) -> None:
    settings.STORAGE_SIGNED_URL_SECONDS = signed
    attachment, _ = uploaded
    client.force_login(world.users()[role])
    for url in (download_url(attachment), thumbnail_url(attachment)):
        response = client.get(url)
        assert response.status_code == 404 and "Location" not in response
        assert b"X-Amz-Signature" not in response.content


def test_a_file_gone_from_the_bucket_is_not_found(
    client: Any, world: World, uploaded: tuple[Attachment, bytes], object_storage: Bucket
) -> None:
    attachment, _ = uploaded
    object_storage.client.delete_object(Bucket=object_storage.name, Key=object_storage.key(attachment.file.name))
    client.force_login(world.official_a)
    assert client.get(download_url(attachment)).status_code == 404


def test_a_large_file_is_streamed_in_chunks_not_read_into_memory(
    client: Any, world: World, uploaded: tuple[Attachment, bytes], object_storage: Bucket
) -> None:
    attachment, _ = uploaded
    large = b"%PDF-1.4\n" + bytes(range(256)) * (12 * 1024 * 1024 // 256)  # 12 MB, sent to S3 in parts
    name = default_storage.save("evidence/large.pdf", ContentFile(large))
    Attachment.objects.filter(pk=attachment.pk).update(file=name, content_type="application/pdf")
    client.force_login(world.official_a)
    digest, sizes = hashlib.sha256(), []
    tracemalloc.start()
    try:
        response = client.get(download_url(attachment))
        for chunk in response.streaming_content:
            sizes.append(len(chunk))
            digest.update(chunk)
            del chunk
        response.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response["Content-Length"] == str(len(large)) and response["Content-Disposition"].startswith("attachment;")
    assert digest.digest() == hashlib.sha256(large).digest()
    assert max(sizes) <= CHUNK_BYTES and len(sizes) >= len(large) // CHUNK_BYTES
    assert peak < 4 * 1024 * 1024, f"{peak} bytes held while streaming a {len(large)}-byte file"


# The signed-URL path ------------------------------------------------------------------------------


def test_with_signed_urls_the_view_redirects_to_a_link_the_server_honours(
    client: Any, world: World, uploaded: tuple[Attachment, bytes], object_storage: Bucket, settings: Any
) -> None:
    settings.STORAGE_SIGNED_URL_SECONDS = 60
    attachment, original = uploaded
    client.force_login(world.enterprise_a)
    response = client.get(download_url(attachment))
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    link = response["Location"]
    assert link.startswith(f"{object_storage.endpoint}/{object_storage.name}/{object_storage.key('')}")
    query = parse_qs(urlsplit(link).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    status, headers, data = fetch(link)
    assert status == 200 and data == original
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Content-Disposition"] == (
        f"inline; filename=\"____.jpg\"; filename*=UTF-8''{quote('现场照片.jpg')}"
    )
    thumb = client.get(thumbnail_url(attachment))
    assert thumb.status_code == 302
    status, headers, data = fetch(thumb["Location"])
    assert status == 200 and data == object_storage.read(attachment.thumbnail.name)


def test_an_unsigned_or_tampered_link_is_refused_by_the_server(
    client: Any, world: World, uploaded: tuple[Attachment, bytes], object_storage: Bucket, settings: Any
) -> None:
    settings.STORAGE_SIGNED_URL_SECONDS = 60
    attachment, _ = uploaded
    client.force_login(world.official_a)
    link = urlsplit(client.get(download_url(attachment))["Location"])
    thumb_key = object_storage.key(attachment.thumbnail.name)
    unsigned = urlunsplit(link._replace(query=""))
    signature = parse_qs(link.query)["X-Amz-Signature"][0]
    forged = link.query.replace(signature, ("0" if signature[0] != "0" else "1") + signature[1:])
    other_object = urlunsplit(link._replace(path=f"/{object_storage.name}/{thumb_key}"))
    longer = link.query.replace("X-Amz-Expires=60", "X-Amz-Expires=3600")
    for url in (
        unsigned,
        urlunsplit(link._replace(query=forged)),
        other_object,
        urlunsplit(link._replace(query=longer)),
    ):
        status, _, data = fetch(url)
        assert status == 403, (url, data[:200])


def test_a_signed_link_expires(
    client: Any, world: World, uploaded: tuple[Attachment, bytes], object_storage: Bucket, settings: Any
) -> None:
    settings.STORAGE_SIGNED_URL_SECONDS = 1
    attachment, _ = uploaded
    client.force_login(world.official_a)
    link = client.get(download_url(attachment))["Location"]
    time.sleep(2.5)
    status, _, _ = fetch(link)
    assert status == 403
