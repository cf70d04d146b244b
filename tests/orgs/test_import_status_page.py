"""The import's page says where the import is; no "正在校验和导入" flash follows the user onto the
page of an import that is already finished."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from safetyops.orgs.models import EnterpriseImport
from tests.conftest import World
from tests.orgs.test_import import code, latest_import, make_csv, row, upload

pytestmark = pytest.mark.django_db


def test_a_finished_import_is_not_shown_as_still_running(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.official_a)
    response = upload(
        client, django_capture_on_commit_callbacks, make_csv([row("闪存公司", code(71), "东城镇", "冷库")]), "企业.csv"
    )
    assert latest_import().status == EnterpriseImport.Status.DONE
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page or "新增" in page
    assert "正在校验" not in page and "请稍候" not in page
