"""The client's address behind the reverse proxy (docker-compose's Caddy, a city's load balancer).

Behind a proxy REMOTE_ADDR is the proxy's, so the login throttle (axes: 20 failures from one
address) would lock the whole city out at once and the audit log would record the proxy. With
FORWARDED_FOR_PROXIES = N > 0 (installed only then), REMOTE_ADDR becomes the N-th address from the
right of X-Forwarded-For: the one the outermost trusted proxy saw. Addresses further left were
written by the client and are never trusted. N must match the number of proxies in front of
gunicorn, and gunicorn must be reachable only through them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def forwarded_client(header: str, proxies: int) -> str | None:
    """The address `proxies` hops from the right of an X-Forwarded-For value, or None if absent or invalid."""
    hops = [part.strip() for part in header.split(",") if part.strip()]
    if proxies <= 0 or len(hops) < proxies:
        return None
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class ForwardedForMiddleware:
    """Sets REMOTE_ADDR from X-Forwarded-For as written by FORWARDED_FOR_PROXIES trusted proxies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxies = settings.FORWARDED_FOR_PROXIES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""), self.proxies)
        if client:
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
