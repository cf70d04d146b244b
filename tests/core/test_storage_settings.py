"""STORAGE_URL and STORAGE_SIGNED_URL_SECONDS: parsed into the default storage, or refused at
startup with a message that says what is wrong (and never shows the secret)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from safetyops.env import storage_from_url
from tests.core.test_deploy import BASE_DIR, _clean_env


def test_empty_means_local_files() -> None:
    assert storage_from_url("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storage_from_url("  ") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_an_s3_url_gives_private_signed_never_overwritten_objects() -> None:
    entry = storage_from_url("s3+https://AKID:se%2Fcr%2Bet@s3.example.gov.cn:9000/safety-files/city/a?region=cn-east-1")
    assert entry["BACKEND"] == "safetyops.core.s3.ObjectStorage"
    options = entry["OPTIONS"]
    assert options["endpoint_url"] == "https://s3.example.gov.cn:9000"
    assert (options["access_key"], options["secret_key"]) == ("AKID", "se/cr+et")  # percent-decoded
    where = (options["bucket_name"], options["location"], options["region_name"])
    assert where == ("safety-files", "city/a", "cn-east-1")
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_plain_http_without_port_or_region() -> None:
    options = storage_from_url("s3+http://k:s@seaweedfs/files")["OPTIONS"]
    assert options["endpoint_url"] == "http://seaweedfs"
    assert (options["location"], options["region_name"]) == ("", "us-east-1")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://k:s@host/bucket", "unknown scheme https://"),
        ("s3://k:s@host/bucket", "unknown scheme s3://"),
        ("host/bucket", "unknown scheme (none)"),
        ("s3+http://host:9000/bucket", "the access key and the secret are missing"),
        ("s3+http://k@host:9000/bucket", "the access key and the secret are missing"),
        ("s3+http://k:s@:9000/bucket", "the host is missing"),
        ("s3+http://k:s@host:99999/bucket", "the port is not a number"),
        ("s3+http://k:s@host:port/bucket", "the port is not a number"),
        ("s3+http://k:s@host:9000", "the bucket name '' is not valid"),
        ("s3+http://k:s@host:9000/Big_Bucket", "the bucket name 'Big_Bucket' is not valid"),
        ("s3+http://k:s@host:9000/bucket?acl=public-read", "unknown parameter acl"),
        ("s3+http://k:s@host:9000/bucket?region", "the query string is malformed"),
    ],
)
def test_a_bad_url_is_refused_saying_why(url: str, problem: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        storage_from_url(url)
    message = str(refused.value)
    assert message.startswith("STORAGE_URL: ") and problem in message
    assert "s3+http(s)://ACCESS_KEY:SECRET@host[:port]/bucket" in message  # the expected format
    assert ":s@" not in message  # the secret is not echoed


def _check(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    full = {**_clean_env(), "VAR_DIR": str(tmp_path), "MEDIA_ROOT": str(tmp_path / "media"), **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=full, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_URL": "s3+http://key:topsecret@host:9000/Bad_Bucket"}, "STORAGE_URL: the bucket name 'Bad_Bucket'"),
        ({"STORAGE_SIGNED_URL_SECONDS": "-5"}, "STORAGE_SIGNED_URL_SECONDS must be between 0"),
        ({"STORAGE_SIGNED_URL_SECONDS": "700000"}, "STORAGE_SIGNED_URL_SECONDS must be between 0"),
        ({"STORAGE_SIGNED_URL_SECONDS": "soon"}, "STORAGE_SIGNED_URL_SECONDS must be an integer"),
    ],
)
def test_the_process_refuses_to_start_on_a_bad_storage_setting(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = _check(env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
    assert "topsecret" not in result.stderr


def test_a_good_s3_url_starts_without_contacting_the_server(tmp_path: Path) -> None:
    """Settings only describe the store; nothing is fetched at startup (a store down is not a crash loop)."""
    result = _check({"STORAGE_URL": "s3+http://key:secret@127.0.0.1:9/safetyops"}, tmp_path)
    assert result.returncode == 0, result.stderr
