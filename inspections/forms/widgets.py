"""The file input of every evidence field."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.uploads import max_upload_bytes


class EvidenceInput(forms.ClearableFileInput):
    """<input type=file multiple> that tells static/js/uploads.js the largest file the server takes
    (data-max-bytes, read at render time), so that a file too large is refused before it is sent."""

    allow_multiple_selected = True

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-max-bytes"] = str(max_upload_bytes())
        return context
