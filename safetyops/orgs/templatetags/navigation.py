"""`{% main_nav %}`: the main menu of base.html, rendered once per key and kept in the process
(and `{% layout_static %}`, the layout's asset URLs, kept the same way).

The menu is some twenty links with their {% url %} and {% translate %}, about a millisecond of
rendering that every page paid. Its HTML depends only on the key below (the page's URL name and
namespace, what the user's scope is made of, the rights of their role, the language and the script
prefix), never on the user's own data (name, unread count: those stay in base.html), so a kept copy
is the same as a fresh one and needs no invalidation: a membership change gives another key on the
next request. Kept per process in a bounded LRU; not kept under DEBUG, so template edits show.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from safetyops.orgs.scope import scope_for

register = template.Library()

NavKey = tuple[str, str, str, str, bool, bool, bool, frozenset[str]]


def nav_key(request: Any) -> NavKey:
    scope = scope_for(request.user)
    match = getattr(request, "resolver_match", None)
    return (
        get_script_prefix(),
        get_language() or "",
        (match.url_name if match else None) or "",
        (match.namespace if match else None) or "",
        scope.enterprise_id is not None,
        scope.empty,
        scope.sector_ids is None,
        frozenset(str(right) for right in scope.rights),
    )


def render_nav(key: NavKey) -> SafeString:
    _prefix, _language, name, namespace, enterprise, empty, all_sectors, rights = key
    context = {
        "name": name,
        "namespace": namespace,
        "enterprise": enterprise,
        "empty": empty,
        "all_sectors": all_sectors,
        "rights": rights,
    }
    return mark_safe(get_template("_nav.html").render(context))  # noqa: S308 - a template's output


kept_nav = lru_cache(maxsize=4096)(render_nav)


@register.simple_tag(takes_context=True)
def main_nav(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    if request is None:
        return SafeString("")
    key = nav_key(request)
    return render_nav(key) if settings.DEBUG else kept_nav(key)


@lru_cache(maxsize=256)
def _kept_static(path: str) -> str:
    return staticfiles_storage.url(path)


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    """A test's override_settings (storages, languages, URLs) must not meet a kept copy."""
    kept_nav.cache_clear()
    _kept_static.cache_clear()


@register.simple_tag
def layout_static(path: str) -> str:
    """{% static %} for the layout's own assets, each URL looked up once per process (the manifest
    storage's lookup and urljoin cost ~14 µs a link, nine links a page); fresh under DEBUG."""
    return staticfiles_storage.url(path) if settings.DEBUG else _kept_static(path)
