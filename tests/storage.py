"""The real S3 server of the object-storage tests (SeaweedFS, started by .ci/run through
bin/lib.sh's start_test_s3; by hand: `. bin/lib.sh; start_test_s3 18333 $(mktemp -d)`).

TEST_STORAGE_URL names it, in STORAGE_URL's format. Without it the tests marked `s3` skip on a
developer's machine and fail in CI; with it, a server that does not answer is a failure.
Each test writes under a prefix of its own and removes it afterwards.
"""

from __future__ import annotations

import os
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from safetyops.env import storage_from_url

TEST_STORAGE_URL = os.environ.get("TEST_STORAGE_URL", "")
MISSING = (
    "needs an S3 server: set TEST_STORAGE_URL=s3+http://KEY:SECRET@127.0.0.1:PORT/bucket "
    "(`. bin/lib.sh; start_test_s3 18333 $(mktemp -d)` starts one and sets it)"
)


@dataclass
class Bucket:
    """The test's view of the bucket, straight through boto3 (not through the code under test)."""

    client: Any
    name: str
    prefix: str
    endpoint: str

    def key(self, stored_name: str) -> str:
        return f"{self.prefix}/{stored_name}"

    def read(self, stored_name: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=self.key(stored_name))["Body"].read())

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=f"{self.prefix}/")
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET `url` from the S3 server itself, as a browser following the redirect would."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - the test server's http URL
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read()


def object_storage_fixture(settings: Any) -> Iterator[Bucket]:
    """Point the default storage (every FileField's) at the real S3 server, under a fresh prefix."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    entry = storage_from_url(TEST_STORAGE_URL, name="TEST_STORAGE_URL")
    options = entry["OPTIONS"]
    prefix = "/".join(part for part in (options["location"], f"test-{secrets.token_hex(6)}") if part)
    options["location"] = prefix
    client = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name=options["region_name"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
    )
    bucket = Bucket(client=client, name=options["bucket_name"], prefix=prefix, endpoint=options["endpoint_url"])
    try:
        client.head_bucket(Bucket=bucket.name)
    except ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
            pytest.fail(f"the S3 server of TEST_STORAGE_URL refuses us: {exc}")
        client.create_bucket(Bucket=bucket.name)
    except BotoCoreError as exc:
        pytest.fail(f"the S3 server of TEST_STORAGE_URL does not answer: {exc}")
    settings.STORAGES = {**settings.STORAGES, "default": entry}
    settings.STORAGE_SIGNED_URL_SECONDS = 0
    yield bucket
    for key in bucket.keys():
        client.delete_object(Bucket=bucket.name, Key=key)
