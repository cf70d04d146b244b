from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bench.models import CeilingRow


def ceiling(request: HttpRequest) -> HttpResponse:
    """The best this stack can do: one query, a 50-row table, the same server and settings."""
    return render(request, "bench/ceiling.html", {"rows": CeilingRow.objects.order_by("pk")[:50]})
