"""The S3 backend of STORAGE_URL (safetyops/env.py builds its options): private objects, read as a
stream or through a link signed for a few seconds. Imported only when STORAGE_URL selects it (boto3
costs a third of a second to import)."""

from __future__ import annotations

from typing import IO, cast

from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class ObjectStorage(S3Storage):  # type: ignore[misc]  # django-storages has no type hints
    """S3Storage that can hand out an object as a stream rather than a file downloaded whole."""

    def open_stream(self, name: str) -> tuple[IO[bytes], int]:
        """The object's body, read as it arrives (a socket, not a copy), and its length."""
        from botocore.exceptions import ClientError

        key = self._normalize_name(clean_name(name))
        try:
            answer = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(name) from None
            raise
        return cast(IO[bytes], answer["Body"]), int(answer["ContentLength"])

    def signed_url(self, name: str, *, seconds: int, content_type: str, disposition: str, cache: str) -> str:
        """A GET link to the object valid `seconds`; the bucket answers with these headers."""
        parameters = {
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
            "ResponseCacheControl": cache,
        }
        return cast(str, self.url(name, parameters=parameters, expire=seconds))
