"""部门: the 行业监管部门 a user works with, of their own area and the areas above and below it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safetyops.orgs.scope import Right, departments_visible_to, require_right


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.NODE_VIEW)
    departments = (
        departments_visible_to(request.user)
        .select_related("node")
        .prefetch_related("sectors")
        .order_by("node__path", "sort_order", "name", "pk")
    )
    return render(request, "orgs/department_list.html", {"departments": departments})
