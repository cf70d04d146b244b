"""Deployment checks: the compose file, Django's --deploy checks, fail-fast settings, security headers.

Every Django run happens in a subprocess with a production environment (DEBUG=0), because the
settings module reads the environment once at import and the test process runs with DEBUG on.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}  # same rule as tests/conftest.py
BASE_DIR = Path(__file__).resolve().parents[2]
PROD_HOST = "safety.example.gov.cn"
# Variables the settings read that must not leak from the developer's / CI's shell into a subprocess.
_SETTINGS_VARS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "STORAGE_URL",
    "STORAGE_SIGNED_URL_SECONDS",
    "VAR_DIR",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_BROKER_DIR",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for Playwright; never in production
)


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SETTINGS_VARS}
    env["DJANGO_SETTINGS_MODULE"] = "safetyops.settings"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _prod_env(tmp: Path, **overrides: str | None) -> dict[str, str]:
    """A production environment; an override of None removes that variable."""
    env = _clean_env()
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(45)[:60],
        ALLOWED_HOSTS=PROD_HOST,
        DATABASE_URL=f"sqlite:///{tmp / 'deploy.sqlite3'}",
        VAR_DIR=str(tmp / "var"),
        MEDIA_ROOT=str(tmp / "var" / "media"),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(env: dict[str, str], *args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# ---------------------------------------------------------------- docker-compose


def _compose_binary() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        if IN_CI:
            pytest.fail("CI must not skip: docker-compose is not installed (apt-get install docker-compose)")
        pytest.skip("docker-compose is not installed")
    return binary


# Variables of docker-compose.yml that must not leak from the shell into these checks.
_COMPOSE_VARS = (
    "WEB_REPLICAS",
    "WORKER_REPLICAS",
    "S3_ACCESS_KEY",
    "S3_SECRET_KEY",
    "S3_BUCKET",
    "DATABASE_REPLICA_URL",
)


def _compose(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_") and k not in _COMPOSE_VARS}
    env["SECRET_KEY"] = "x" * 60
    env.update(variables)
    return subprocess.run(
        [_compose_binary(), "--project-directory", str(BASE_DIR), "-f", str(BASE_DIR / "docker-compose.yml"), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _service_blocks(config: str) -> dict[str, str]:
    """Split `docker-compose config` YAML output into {service: its indented block} (no PyYAML here)."""
    blocks: dict[str, list[str]] = {}
    in_services = False
    current: str | None = None
    for line in config.splitlines():
        if not line.startswith(" "):
            in_services = line.rstrip() == "services:"
            current = None
            continue
        if in_services:
            match = re.fullmatch(r"  ([A-Za-z0-9_.-]+):\s*", line)
            if match:
                current = match.group(1)
                blocks[current] = []
            elif current:
                blocks[current].append(line)
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def test_compose_file_validates() -> None:
    result = _compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_requires_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    binary = _compose_binary()
    if (BASE_DIR / ".env").exists():
        pytest.skip("a local .env may define SECRET_KEY")
    result = subprocess.run(
        [binary, "-f", str(BASE_DIR / "docker-compose.yml"), "config", "-q"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "set SECRET_KEY in .env" in result.stderr


def test_compose_services_and_queues() -> None:
    services = _compose("config", "--services")
    assert services.returncode == 0, services.stderr
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services.stdout.split())

    config = _compose("config")
    assert config.returncode == 0, config.stderr
    blocks = _service_blocks(config.stdout)
    worker = blocks["worker"]
    queues = re.search(r"-Q\s*\n?\s*-?\s*'?([a-z,]+)", worker)
    assert queues, worker
    assert {"default", "mail", "reports"} <= set(queues.group(1).split(","))
    assert "beat" in blocks["beat"] and "/data/var/" in blocks["beat"]
    assert "entrypoint-web.sh" in blocks["web"]
    for name in ("web", "worker", "beat"):
        assert "DEBUG: '0'" in blocks[name]
        assert "REDIS_URL: redis://redis:6379/0" in blocks[name]
        assert "DATABASE_URL: postgres://" in blocks[name]
        assert "condition: service_healthy" in blocks[name]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "restart: unless-stopped" in blocks[name], name


def test_compose_replicas_behind_one_proxy() -> None:
    services = _compose("config", "--services")
    assert services.returncode == 0, services.stderr
    assert {"proxy", "seaweedfs", "storage-init", "migrate"} <= set(services.stdout.split())
    config = _compose("config")
    assert config.returncode == 0, config.stderr
    blocks = _service_blocks(config.stdout)

    # One proxy in front: the only service with published ports; web only exposes 8000 to it.
    published = {name for name, block in blocks.items() if re.search(r"^    ports:", block, re.M)}
    assert published == {"proxy"}, published
    assert "image: caddy:2" in blocks["proxy"] and "/etc/caddy/Caddyfile" in blocks["proxy"]
    assert "condition: service_healthy" in blocks["proxy"]
    caddyfile = (BASE_DIR / "docker" / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"reverse_proxy \{\s*#[^\n]*\n\s*dynamic a \{\s*name web\s*port 8000", caddyfile), caddyfile
    # Django takes the scheme from X-Forwarded-Proto and the client's address from X-Forwarded-For.
    for name in ("web", "worker", "beat"):
        assert "FORWARDED_FOR_PROXIES: '1'" in blocks[name]
    assert "FORWARDED_ALLOW_IPS: '*'" in blocks["web"]

    # Replica counts from variables; beat exactly once whatever they say.
    assert "replicas: 2" in blocks["web"] and "replicas: 2" in blocks["worker"]
    scaled = _service_blocks(_compose("config", WEB_REPLICAS="6", WORKER_REPLICAS="4").stdout)
    assert "replicas: 6" in scaled["web"] and "replicas: 4" in scaled["worker"]
    assert "replicas: 1" in scaled["beat"] and "max_replicas_per_node: 1" in scaled["beat"]
    assert "beat" not in scaled["worker"].split("command:")[1].split("depends_on:")[0]

    # Shared object storage on every app container, the bucket made once, migrations once.
    for name in ("web", "worker", "beat", "migrate"):
        assert "STORAGE_URL: s3+http://safetyops:safetyops-s3-change-me@seaweedfs:8333/safetyops" in blocks[name]
        assert "STORAGE_SIGNED_URL_SECONDS: '0'" in blocks[name]
        assert "DATABASE_REPLICA_URL: ''" in blocks[name]
    custom = _service_blocks(
        _compose("config", S3_ACCESS_KEY="city", S3_SECRET_KEY="s3cr3t", S3_BUCKET="evidence").stdout
    )
    assert "STORAGE_URL: s3+http://city:s3cr3t@seaweedfs:8333/evidence" in custom["web"]
    assert "S3_SECRET_KEY: s3cr3t" in custom["seaweedfs"] and "S3_BUCKET: evidence" in custom["storage-init"]
    assert "chrislusf/seaweedfs" in blocks["seaweedfs"] and "seaweedfs-server.sh" in blocks["seaweedfs"]
    assert "seaweedfs-bucket.sh" in blocks["storage-init"]
    assert "manage.py" in blocks["migrate"] and "migrate" in blocks["migrate"]
    for name in ("storage-init", "migrate"):
        assert re.search(r"restart: ['\"]no['\"]", blocks[name]), blocks[name]
    for name in ("web", "worker", "beat"):
        for dependency in ("migrate", "storage-init"):
            assert re.search(rf"{dependency}:\n\s+condition: service_completed_successfully", blocks[name]), name
    assert "MIGRATE_ON_START: '0'" in blocks["web"]
    for name in ("proxy", "postgres", "redis", "seaweedfs", "web", "worker"):
        assert "healthcheck:" in blocks[name], name


@pytest.mark.parametrize(
    ("site", "tls"),
    [("localhost", "internal"), ("safety.example.gov.cn", "/certs/cert.pem /certs/key.pem")],
    ids=["internal-ca", "own-certificate"],
)
def test_caddyfile_is_valid(site: str, tls: str) -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        if IN_CI:
            pytest.fail("CI must not skip: caddy is not installed (apt-get install caddy)")
        pytest.skip("caddy is not installed")
    env = {**os.environ, "SITE_ADDRESS": site, "CADDY_TLS": tls, "MAX_UPLOAD_SIZE": "250MB"}
    result = subprocess.run(
        [caddy, "adapt", "--config", str(BASE_DIR / "docker" / "Caddyfile"), "--adapter", "caddyfile"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    server = next(iter(config["apps"]["http"]["servers"].values()))
    assert server["listen"] == [":443"]
    text = json.dumps(config)
    assert '"dynamic_upstreams": {"name": "web", "port": "8000"' in text and '"source": "a"' in text
    assert f'"{site}"' in text
    if tls != "internal":
        assert config["apps"]["tls"]["certificates"]["load_files"][0]["certificate"] == "/certs/cert.pem"


def test_env_example_documents_every_setting() -> None:
    settings_src = (BASE_DIR / "safetyops" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"env(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", settings_src))
    names |= set(re.findall(r"os\.environ\.get\(\"([A-Z0-9_]+)\"", settings_src))
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.M))
    assert names, "no environment variables found in settings.py"
    assert names <= documented, f"undocumented in .env.example: {sorted(names - documented)}"


# ------------------------------------------------------------ Django --deploy


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    result = _manage(_prod_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-insecure-secret-key-do-not-use-in-production"}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short-0123456789"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
    ],
    ids=["no-secret", "dev-secret", "short-secret", "no-hosts", "empty-hosts", "no-database-url"],
)
def test_production_refuses_unsafe_config(tmp_path: Path, overrides: dict[str, str | None], message: str) -> None:
    result = _manage(_prod_env(tmp_path, **overrides), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Production needs {message}" in result.stderr


# ---------------------------------------------------------------- security headers

_HEADERS_SNIPPET = """
import json
from django.test import Client
client = Client(SERVER_NAME={host!r}, HTTP_HOST={host!r})
secure = client.get("/accounts/login/", secure=True)
plain = client.get("/accounts/login/", secure=False)
print("HEADERS=" + json.dumps({{
    "secure_status": secure.status_code,
    "secure": dict(secure.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "cookies": {{k: bool(v["secure"]) for k, v in secure.cookies.items()}},
}}))
"""


@pytest.fixture(scope="module")
def prod_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """collectstatic under production settings, as the Dockerfile does (manifest + compression)."""
    tmp = tmp_path_factory.mktemp("prod")
    env = _prod_env(tmp, STATIC_ROOT=str(tmp / "static"))
    result = _manage(env, "collectstatic", "--noinput", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp / "static" / "staticfiles.json").exists()
    yield tmp, env


@pytest.mark.slow
def test_collectstatic_in_production_mode(prod_static: tuple[Path, dict[str, str]]) -> None:
    tmp, _ = prod_static
    manifest = json.loads((tmp / "static" / "staticfiles.json").read_text())
    assert manifest["paths"], "empty staticfiles manifest"


@pytest.mark.slow
def test_production_security_headers(prod_static: tuple[Path, dict[str, str]]) -> None:
    _, env = prod_static
    result = _manage(env, "shell", "-c", _HEADERS_SNIPPET.format(host=PROD_HOST))
    assert result.returncode == 0, result.stdout + result.stderr
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("HEADERS=")), None)
    assert line, result.stdout + result.stderr
    data = json.loads(line.removeprefix("HEADERS="))
    headers = {k.lower(): v for k, v in data["secure"].items()}

    assert data["secure_status"] == 200, data
    hsts = headers.get("strict-transport-security", "")
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts, headers
    assert headers.get("x-frame-options") == "DENY"
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "same-origin"
    csp = headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, headers
    assert headers.get("cross-origin-opener-policy") == "same-origin"
    for name, is_secure in data["cookies"].items():
        assert is_secure, f"cookie {name} lacks Secure"

    # Plain HTTP is redirected to HTTPS (TLS terminates at the proxy: X-Forwarded-Proto).
    assert data["plain_status"] == 301, data
    assert data["plain_location"] == f"https://{PROD_HOST}/accounts/login/"
