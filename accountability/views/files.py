"""Files and exports of letters and pledges: a letter's PDF (as the letter: 404 outside scope),
the 签署核验 page (any role with a scope; finds letters in the user's scope only) and the
signing-rate workbook (AccountabilityRight.EXPORT)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from accountability.exports import COVERAGE
from accountability.pdf import SIGNED_TEXT_NAME, letter_pdf, pdf_filename
from accountability.scope import get_letter_for_user
from accountability.verify import MAX_BYTES, VerifyForm, verify
from safetyops.core.views import pdf_download
from safetyops.exports.views import export_response
from safetyops.orgs.scope import scope_for


@login_required
def letter_pdf_download(request: HttpRequest, pk: int) -> FileResponse:
    letter = get_letter_for_user(request.user, pk)
    return pdf_download(letter_pdf(letter), pdf_filename(letter))


@login_required
def letter_verify(request: HttpRequest) -> HttpResponse:
    if scope_for(request.user).empty:
        raise PermissionDenied
    verdict = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            verdict = verify(request.user, text=form.content(), sha256=form.cleaned_data.get("sha256"))
            for match in verdict.letters:
                match.url = reverse("accountability:letter_detail", args=[match.letter.pk])  # type: ignore[attr-defined]
    else:
        form = VerifyForm()
    context = {"form": form, "verdict": verdict, "attachment_name": SIGNED_TEXT_NAME, "max_kb": MAX_BYTES // 1024}
    return render(request, "accountability/files/verify.html", context)


@login_required
def coverage_export(request: HttpRequest) -> HttpResponseBase:
    """The signing-rate workbook (403 without a scope or the right); above EXPORT_SYNC_MAX_ROWS
    unsigned copies, made by a worker."""
    return export_response(request, COVERAGE)
