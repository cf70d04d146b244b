"""The pages of 目标责任书 and 安全承诺书 a node issues: the 责任落实 home, a new template (from the
year's standard text or from the letter received from above), the template and its copies,
editing, choosing the addressees and issuing; and the signing-rate page.

Outside the scope is 404 (accountability.scope); in scope without the issuer's role is 403
(TEMPLATE_STEPS.forbids); the services say in Chinese why a step cannot be taken now.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import coverage, markup, selectors, services
from accountability import items as letter_items
from accountability.defaults import default_fields
from accountability.errors import LetterError, NotPermitted
from accountability.forms import AddressFilterForm, IssueForm, TemplateForm
from accountability.lifecycle import TEMPLATE_STEPS
from accountability.models import Letter, LetterTemplate
from accountability.rights import AccountabilityRight
from accountability.scope import (
    get_letter_for_user,
    get_template_for_user,
    is_issuer,
    letters_visible_to,
)
from campaigns.selectors import campaigns_for_pledges, campaigns_none
from safetyops.core.params import parse_ids, parse_int
from safetyops.core.steps import Offered
from safetyops.orgs.models import Enterprise, Node, Sector, User
from safetyops.orgs.scope import has_right, nodes_visible_to, path_and_above, scope_for
from safetyops.orgs.units import ORGANISING_ROLES

Kind = LetterTemplate.Kind
Status = Letter.Status
PAGE_SIZE = 30
ENTERPRISE_PAGE = 50


def actor_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def _year(request: HttpRequest) -> int:
    return parse_int(request.GET.get("year"), 2000, 2100) or timezone.localdate().year


def _kind(text: str) -> str:
    return text if text in Kind.values else Kind.RESPONSIBILITY


# The 责任落实 home ------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    if scope.empty:
        raise PermissionDenied
    year = _year(request)
    to_sign = selectors.to_sign(user)
    context: dict[str, Any] = {
        "year": year,
        "years": range(timezone.localdate().year + 1, 2019, -1),
        "to_sign": to_sign,
        "today": timezone.localdate(),
    }
    if scope.enterprise_id is not None:
        context["mine"] = selectors.enterprise_overview(user, year, to_sign)
        return render(request, "accountability/overview_enterprise.html", context)
    context.update(selectors.office_overview(user, year))
    context["can_issue"] = has_right(user, AccountabilityRight.ISSUE) and scope.role in ORGANISING_ROLES
    return render(request, "accountability/overview.html", context)


# New template, editing -----------------------------------------------------------------------------


def _issuer_node(user: Any) -> Node:
    scope = scope_for(user)
    if scope.node_id is None or scope.role not in ORGANISING_ROLES or not has_right(user, AccountabilityRight.ISSUE):
        raise PermissionDenied
    return Node.objects.get(pk=scope.node_id)


def _campaigns(user: Any, kind: str) -> Any:
    return campaigns_for_pledges(user=user) if kind == Kind.PLEDGE else campaigns_none()


@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    node = _issuer_node(request.user)
    source: Letter | None = None
    source_text = request.GET.get("source") or request.POST.get("source") or ""
    if source_text:
        source = get_letter_for_user(request.user, source_text)
        if source.node_id != node.pk:
            raise PermissionDenied
    kind = source.template.kind if source else _kind(request.GET.get("kind") or request.POST.get("kind") or "")
    year = source.template.year if source else _year(request)
    if source is not None:
        initial = {
            "title": _("%(node)s%(year)s年度安全生产目标责任书") % {"node": node.name, "year": year},
            "body": source.template.body,
            "assessment_method": source.template.assessment_method,
            "items": source.items,
        }
    else:
        initial = default_fields(kind, year=year, node_name=node.name)
    campaigns = _campaigns(request.user, kind)
    campaign_id = parse_int(request.GET.get("campaign"), 1)
    campaign = campaigns.filter(pk=campaign_id).first() if campaign_id is not None else None
    form = TemplateForm(
        request.POST or None,
        kind=kind,
        campaigns=campaigns,
        items=initial["items"],
        initial={**initial, "year": year, "sign_within_days": 7, "campaign": campaign},
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(
                actor=actor_of(request),
                kind=kind,
                year=form.cleaned_data["year"],
                source_letter=source,
                key=form.cleaned_data["key"] or None,
                **form.service_fields(),
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        except LetterError as exc:
            form.add_error(None, exc.message)
        else:
            if template is None:  # a repeat of a form whose draft was deleted since
                messages.info(request, _("该草稿已删除。"))
                return redirect("accountability:overview")
            messages.success(request, _("已起草“%(title)s”，请选择签订单位后下达。") % {"title": template.title})
            return redirect("accountability:template_address", pk=template.pk)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "node": node,
        "source": source,
        "parent": [letter_items.describe(item) for item in source.items] if source else [],
    }
    return render(request, "accountability/template_form.html", context, status=400 if form.errors else 200)


def _template_step(request: HttpRequest, pk: int, step: str) -> LetterTemplate:
    template = get_template_for_user(request.user, pk)
    if (refused := TEMPLATE_STEPS.forbids(step, template, request.user)) is not None:
        raise PermissionDenied(refused.message)
    return template


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_step(request, pk, "edit")
    if (problem := TEMPLATE_STEPS.refusal("edit", template, request.user)) is not None:
        messages.error(request, problem.message)
        return redirect("accountability:template_detail", pk=template.pk)
    form = TemplateForm(
        request.POST or None,
        kind=template.kind,
        campaigns=_campaigns(request.user, template.kind),
        items=template.items,
        initial={
            "title": template.title,
            "year": template.year,
            "body": template.body,
            "assessment_method": template.assessment_method,
            "sign_within_days": template.sign_within_days,
            "campaign": template.campaign_id,
        },
    )
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(actor=actor_of(request), template=template, **form.service_fields())
        except LetterError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("accountability:template_detail", pk=template.pk)
    context = {
        "form": form,
        "kind": template.kind,
        "kind_label": template.get_kind_display(),
        "node": template.node,
        "template": template,
        "source": template.source_letter,
        "parent": [letter_items.describe(item) for item in template.source_letter.items]
        if template.source_letter
        else [],
    }
    return render(request, "accountability/template_form.html", context, status=400 if form.errors else 200)


# The template and its copies ------------------------------------------------------------------------


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for_user(request.user, pk)
    issuer = is_issuer(request.user, template)
    steps = Offered(TEMPLATE_STEPS.steps_for(template, request.user)) if issuer else Offered({})
    copies = letters_visible_to(request.user).filter(template=template)
    status = request.GET.get("status", "")
    shown = copies.filter(status=status) if status in Status.values else copies
    page = Paginator(shown.order_by("area__path", "pk").select_related("signature"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = dict(copies.order_by().values_list("status").annotate(n=Count("pk")))
    controls, targets = letter_items.split(template.items)
    context = {
        "template": template,
        "issuer": issuer,
        "steps": steps,
        "body": markup.render(template.body),
        "controls": [(item, letter_items.describe(item)) for item in controls],
        "targets": [(item, letter_items.describe(item)) for item in targets],
        "page": page,
        "status": status,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "rate": coverage.rate_of(copies),
        "children": coverage.rates_by_child(copies, template.node, own_label=_("本级部门、企业")),
        "today": timezone.localdate(),
        "can_edit_copies": issuer and template.kind == Kind.RESPONSIBILITY,
        "issue_reason": steps.reason("issue") if issuer else "",
        "export_url": reverse("accountability:coverage_export"),
    }
    return render(request, "accountability/template_detail.html", context)


# Addressees -----------------------------------------------------------------------------------------


def _enterprise_filter(request: HttpRequest, template: LetterTemplate, data: Any) -> tuple[AddressFilterForm, Any]:
    candidates = services.addressee_candidates(template)["enterprises"]
    nodes = Node.objects.filter(path__startswith=template.node.path).order_by("path")
    sectors = Sector.objects.order_by("sort_order", "pk")
    form = AddressFilterForm(data, nodes=nodes, sectors=sectors, risks=Enterprise.RiskLevel.choices)
    qs = candidates
    if form.is_valid():
        wanted = form.cleaned_data
        if wanted["node"]:
            picked = nodes.filter(pk=int(wanted["node"])).first()
            if picked is not None:
                qs = qs.filter(node__path__startswith=picked.path)
        if wanted["sector"]:
            qs = qs.filter(sectors__id=int(wanted["sector"])).distinct()
        if wanted["risk"]:
            qs = qs.filter(risk_level=wanted["risk"])
        if wanted["q"].strip():
            qs = qs.filter(name__icontains=wanted["q"].strip())
    return form, qs


@login_required
def template_address(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_step(request, pk, "address")
    candidates = services.addressee_candidates(template)
    filters = request.POST if request.method == "POST" else request.GET
    filter_form, enterprises = _enterprise_filter(request, template, filters)
    existing = template.letters.values_list("node_id", "department_id", "enterprise_id", "status")
    # Units with a copy are shown ticked and cannot be chosen again, unless their copy was withdrawn.
    taken: dict[str, set[int]] = {"node": set(), "department": set(), "enterprise": set()}
    withdrawn: dict[str, set[int]] = {"node": set(), "department": set(), "enterprise": set()}
    for node_id, department_id, enterprise_id, status in existing:
        for key, value in (("node", node_id), ("department", department_id), ("enterprise", enterprise_id)):
            if value:
                (withdrawn if status == Letter.Status.WITHDRAWN else taken)[key].add(value)
    if request.method == "POST":
        units: list[Any] = list(candidates["nodes"].filter(pk__in=parse_ids(request.POST.getlist("nodes"))))
        units += list(candidates["departments"].filter(pk__in=parse_ids(request.POST.getlist("departments"))))
        if request.POST.get("all_enterprises") == "matching":  # a withdrawn copy only when ticked by itself
            units += list(enterprises.exclude(pk__in=withdrawn["enterprise"]))
        else:
            units += list(candidates["enterprises"].filter(pk__in=parse_ids(request.POST.getlist("enterprises"))))
        try:
            added = services.template_address(actor=actor_of(request), template=template, units=units)
        except LetterError as exc:
            messages.error(request, exc.message)
        else:
            if added:
                messages.success(request, _("已增加 %(n)s 个签订单位。") % {"n": added})
            else:
                messages.info(request, _("所选单位均已在签订名单中，未重复添加。"))
            return redirect("accountability:template_detail", pk=template.pk)
    page = Paginator(enterprises, ENTERPRISE_PAGE).get_page(request.GET.get("page"))
    context = {
        "template": template,
        "nodes": list(candidates["nodes"]),
        "departments": list(candidates["departments"]),
        "page": page,
        "filter_form": filter_form,
        "matching": page.paginator.count,
        "taken": taken,
        "withdrawn": withdrawn,
        "fresh": not any(taken.values()) and not any(withdrawn.values()),
        "filter_hidden": [(name, filters[name]) for name in ("node", "sector", "risk", "q") if filters.get(name)],
        "pledge": template.kind == Kind.PLEDGE,
    }
    return render(request, "accountability/template_address.html", context)


@login_required
def template_issue(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_step(request, pk, "issue")
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_issue(actor=actor_of(request), template=template, key=form.cleaned_data["key"] or None)
        except LetterError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已下达，签署人已收到通知。"))
        return redirect("accountability:template_detail", pk=template.pk)
    drafts = template.letters.filter(status=Status.DRAFT)
    context = {
        "template": template,
        "form": form,
        "reason": TEMPLATE_STEPS.refusal("issue", template, request.user),
        "drafts": drafts.count(),
        "draft_names": [letter.unit_name for letter in drafts.select_related("node", "department", "enterprise")[:20]],
        "due": timezone.localdate() + datetime.timedelta(days=template.sign_within_days),
    }
    return render(request, "accountability/template_issue.html", context)


@login_required
def template_discard(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_step(request, pk, "discard")
    if request.method == "POST":
        title = template.title
        try:
            services.template_discard(actor=actor_of(request), template=template)
        except LetterError as exc:
            messages.error(request, exc.message)
            return redirect("accountability:template_detail", pk=template.pk)
        messages.success(request, _("已删除草稿“%(title)s”。") % {"title": title})
        return redirect("accountability:overview")
    context = {
        "template": template,
        "reason": TEMPLATE_STEPS.refusal("discard", template, request.user),
        "copies": template.letters.count(),
    }
    return render(request, "accountability/template_discard.html", context)


# Coverage ----------------------------------------------------------------------------------------------


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.empty or scope.enterprise_id is not None:
        raise PermissionDenied
    year = _year(request)
    kind = _kind(request.GET.get("kind", ""))
    root, cascade = selectors.viewer_part(request.user)
    letters = cascade.filter(template__year=year, template__kind=kind)
    node = root
    node_id = parse_int(request.GET.get("node"), 1)
    if node_id is not None and root is not None:
        picked = nodes_visible_to(request.user).filter(pk=node_id, path__startswith=root.path).first()
        if picked is None:
            raise Http404
        node = picked
    trail = []
    if node is not None and root is not None:
        trail = list(
            Node.objects.filter(path__in=path_and_above(node.path), path__startswith=root.path).order_by("path")
        )
        letters = letters.filter(area__path__startswith=node.path)
    figures, key = selectors.coverage_figures(request.user, letters, node, year=year, kind=kind)
    unsigned = selectors.unsigned_pages(letters, figures, key, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "year": year,
        "years": range(timezone.localdate().year + 1, 2019, -1),
        "kind": kind,
        "kinds": Kind.choices,
        "node": node,
        "trail": trail,
        "rate": figures.rate,
        "children": figures.children,
        "campaigns": selectors.campaign_rates(figures),
        "unsigned": unsigned,
        "today": timezone.localdate(),
        "query": query.urlencode(),
        "export_url": reverse("accountability:coverage_export"),
    }
    return render(request, "accountability/coverage.html", context)
