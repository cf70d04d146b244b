"""The Django admin speaks Chinese in its JavaScript too: every string its widgets' scripts pass to
gettext has a Chinese entry in the catalog the admin loads (/admin/jsi18n/), and the admin pages
load the vendored CJK font."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import django.contrib.admin
import pytest
from django.urls import reverse

from tests.conftest import World

ADMIN_JS = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "js"
# gettext('…') / gettext("…") in the admin's own scripts (not the vendored libraries).
GETTEXT = re.compile(r"(?<![\w.])gettext\(\s*(['\"])((?:\\.|(?!\1).)*)\1\s*\)")


def admin_js_msgids() -> set[str]:
    ids = set()
    for path in ADMIN_JS.rglob("*.js"):
        if "vendor" in path.parts or ".min." in path.name:
            continue
        for match in GETTEXT.finditer(path.read_text(encoding="utf-8")):
            ids.add(match.group(2).replace("\\'", "'").replace('\\"', '"'))
    return ids


def catalog(client: Any) -> dict[str, Any]:
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    body = response.content.decode()
    match = re.search(r"const newcatalog = (\{.*?\});\n", body, re.S)
    assert match, body[:500]
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_every_admin_script_string_is_chinese(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    entries = catalog(client)
    ids = admin_js_msgids()
    assert {"Choose all %s", "Remove all %s", "Filter", "Today"} <= ids  # the scan found the widgets
    missing = sorted(i for i in ids if not entries.get(i))
    assert not missing, f"English left in the admin's widgets: {missing}"
    assert entries["Choose all %s"] == "选择全部%s"
    assert entries["Remove all %s"] == "移除全部%s"


@pytest.mark.django_db
def test_the_catalog_follows_the_site_language_without_a_language_cookie(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    entries = catalog(client)
    assert entries["Today"] == "今天"  # Django's own zh_Hans entries still come through


@pytest.mark.django_db
def test_admin_pages_load_the_vendored_font(client: Any, world: World) -> None:
    client.force_login(world.county_admin)
    for url in (reverse("admin:index"), reverse("admin:orgs_user_change", args=[world.official_a.pk])):
        html = client.get(url).content.decode()
        assert "vendor/fonts/fonts.css" in html and "css/admin.css" in html, url
    client.logout()
    html = client.get(reverse("admin:login")).content.decode()
    assert "vendor/fonts/fonts.css" in html
