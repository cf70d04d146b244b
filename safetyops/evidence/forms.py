"""The evidence field and its file input, for every app's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetyops.evidence.models import Attachment
from safetyops.evidence.uploads import UploadRejected, inspect_upload, max_upload_bytes

MAX_FILES_PER_FIELD = 12


class EvidenceInput(forms.ClearableFileInput):
    """<input type=file multiple> that tells evidence/js/uploads.js the largest file the server takes
    (data-max-bytes, read at render time), so that a file too large is refused before it is sent."""

    allow_multiple_selected = True

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-max-bytes"] = str(max_upload_bytes())
        return context


class EvidenceField(forms.FileField):
    """Several photos (or photos and PDFs), each recognised by its bytes, never by its name.

    `data-shrink` lets evidence/js/uploads.js shrink photos in the browser before they are sent.
    """

    def __init__(self, *, images_only: bool = False, min_count: int = 0, camera: bool = False, **kwargs: Any) -> None:
        attrs = {"accept": "image/*" if images_only else "image/*,application/pdf", "data-shrink": ""}
        if camera:
            attrs["capture"] = "environment"
        self.images_only = images_only
        self.min_count = min_count
        kwargs.setdefault("required", min_count > 0)
        kwargs.setdefault("widget", EvidenceInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) < self.min_count:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES_PER_FIELD:
            raise forms.ValidationError(_("一次最多上传 %(n)d 个文件。") % {"n": MAX_FILES_PER_FIELD})
        for upload in files:
            try:
                found = inspect_upload(upload)
            except UploadRejected as exc:
                raise forms.ValidationError(str(exc)) from None
            if self.images_only and found.kind != Attachment.Kind.IMAGE:
                raise forms.ValidationError(
                    _("“%(name)s”不是图片，这里只能上传照片（JPG、PNG、WebP）。") % {"name": upload.name}
                )
        return files
