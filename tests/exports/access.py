"""Access-matrix cases of the export jobs: a job is its requester's alone (everyone else: 404, as
for an object outside the scope), downloaded while the requester still holds the export right."""

from __future__ import annotations

from typing import Any

from tests.access import Case


def export_job_for(user: Any, *, status: str = "done", content: bytes = b"PK\x03\x04 workbook") -> Any:
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from inspections.ledger_export import HAZARD_LEDGER
    from safetyops.exports.models import ExportJob
    from safetyops.exports.services import scope_snapshot
    from safetyops.orgs.scope import scope_for

    job = ExportJob(
        kind=HAZARD_LEDGER,
        params={},
        params_key="x" * 64,
        scope=scope_snapshot(scope_for(user)),
        requested_by=user,
        status=status,
        rows_total=5000,
        rows_done=5000 if status == "done" else 0,
        filename="隐患台账-20260301.xlsx",
        expires_at=timezone.now() + timedelta(days=1),
    )
    if status == "done":
        job.file.save("export.xlsx", ContentFile(content), save=False)
        job.file_size = len(content)
    job.save()
    return job


SEES = {"export_of_official_a": {"official_a"}}

CASES: dict[str, list[Case]] = {
    name: [
        Case(
            kwargs=lambda w: {"pk": export_job_for(w.official_a).pk}, obj="export_of_official_a", allowed={"official_a"}
        )
    ]
    for name in ("exports:job_detail", "exports:job_download")
}
