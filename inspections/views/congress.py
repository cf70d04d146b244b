"""双报告: the enterprise records that a 重大 hazard was also reported to its workers' congress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from inspections import congress
from inspections.forms.duties import CongressReportForm
from inspections.rights import InspectionRight
from inspections.scope import get_hazard_for_user
from safetyops.core.errors import NotPermitted, ServiceError
from safetyops.orgs.scope import scope_for


@login_required
def hazard_congress_report(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk, right=InspectionRight.HAZARD_RESPOND)
    if scope_for(request.user).enterprise_id != hazard.enterprise_id:
        raise PermissionDenied
    bound = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = CongressReportForm(*bound)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            congress.hazard_report_to_congress(
                actor=request.user,
                hazard_id=hazard.pk,
                body=data["body"],
                reported_on=data["reported_on"],
                note=data["note"],
                evidence=data["evidence"],
            )
        except NotPermitted:
            raise PermissionDenied from None
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已记录向职工大会（职工代表大会）报告的情况。"))
            return redirect("inspections:hazard_detail", pk=hazard.pk)
    reason = congress.congress_refusal(request.user, hazard)
    context = {
        "hazard": hazard,
        "form": form,
        "title": _("向职工大会报告（双报告）"),
        "submit": _("保存报告记录"),
        "available": not reason,
        "reason": reason,
    }
    return render(request, "inspections/hazard_step.html", context, status=400 if request.method == "POST" else 200)
