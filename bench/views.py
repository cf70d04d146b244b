from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bench.models import CeilingRow


def ceiling(request: HttpRequest) -> HttpResponse:
    """The best this stack can do: one query, a 50-row table, the same server and settings."""
    return render(request, "bench/ceiling.html", {"rows": CeilingRow.objects.order_by("pk")[:50]})


@login_required
def layout(request: HttpRequest) -> HttpResponse:
    """The ceiling's table inside base.html, logged in: what every page pays before its own work
    (session, user, scope, navigation, inbox count, middleware, the layout)."""
    return render(request, "bench/layout.html", {"rows": CeilingRow.objects.order_by("pk")[:50]})
