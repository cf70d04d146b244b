"""A briefing PDF on a real S3 server (tests/storage.py): rendered by the worker's service into the
bucket, downloaded through the scoped view (streamed, or a signed link), replaced on publishing."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote, unquote

import pytest
from django.test import Client
from django.urls import reverse

from safetyops.briefings import services
from safetyops.briefings.models import Briefing
from tests.briefings.conftest import MARCH, on_commit_runs
from tests.conftest import World
from tests.storage import Bucket, fetch

pytestmark = pytest.mark.s3
NAME = "东城镇安全生产工作简报-2026年3月-草稿.pdf"


@pytest.fixture
def draft(world: World, object_storage: Bucket) -> Briefing:
    # Rendered today, not at a travelled time: the server refuses requests signed 15 minutes off its clock.
    with on_commit_runs():
        briefing = services.briefing_request(actor=world.official_a, node=world.town_a, start=MARCH[0], end=MARCH[1])
    briefing.refresh_from_db()
    return briefing


def download(client: Client, user: Any, briefing: Briefing) -> Any:
    client.force_login(user)
    return client.get(reverse("briefings:briefing_download", kwargs={"pk": briefing.pk}))


def test_the_rendered_pdf_is_stored_in_the_bucket_with_its_checksum(draft: Briefing, object_storage: Bucket) -> None:
    stored = object_storage.read(draft.file.name)
    assert stored.startswith(b"%PDF-") and len(stored) == draft.file_size
    assert hashlib.sha256(stored).hexdigest() == draft.checksum
    assert object_storage.keys() == [object_storage.key(draft.file.name)]


@pytest.mark.parametrize(("role", "status"), [("official_a", 200), ("official_b", 404), ("supervisor_a", 403)])
def test_the_download_streams_it_within_the_scope_and_the_right(
    client: Client, world: World, draft: Briefing, object_storage: Bucket, role: str, status: int
) -> None:
    response = download(client, world.users()[role], draft)
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == object_storage.read(draft.file.name)
        assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
        assert unquote(response["Content-Disposition"].split("''", 1)[1]) == NAME


@pytest.mark.parametrize(("role", "status"), [("official_b", 404), ("supervisor_a", 403)])
def test_with_signed_urls_no_link_is_given_outside_the_scope_or_without_the_right(
    client: Client, world: World, draft: Briefing, settings: Any, role: str, status: int
) -> None:
    settings.STORAGE_SIGNED_URL_SECONDS = 30
    response = download(client, world.users()[role], draft)
    assert response.status_code == status and "Location" not in response


def test_a_signed_link_names_the_download_and_gives_the_same_bytes(
    client: Client, world: World, draft: Briefing, object_storage: Bucket, settings: Any
) -> None:
    settings.STORAGE_SIGNED_URL_SECONDS = 30
    response = download(client, world.leader_county, draft)
    assert response.status_code == 302
    status, headers, data = fetch(response["Location"])
    assert status == 200 and data == object_storage.read(draft.file.name)
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(NAME)}"
    assert headers["Cache-Control"] == "private, no-store"


def test_publishing_replaces_the_draft_in_the_bucket(world: World, draft: Briefing, object_storage: Bucket) -> None:
    old = draft.file.name
    with on_commit_runs():
        published = services.briefing_publish(actor=world.official_a, briefing_id=draft.pk)
    assert published.file.name != old
    assert object_storage.keys() == [object_storage.key(published.file.name)]  # the draft's PDF deleted
    assert hashlib.sha256(object_storage.read(published.file.name)).hexdigest() == published.checksum
