"""{% pk_link "app:view" as link %} once before a table, then {{ link|at:row.pk }} in each row."""

from __future__ import annotations

from typing import Any

from django import template

from safetyops.core.links import PkLink

register = template.Library()


@register.simple_tag
def pk_link(viewname: str, kwarg: str = "pk") -> PkLink:
    return PkLink.of(viewname, kwarg)


@register.filter
def at(link: PkLink, pk: Any) -> str:
    return link.at(pk)
