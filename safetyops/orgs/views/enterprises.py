from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safetyops.core.audit import audit_events_for
from safetyops.orgs.forms import EnterpriseFilterForm, EnterpriseForm
from safetyops.orgs.scope import Right, get_enterprise_for_user, has_right, require_right
from safetyops.orgs.selectors import enterprise_search
from safetyops.orgs.services import enterprise_create, enterprise_update

PAGE_SIZE = 50


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    enterprises = enterprise_search(user=request.user, filters=filters).order_by("name", "pk")
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_add": has_right(request.user, Right.ENTERPRISE_ADD),
    }
    template = "orgs/_enterprise_results.html" if request.headers.get("HX-Request") else "orgs/enterprise_list.html"
    return render(request, template, context)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_user(request.user, pk)
    can_change = has_right(request.user, Right.ENTERPRISE_CHANGE)
    return render(
        request,
        "orgs/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "sectors": enterprise.sectors.all(),
            "can_change": can_change,
            "users": enterprise.memberships.select_related("user") if can_change else [],
            "history": audit_events_for(enterprise)[:20] if can_change else [],
        },
    )


@login_required
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    require_right(request.user, Right.ENTERPRISE_ADD)
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sectors = data.pop("sectors")
        enterprise = enterprise_create(actor=request.user, sectors=sectors, **data)
        messages.success(request, _("已登记企业“%(name)s”。") % {"name": enterprise.name})
        return redirect("orgs:enterprise_detail", pk=enterprise.pk)
    return render(request, "orgs/enterprise_form.html", {"form": form, "enterprise": None})


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_user(request.user, pk, right=Right.ENTERPRISE_CHANGE)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sectors = data.pop("sectors")
        enterprise_update(actor=request.user, enterprise=enterprise, sectors=sectors, **data)
        messages.success(request, _("已保存修改。"))
        return redirect("orgs:enterprise_detail", pk=enterprise.pk)
    return render(request, "orgs/enterprise_form.html", {"form": form, "enterprise": enterprise})
