"""Storing evidence files. Called inside the owning app's service transaction, after its checks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models

from safetyops.evidence.models import Attachment
from safetyops.evidence.uploads import inspect_upload, thumbnail_of
from safetyops.orgs.models import Enterprise, Node


def _anchor(enterprise: Enterprise | None, node: Node | None) -> dict[str, Any]:
    if (enterprise is None) == (node is None):
        raise ValueError("evidence is anchored at exactly one of an enterprise or a node")
    return {"enterprise": enterprise, "node": node}


def _refs(owner: models.Model, step: models.Model | None) -> dict[str, Any]:
    refs: dict[str, Any] = {"owner_type": ContentType.objects.get_for_model(owner), "owner_id": owner.pk}
    if step is not None:
        refs.update(step_type=ContentType.objects.get_for_model(step), step_id=step.pk)
    return refs


def attachment_create(
    *,
    actor: Any,
    upload: Any,
    owner: models.Model,
    role: str,
    enterprise: Enterprise | None = None,
    node: Node | None = None,
    step: models.Model | None = None,
) -> Attachment:
    """Check and store one file as evidence of `owner` (and of `step`), anchored at an enterprise or a node."""
    found = inspect_upload(upload)
    upload.seek(0)
    data = upload.read()
    attachment = Attachment(
        **_anchor(enterprise, node),
        **_refs(owner, step),
        kind=found.kind,
        role=role,
        original_name=(getattr(upload, "name", "") or "upload")[-200:],
        content_type=found.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(f"upload{found.extension}", ContentFile(data), save=False)
    if found.kind == Attachment.Kind.IMAGE:
        attachment.thumbnail.save("thumb.jpg", ContentFile(thumbnail_of(data)), save=False)
    attachment.save()
    return attachment


def attachments_share(
    files: Iterable[Attachment],
    *,
    owner: models.Model,
    role: str,
    step: models.Model | None = None,
    enterprise: Enterprise | None = None,
    node: Node | None = None,
) -> list[Attachment]:
    """New rows of `owner` pointing at the same stored files (nothing copied; the sources keep
    their rows). Only files of the same anchor are shared, so no file changes scope on the way."""
    anchor = _anchor(enterprise, node)
    refs = _refs(owner, step)
    rows = [
        Attachment(
            **anchor,
            **refs,
            kind=f.kind,
            role=role,
            file=f.file.name,
            thumbnail=f.thumbnail.name,
            original_name=f.original_name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            uploaded_by_id=f.uploaded_by_id,
        )
        for f in files
        if (f.enterprise_id, f.node_id) == (getattr(enterprise, "pk", None), getattr(node, "pk", None))
    ]
    return Attachment.objects.bulk_create(rows)
