"""The pages of one addressee's letter or pledge: the document with its version history and the
hash of what is signed; signing (the addressee's principal, on a phone), the paper path (the
issuer uploads the signed scan), a copy's own items before issuing, revising and withdrawing.

get_letter_for_user (404 outside the scope), then LETTER_STEPS.forbids (403: not the issuer, not
the principal), then the form and the service, whose refusal is shown in Chinese.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accountability import items as letter_items
from accountability import services, texts
from accountability.errors import LetterError, NotPermitted
from accountability.forms import CountersignForm, LetterItemsForm, ReviseForm, SignForm, WithdrawForm
from accountability.lifecycle import LETTER_STEPS
from accountability.models import Letter, LetterTemplate, LetterVersion
from accountability.rights import AccountabilityRight
from accountability.scope import get_letter_for_user, is_issuer
from accountability.views.letters import actor_of
from safetyops.core.steps import Offered
from safetyops.evidence import signing
from safetyops.evidence.models import Signature
from safetyops.orgs.scope import has_right, scope_for
from safetyops.orgs.units import ORGANISING_ROLES

Status = Letter.Status
PASSED_DOWN = (Status.ISSUED, Status.SIGNED, Status.ASSESSED)


def _letter_step(request: HttpRequest, pk: int, step: str) -> Letter:
    letter = get_letter_for_user(request.user, pk)
    if (refused := LETTER_STEPS.forbids(step, letter, request.user)) is not None:
        raise PermissionDenied(refused.message)
    return letter


def _document(letter: Letter) -> texts.Layout:
    """What the page shows as the document: the current frozen version (or, for a draft, the text
    it will have when issued), laid out as the PDF lays it out (texts.layout)."""
    version = letter.current_version
    return texts.layout(version.text if version is not None else texts.letter_text(letter.template, letter))


def may_pass_down(user: Any, letter: Letter) -> bool:
    """A township's officials may issue their own letters from the one addressed to their node."""
    scope = scope_for(user)
    return (
        letter.node_id is not None
        and letter.node_id == scope.node_id
        and scope.role in ORGANISING_ROLES
        and has_right(user, AccountabilityRight.ISSUE)
        and letter.template.kind == LetterTemplate.Kind.RESPONSIBILITY
        and letter.status in PASSED_DOWN
    )


@login_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_letter_for_user(request.user, pk)
    versions = list(LetterVersion.objects.filter(letter=letter).select_related("created_by").order_by("-number"))
    signatures = {
        signature.owner_id: signature
        for signature in Signature.objects.filter(
            owner_type=ContentType.objects.get_for_model(LetterVersion), owner_id__in=[v.pk for v in versions]
        ).select_related("countersigned_by")
    }
    steps = LETTER_STEPS.steps_for(letter, request.user)
    # Offer only what this person may do at all (not the principal's 签署 to the issuer, and so on).
    offered = Offered(
        {name: reason for name, reason in steps.items() if LETTER_STEPS.forbids(name, letter, request.user) is None}
    )
    context = {
        "letter": letter,
        "template": letter.template,
        "doc": _document(letter),
        "versions": [(version, signatures.get(version.pk)) for version in versions],
        "signature": letter.signature,
        "steps": offered,
        "issuer": is_issuer(request.user, letter.template),
        "pass_down": may_pass_down(request.user, letter),
    }
    return render(request, "accountability/letter_detail.html", context)


@login_required
def letter_sign(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter_step(request, pk, "sign")
    version = letter.current_version
    name = signing.name_of(request.user)
    form = SignForm(request.POST or None, signer_name=name, initial={"version": version.number if version else 0})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The service compares the version read with the current one under the row's lock.
            services.letter_sign(
                actor=actor_of(request),
                letter=letter,
                typed_name=data["typed_name"],
                confirmed=data["confirmed"],
                key=data["key"] or None,
                version=data["version"],
                **signing.client_of(request),
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        except LetterError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("签署成功，下达单位已收到通知。"))
            return redirect("accountability:letter_detail", pk=letter.pk)
    if form.errors:
        status = 400
    context = {
        "letter": letter,
        "template": letter.template,
        "version": version,
        "doc": _document(letter),
        "form": form,
        "signer": name,
        "reason": LETTER_STEPS.refusal("sign", letter, request.user),
    }
    return render(request, "accountability/letter_sign.html", context, status=status)


@login_required
def letter_countersign(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter_step(request, pk, "countersign")
    version = letter.current_version
    form = CountersignForm(
        request.POST or None, request.FILES or None, initial={"version": version.number if version else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_countersign(
                actor=actor_of(request),
                letter=letter,
                scan=form.cleaned_data["scan"],
                signed_name=form.cleaned_data["signed_name"],
                version=form.cleaned_data.get("version"),
                **signing.client_of(request),
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        except LetterError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已确认纸质签字件，该单位计为已签署。"))
            return redirect("accountability:letter_detail", pk=letter.pk)
    context = {
        "letter": letter,
        "form": form,
        "step": "countersign",
        "reason": LETTER_STEPS.refusal("countersign", letter, request.user),
    }
    return render(request, "accountability/letter_step.html", context, status=400 if form.errors else 200)


@login_required
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter_step(request, pk, "edit")
    if letter.template.kind == LetterTemplate.Kind.PLEDGE:
        messages.error(request, _("承诺书没有指标。"))
        return redirect("accountability:letter_detail", pk=letter.pk)
    form = LetterItemsForm(request.POST or None, items=letter.items)
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_edit(actor=actor_of(request), letter=letter, items=form.items_value())
        except LetterError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已调整“%(unit)s”的指标。") % {"unit": letter.unit_name})
            return redirect("accountability:template_detail", pk=letter.template_id)
    context = {
        "letter": letter,
        "form": form,
        "step": "edit",
        "reason": LETTER_STEPS.refusal("edit", letter, request.user),
        "parent": [letter_items.describe(item) for item in letter.template.items],
    }
    return render(request, "accountability/letter_step.html", context, status=400 if form.errors else 200)


@login_required
def letter_revise(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter_step(request, pk, "revise")
    responsibility = letter.template.kind == LetterTemplate.Kind.RESPONSIBILITY
    form: LetterItemsForm | ReviseForm = (
        LetterItemsForm(request.POST or None, items=letter.items, reason=True)
        if responsibility
        else ReviseForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        items = form.items_value() if isinstance(form, LetterItemsForm) else None
        try:
            revised = services.letter_revise(
                actor=actor_of(request), letter=letter, reason=form.cleaned_data["reason"], items=items
            )
        except LetterError as exc:
            form.add_error(None, exc.message)
        else:
            number = revised.current_version.number if revised.current_version else 0
            messages.success(request, _("已修订为第 %(n)s 版，需重新签署。") % {"n": number})
            return redirect("accountability:letter_detail", pk=letter.pk)
    context = {
        "letter": letter,
        "form": form,
        "step": "revise",
        "reason": LETTER_STEPS.refusal("revise", letter, request.user),
        "parent": [letter_items.describe(item) for item in letter.template.items] if responsibility else [],
    }
    return render(request, "accountability/letter_step.html", context, status=400 if form.errors else 200)


@login_required
def letter_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter_step(request, pk, "withdraw")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_withdraw(actor=actor_of(request), letter=letter, reason=form.cleaned_data["reason"])
        except LetterError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已撤回“%(unit)s”的%(kind)s。")
                % {"unit": letter.unit_name, "kind": letter.template.get_kind_display()},
            )
            return redirect("accountability:letter_detail", pk=letter.pk)
    context = {
        "letter": letter,
        "form": form,
        "step": "withdraw",
        "reason": LETTER_STEPS.refusal("withdraw", letter, request.user),
    }
    return render(request, "accountability/letter_step.html", context, status=400 if form.errors else 200)
