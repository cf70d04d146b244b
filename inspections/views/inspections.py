"""Inspections: the list, starting one, the checklist filled item by item on a phone, a failed item
registered as a hazard, submitting, signing (谁检查谁签字) and addenda once the record is locked.

Outside the scope is 404; in scope but not one of this inspection's inspectors is 403 for every write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inspections import services
from inspections.forms.inspections import (
    AddendumForm,
    AnswerForm,
    InspectionCreateForm,
    InspectionFilterForm,
    ItemHazardForm,
    SignForm,
    SubmitForm,
)
from inspections.lifecycle import INSPECTION_STEPS, fix_on_spot_problem
from inspections.models import ChecklistItem, ChecklistResult, Hazard, Inspection
from inspections.rights import InspectionRight
from inspections.scope import get_inspection_for_user
from inspections.selectors import (
    Checklist,
    ItemRow,
    checklist_item_for,
    enterprise_picker_results,
    inspection_checklist,
    inspection_list_for,
    inspection_signatures,
)
from safetyops.core.errors import NotPermitted, ServiceError
from safetyops.core.steps import Offered
from safetyops.evidence import signing
from safetyops.orgs.models import Enterprise
from safetyops.orgs.scope import enterprises_visible_to, has_right, require_right

PAGE_SIZE = 30


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _inspection_for_inspector(user: Any, pk: int, step: str) -> Inspection:
    """The inspection if in scope (else 404) and the user may take `step` on it at all, being one of
    its inspectors (else 403); whether the record's state allows it now is the service's answer."""
    inspection = get_inspection_for_user(user, pk)
    if INSPECTION_STEPS.forbids(step, inspection, user) is not None:
        raise PermissionDenied
    return inspection


def _item_anchor(pk: int, item_id: int) -> str:
    return f"{reverse('inspections:inspection_detail', args=[pk])}#item-{item_id}"


# List and start --------------------------------------------------------------------------------


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    form = InspectionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(inspection_list_for(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "can_inspect": has_right(request.user, InspectionRight.INSPECT),
    }
    return render(request, "inspections/inspection_list.html", context)


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    require_right(request.user, InspectionRight.INSPECT)
    # 安排检查 from a campaign's list of targets not yet inspected: ?enterprise=…&campaign=…
    initial = {k: request.GET[k] for k in ("enterprise", "campaign") if request.GET.get(k, "").isdigit()}
    form = InspectionCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_create(
                actor=request.user,
                enterprise_id=data["enterprise"].pk,
                kind=data["kind"],
                inspectors=list(data["co_inspectors"]),
                campaign_id=data["campaign"].pk if data["campaign"] else None,
                inspected_at=data["inspected_at"],
                backdate_reason=data.get("backdate_reason") or "",
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("已开始检查“%(name)s”，请逐项填写检查表。") % {"name": inspection.enterprise.name}
            )
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    text = request.GET.get("q", "").strip()
    chosen = form["enterprise"].value() if form.is_bound else request.GET.get("enterprise")
    shown = enterprise_picker_results(user=request.user, text=text)
    selected = _enterprise_in_scope(request.user, chosen)
    if selected is not None:
        shown = [selected, *(e for e in shown if e.pk != selected.pk)]
    context = {"form": form, "q": text, "enterprises": shown, "selected_id": selected.pk if selected else None}
    return render(request, "inspections/inspection_create.html", context)


def _enterprise_in_scope(user: Any, pk: Any) -> Enterprise | None:
    try:
        return enterprises_visible_to(user).select_related("node").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


@login_required
def enterprise_picker(request: HttpRequest) -> HttpResponse:
    """The htmx partial of the create page: enterprises in scope matching the typed name or code."""
    require_right(request.user, InspectionRight.INSPECT)
    text = request.GET.get("q", "").strip()
    context = {"enterprises": enterprise_picker_results(user=request.user, text=text), "q": text}
    return render(request, "inspections/_inspection_enterprise_options.html", context)


# The record ------------------------------------------------------------------------------------


def _record_context(request: HttpRequest, inspection: Inspection) -> dict[str, Any]:
    signatures = inspection_signatures(inspection=inspection)
    is_inspector = has_right(request.user, InspectionRight.INSPECT) and any(
        s.inspector_id == request.user.pk for s in signatures
    )
    mine = next((s for s in signatures if s.inspector_id == request.user.pk), None)
    steps = Offered(INSPECTION_STEPS.steps_for(inspection, request.user)) if is_inspector else Offered({})
    return {
        "inspection": inspection,
        "checklist": inspection_checklist(inspection=inspection),
        "signatures": signatures,
        "signed_count": sum(1 for s in signatures if s.signed_at),
        "is_inspector": is_inspector,
        "steps": steps,
        "can_answer": steps["record_result"] if is_inspector else False,
        "my_signature": mine if is_inspector else None,
        "addenda": inspection.addenda.select_related("author").all() if inspection.locked else [],
    }


def _render_record(request: HttpRequest, inspection: Inspection, **forms: Any) -> HttpResponse:
    """The record page; a step's page shows it too, with that step's form (and its errors) in place."""
    context = _record_context(request, inspection)
    context.update(submit_form=SubmitForm(), sign_form=SignForm(), addendum_form=AddendumForm())
    context.update(forms)
    return render(request, "inspections/inspection_detail.html", context)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_record(request, get_inspection_for_user(request.user, pk))


def _row(inspection: Inspection, item: ChecklistItem, checklist: Checklist | None = None) -> ItemRow:
    """One item of the checklist with its answer, photos and hazard."""
    checklist = checklist or inspection_checklist(inspection=inspection, item_ids=[item.pk])
    return checklist.groups[0].rows[0] if checklist.groups else ItemRow(item=item)


@login_required
def inspection_answer(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """One checklist item: POSTed by the three buttons of its card (htmx swaps the card back)."""
    inspection = _inspection_for_inspector(request.user, pk, "record_result")
    item = checklist_item_for(inspection=inspection, item_id=item_id)
    if item is None:
        raise Http404
    form = AnswerForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_record_result(
                actor=request.user,
                inspection_id=inspection.pk,
                item_id=item.pk,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
                photos=form.cleaned_data["photos"],
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        except ServiceError as exc:
            error = exc.message
        else:
            if not _is_htmx(request):
                messages.success(request, _("已保存第 %(order)s 项的检查结果。") % {"order": item.order})
                return redirect(_item_anchor(inspection.pk, item.pk))
            form = AnswerForm()
    inspection.refresh_from_db(fields=["status"])
    checklist = inspection_checklist(inspection=inspection, item_ids=[item.pk])
    context = {
        "inspection": inspection,
        "row": _row(inspection, item, checklist),
        "progress": checklist.progress,
        "form": form if form.is_bound else None,
        "error": error,
        "can_answer": INSPECTION_STEPS.allows("record_result", inspection, request.user),
        "is_inspector": True,
        "oob": _is_htmx(request),
    }
    template = "inspections/_inspection_item.html" if _is_htmx(request) else "inspections/inspection_answer.html"
    return render(request, template, context)


@login_required
def inspection_item_hazard(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """登记为隐患: a failed item becomes a hazard in one step, prefilled from the item."""
    inspection = _inspection_for_inspector(request.user, pk, "register_hazard")
    item = checklist_item_for(inspection=inspection, item_id=item_id)
    if item is None:
        raise Http404
    row = _row(inspection, item)
    context: dict[str, Any] = {"inspection": inspection, "row": row, "form": None}
    failed = row.result is not None and row.result.result == ChecklistResult.Result.FAIL
    if not failed or (row.hazard is not None and request.method != "POST"):
        return render(request, "inspections/inspection_item_hazard.html", context)
    # A 一般 hazard found here may be closed on the spot while the inspection is open or on its day.
    spot = fix_on_spot_problem(
        request.user, level=Hazard.Level.GENERAL, source=Hazard.Source.INSPECTION, inspection=inspection
    )
    form = ItemHazardForm(
        request.POST or None,
        request.FILES or None,
        item=item,
        result=row.result,
        enterprise=inspection.enterprise,
        fix_on_spot_unavailable=spot.message if spot else "",
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hazard = services.hazard_from_failed_item(
                actor=request.user,
                inspection_id=inspection.pk,
                item_id=item.pk,
                data=services.HazardInput(
                    level=data["level"],
                    category=data["category"],
                    description=data["description"],
                    deadline=data["deadline"],
                    location=data["location"],
                    sector_id=data["sector"].pk if data["sector"] else None,
                ),
                photos=data["photos"],
                fixed_on_spot=bool(data.get("fixed_on_spot")),
                after_photos=data.get("after_photos") or [],
                key=data["key"],
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if hazard.fixed_on_spot:
                text = _("已登记隐患 %(number)s，并已当场整改销号。")
            else:
                text = _("已登记隐患 %(number)s，企业须按期报送整改方案。")
            messages.success(request, text % {"number": hazard.number})
            return redirect(_item_anchor(inspection.pk, item.pk))
    context["form"] = form
    return render(request, "inspections/inspection_item_hazard.html", context)


@login_required
def inspection_submit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_for_inspector(request.user, pk, "submit")
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_submit_for_signing(
                actor=request.user,
                inspection_id=inspection.pk,
                findings=form.cleaned_data["findings"],
                conclusion=form.cleaned_data["conclusion"],
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("检查记录已提交，请每位检查人员核对后签字。"))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return _render_record(request, inspection, submit_form=form)


@login_required
def inspection_sign(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_for_inspector(request.user, pk, "sign")
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_sign(
                actor=request.user,
                inspection_id=inspection.pk,
                typed_name=form.cleaned_data["typed_name"],
                confirmed=form.cleaned_data["confirmed"],
                **signing.client_of(request),
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        except ServiceError as exc:
            form.add_error("typed_name", exc.message)
        else:
            if inspection.locked:
                messages.success(request, _("您已签字。全部检查人员均已签字，检查记录已归档，不能再修改。"))
            else:
                messages.success(request, _("您已签字，等待其他检查人员签字。"))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return _render_record(request, inspection, sign_form=form)


@login_required
def inspection_addendum(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_for_inspector(request.user, pk, "addendum")
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_add_addendum(
                actor=request.user, inspection_id=inspection.pk, text=form.cleaned_data["text"]
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        except ServiceError as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(request, _("已添加补充说明。"))
            return redirect(f"{reverse('inspections:inspection_detail', args=[inspection.pk])}#addenda")
    return _render_record(request, inspection, addendum_form=form)
