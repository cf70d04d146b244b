"""The enterprise directory's rows, drawn by Jinja2 as the ledger's are (safetyops/core/jinja.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from safetyops.core.links import PkLink
from safetyops.orgs.models import Enterprise

register = template.Library()


@register.simple_tag
def enterprise_rows(enterprises: Iterable[Enterprise]) -> SafeString:
    """{% enterprise_rows page.object_list %}: the directory's <tr>s
    (templates/jinja2/orgs/_enterprise_rows.html). Labels are translated here, once per page."""
    rows = engines["jinja2"].get_template("orgs/_enterprise_rows.html")
    context = {
        "enterprises": enterprises,
        "enterprise_link": PkLink.of("orgs:enterprise_detail"),
        "major_source": gettext("重大危险源"),
        "statuses": {value: str(label) for value, label in Enterprise.Status.choices},
        "risks": {value: str(label) for value, label in Enterprise.RiskLevel.choices},
    }
    return mark_safe(rows.render(context))  # noqa: S308 - autoescaped by Jinja2
