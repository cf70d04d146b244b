"""`bin/run` serves like production: DEBUG off, a generated key of its own (var/secret_key, 0600),
Chinese 404/403 pages without Django's technical URL list, static files still served, links in
e-mails on HOST/PORT, e-mails as files in var/mail. Each check runs the settings in a subprocess
under the environment `bin/lib.sh`'s `local_run_env` builds, as bin/run does."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from tests.core.test_deploy import BASE_DIR, _clean_env

PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.core import mail
from django.core.mail import get_connection
from safetyops.settings import DEV_SECRET_KEY
client = Client(HTTP_HOST="127.0.0.1")
missing = client.get("/no-such-page/")
static = client.get("/static/css/app.css")
print(json.dumps({
    "debug": settings.DEBUG,
    "key_is_dev": settings.SECRET_KEY == DEV_SECRET_KEY,
    "key": settings.SECRET_KEY,
    "site_url": settings.SITE_URL,
    "email_backend": settings.EMAIL_BACKEND,
    "email_path": settings.EMAIL_FILE_PATH,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "status_404": missing.status_code,
    "page_404": missing.content.decode(),
    "static": static.status_code,
}))
"""


def probe(tmp_path: Path, **env: str) -> dict[str, object]:
    run_env = {**_clean_env(), "VAR_DIR": str(tmp_path / "var"), "PYTHON": "python3", **env}
    python = sys.executable
    script = (
        f'. bin/lib.sh && HOST="${{HOST:-127.0.0.1}}" PORT="${{PORT:-8000}}" && local_run_env'
        f' && exec "{python}" -c "$PROBE"'
    )
    out = subprocess.run(
        ["bash", "-c", script],
        cwd=BASE_DIR,
        env={**run_env, "PROBE": PROBE},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_bin_run_serves_like_production_with_a_key_of_its_own(tmp_path: Path) -> None:
    result = probe(tmp_path, HOST="127.0.0.1", PORT="8123")
    assert result["debug"] is False and result["key_is_dev"] is False and len(str(result["key"])) >= 50
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.read_text().strip() == result["key"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert result["ssl_redirect"] is False  # plain HTTP on the LAN
    # The same key the next time (sessions survive a restart).
    assert probe(tmp_path, HOST="127.0.0.1", PORT="8123")["key"] == result["key"]


def test_a_404_under_bin_run_is_the_chinese_page_without_the_url_list(tmp_path: Path) -> None:
    result = probe(tmp_path, HOST="127.0.0.1", PORT="8000")
    page = str(result["page_404"])
    assert result["status_404"] == 404
    assert "页面不存在" in page and "您访问的内容不存在" in page
    assert "URLconf" not in page and "accounts/login/" not in page and "DEBUG = True" not in page
    assert result["static"] == 200  # the stylesheet is still served (WhiteNoise)


def test_links_and_mail_follow_host_and_port(tmp_path: Path) -> None:
    result = probe(tmp_path, HOST="127.0.0.1", PORT="8123")
    assert result["site_url"] == "http://127.0.0.1:8123"
    assert result["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert result["email_path"] == str(tmp_path / "var" / "mail") and (tmp_path / "var" / "mail").is_dir()
    assert probe(tmp_path, HOST="127.0.0.1", PORT="8123", SITE_URL="https://x.example")["site_url"] == (
        "https://x.example"
    )


def test_a_developer_can_opt_into_debug(tmp_path: Path) -> None:
    assert probe(tmp_path, HOST="127.0.0.1", PORT="8000", DEBUG="1")["debug"] is True


def test_bin_run_uses_the_environment_it_tests() -> None:
    run = (BASE_DIR / "bin" / "run").read_text()
    assert "local_run_env" in run and "DEBUG=1" not in run.split("local_run_env", 1)[1].split("\n", 1)[0]
    assert "--max-tasks-per-child" in run and "--max-memory-per-child" in run
