"""A campaign's files on a real S3 server (tests/storage.py): its plan document (node-anchored
evidence) and its published summary PDF, stored in the bucket and served only within the scope."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.planning import campaign_plan_attach
from tests.campaigns.factories import county_campaign, published_summary
from tests.conftest import World
from tests.inspections.conftest import pdf
from tests.storage import Bucket, fetch

pytestmark = pytest.mark.s3


@pytest.mark.parametrize("signed", [0, 30])
def test_the_plan_document_is_served_from_the_bucket_to_the_office_only(
    client: Client, world: World, object_storage: Bucket, settings: Any, signed: int
) -> None:
    settings.STORAGE_SIGNED_URL_SECONDS = signed
    campaign = county_campaign(world)
    campaign_plan_attach(actor=world.county_admin, campaign=campaign, files=[pdf("实施方案.pdf")])
    attachment = campaign.attachments.get()
    stored = object_storage.read(attachment.file.name)
    url = reverse("campaigns:campaign_file", args=[campaign.pk, attachment.pk])
    client.force_login(world.official_b)  # a township below the county: sees the campaign
    response = client.get(url)
    if signed:
        assert response.status_code == 302
        status, headers, data = fetch(response["Location"])
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        assert headers["Content-Disposition"].startswith("attachment;")
    else:
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
    assert data == stored and data.startswith(b"%PDF-")
    client.force_login(world.enterprise_a)
    refused = client.get(url)
    assert refused.status_code == 404 and "Location" not in refused


def test_the_published_summary_pdf_is_rendered_into_the_bucket_and_downloaded(
    client: Client, world: World, object_storage: Bucket
) -> None:
    summary = published_summary(world)
    stored = object_storage.read(summary.file.name)
    assert stored.startswith(b"%PDF-") and object_storage.key(summary.file.name) in object_storage.keys()
    client.force_login(world.leader_county)
    response = client.get(reverse("campaigns:summary_pdf", args=[summary.campaign_id]))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).digest() == hashlib.sha256(stored).digest()
