"""Typed readers for environment variables that fail loudly on bad values."""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_STORAGE_SCHEMES = {"s3+http": "http", "s3+https": "https"}
STORAGE_URL_FORMAT = "s3+http(s)://ACCESS_KEY:SECRET@host[:port]/bucket[/prefix][?region=name]"
LOCAL_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
OBJECT_STORAGE_BACKEND = "safetyops.core.s3.ObjectStorage"


def storage_from_url(url: str, *, name: str = "STORAGE_URL") -> dict[str, Any]:
    """The STORAGES["default"] entry of a storage URL: empty is the local files under MEDIA_ROOT;
    `s3+http(s)://KEY:SECRET@host:port/bucket[/prefix][?region=…]` is an S3 bucket of private
    objects, read through the scoped views (never a public URL). The secret never appears in errors."""
    url = url.strip()
    if not url:
        return dict(LOCAL_STORAGE)

    def bad(problem: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{name}: {problem}. Expected {STORAGE_URL_FORMAT} (or empty for local files).")

    parts = urlsplit(url)
    protocol = _STORAGE_SCHEMES.get(parts.scheme.lower())
    if protocol is None:
        raise bad(f"unknown scheme {parts.scheme + '://' if parts.scheme else '(none)'}")
    if not parts.username or not parts.password:
        raise bad("the access key and the secret are missing (KEY:SECRET@ before the host)")
    if not parts.hostname:
        raise bad("the host is missing")
    try:
        port = parts.port
    except ValueError:
        raise bad("the port is not a number between 1 and 65535") from None
    bucket, _, prefix = parts.path.strip("/").partition("/")
    if not _BUCKET.match(bucket):
        raise bad(f"the bucket name {bucket!r} is not valid (3-63 lowercase letters, digits, '.' or '-')")
    if parts.fragment:
        raise bad("a #fragment has no meaning here")
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise bad("the query string is malformed") from None
    unknown = sorted(set(query) - {"region"})
    if unknown:
        raise bad(f"unknown parameter {', '.join(unknown)} (only region is known)")
    region = query.get("region", ["us-east-1"])[-1] or "us-east-1"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return {
        "BACKEND": OBJECT_STORAGE_BACKEND,
        "OPTIONS": {
            "endpoint_url": f"{protocol}://{host}" + (f":{port}" if port else ""),
            "access_key": unquote(parts.username),
            "secret_key": unquote(parts.password),
            "bucket_name": bucket,
            "location": prefix.strip("/"),
            "region_name": region,
            "signature_version": "s3v4",
            "addressing_style": "path",  # a bucket in the path: works with any endpoint, no wildcard DNS
            # Private objects: no ACL is sent (the bucket's private default holds); any URL is signed.
            "default_acl": None,
            "querystring_auth": True,
            # Random names never collide; should one ever do, a second file gets a new name.
            "file_overwrite": False,
            # A file opened for reading (an import) spools to disk above this size, not in memory.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


def envstorage(name: str) -> dict[str, Any]:
    return storage_from_url(os.environ.get(name, ""), name=name)
