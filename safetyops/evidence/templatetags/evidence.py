"""{% load evidence %}{% evidence_max_bytes %}: the upload limit for a hand-written file input."""

from __future__ import annotations

from django import template

from safetyops.evidence.uploads import max_upload_bytes

register = template.Library()


@register.simple_tag
def evidence_max_bytes() -> int:
    return max_upload_bytes()
