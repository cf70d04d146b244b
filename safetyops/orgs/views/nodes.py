from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safetyops.orgs.models import Membership
from safetyops.orgs.scope import Right, get_node_for_user, has_right, nodes_visible_to, require_right
from safetyops.orgs.selectors import enterprise_stats, node_tree


@login_required
def node_list(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.NODE_VIEW)
    return render(request, "orgs/node_list.html", {"tree": node_tree(user=request.user)})


@login_required
def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, right=Right.NODE_VIEW)
    visible_ancestors = nodes_visible_to(request.user).filter(pk__in=node.ancestors().values("pk"))
    staff = []
    if has_right(request.user, Right.ENTERPRISE_CHANGE):
        staff = list(Membership.objects.filter(node=node).select_related("user").order_by("role", "user__username"))
    return render(
        request,
        "orgs/node_detail.html",
        {
            "node": node,
            "ancestors": visible_ancestors.order_by("path"),
            "stats": enterprise_stats(user=request.user, node=node),
            "staff": staff,
        },
    )
