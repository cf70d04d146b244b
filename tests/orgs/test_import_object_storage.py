"""The enterprise import with its file on a real S3 server (tests/storage.py): stored by the upload
page, read back by the job from the bucket; a file gone from the bucket fails the job clearly."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from safetyops.orgs.importing import enterprise_import_run
from safetyops.orgs.models import Enterprise, EnterpriseImport
from tests.conftest import World
from tests.orgs.test_import import code, latest_import, make_csv, make_job, make_xlsx, row, upload
from tests.storage import Bucket

pytestmark = pytest.mark.s3


def test_an_uploaded_spreadsheet_is_kept_in_the_bucket_and_imported_from_it(
    client: Client, world: World, object_storage: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    content = make_xlsx([row("东城精细化工有限公司", code(101), "330001001", "危险化学品")])
    client.force_login(world.official_a)
    response = upload(client, django_capture_on_commit_callbacks, content, "企业名单.xlsx")
    job = latest_import()
    assert response.status_code == 302
    assert job.status == EnterpriseImport.Status.DONE, job.errors
    assert object_storage.read(job.file.name) == content
    assert Enterprise.objects.get(credit_code=code(101)).node == world.town_a


def test_a_file_gone_from_the_bucket_fails_the_job_with_a_message(world: World, object_storage: Bucket) -> None:
    job = make_job(world.official_a, make_csv([row("东城建材有限公司", code(102), "330001001", "建筑施工")]))
    object_storage.client.delete_object(Bucket=object_storage.name, Key=object_storage.key(job.file.name))
    enterprise_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == EnterpriseImport.Status.FAILED
    assert "上传的文件已丢失" in job.errors[0]["message"]
    assert not Enterprise.objects.filter(credit_code=code(102)).exists()
