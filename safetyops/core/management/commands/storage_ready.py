"""Wait until the file storage answers and prove it works: an S3 bucket (STORAGE_URL) is created
when missing with --create-bucket, then a probe file is written, read back and deleted.
For a container's start (before the web server takes requests) and for CI's S3 server."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Wait for the file storage (local files or the S3 bucket of STORAGE_URL) and check it works."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wait", type=int, default=0, help="seconds to wait for the storage to answer")
        parser.add_argument("--create-bucket", action="store_true", help="create the S3 bucket if it is missing")

    def handle(self, *args: Any, wait: int, create_bucket: bool, **options: Any) -> None:
        storage = storages["default"]
        deadline = time.monotonic() + wait
        while True:
            try:
                self._check(storage, create_bucket=create_bucket)
            except Exception as exc:  # an endpoint still starting answers in many ways
                if time.monotonic() >= deadline:
                    raise CommandError(f"file storage not ready: {exc}") from exc
                time.sleep(0.5)
            else:
                break
        where = getattr(storage, "bucket_name", None) or getattr(storage, "location", "")
        self.stdout.write(f"file storage ready: {type(storage).__name__} {where}")

    def _check(self, storage: Storage, *, create_bucket: bool) -> None:
        bucket = getattr(storage, "bucket_name", None)
        if bucket:
            from botocore.exceptions import ClientError

            client = storage.connection.meta.client
            try:
                client.head_bucket(Bucket=bucket)
            except ClientError as exc:
                if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404 or not create_bucket:
                    raise
                client.create_bucket(Bucket=bucket)
        payload = secrets.token_bytes(32)
        name = storage.save(f"probe/{secrets.token_hex(8)}.bin", ContentFile(payload))
        try:
            with storage.open(name, "rb") as handle:
                if handle.read() != payload:
                    raise CommandError("a file written to the storage read back different")
        finally:
            storage.delete(name)
