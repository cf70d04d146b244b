"""The yearly assessment (年度考核): the year's round (ranking, grades, vetoes; open it; the
workbook and the PDF report) and one unit's score sheet (rows, hand scoring with evidence, the
一票否决 with its accidents and review, fixing the grade).

get_assessment_for_user (404 outside the scope: drafts are the assessor side's, a final sheet is
also the assessed unit's), then ASSESSMENT_STEPS.forbids (403 without the right), then the form
and the service, whose refusal is shown in Chinese and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.assessments import scoring, services
from accountability.assessments.errors import AssessmentError
from accountability.assessments.exports import assessment_workbook
from accountability.assessments.forms import FinaliseForm, ItemScoreForm, VetoReviewForm
from accountability.assessments.lifecycle import ASSESSMENT_STEPS
from accountability.assessments.pdf import report_pdf
from accountability.assessments.selectors import ranking, rows_of, sheet_rows
from accountability.assessments.veto import responsible_accidents, rule_text
from accountability.errors import NotPermitted
from accountability.models import Assessment, AssessmentItem
from accountability.rights import AccountabilityRight
from accountability.scope import assessments_visible_to, get_assessment_for_user
from accountability.views.letters import actor_of
from safetyops.core.params import parse_int
from safetyops.core.steps import Offered
from safetyops.core.views import pdf_download, xlsx_download
from safetyops.orgs.models import Node
from safetyops.orgs.scope import has_right, scope_for


def _year(request: HttpRequest) -> int:
    """?year= (last year by default from January to March, when last year is being assessed)."""
    today = timezone.localdate()
    default = today.year - 1 if today.month <= 3 else today.year
    return parse_int(request.GET.get("year") or request.POST.get("year"), 2000, 2100) or default


def _office(request: HttpRequest) -> None:
    scope = scope_for(request.user)
    if scope.empty or scope.enterprise_id is not None:
        raise PermissionDenied


def _title(request: HttpRequest, year: int) -> str:
    scope = scope_for(request.user)
    node = Node.objects.filter(pk=scope.node_id).first() if scope.node_id else None
    return _("%(node)s%(year)s年度安全生产工作考核") % {"node": node.name if node else "", "year": year}


@login_required
def assessment_round(request: HttpRequest) -> HttpResponse:
    _office(request)
    year = _year(request)
    ranked = ranking(assessments_visible_to(request.user), year)
    may_open = has_right(request.user, AccountabilityRight.ASSESS) and scope_for(request.user).node_id is not None
    this_year = timezone.localdate().year
    context = {
        "year": year,
        "years": list(range(this_year, this_year - 5, -1)),
        "ranking": ranked,
        "title": _title(request, year),
        "may_open": may_open and year <= this_year,
        "may_export": has_right(request.user, AccountabilityRight.EXPORT),
        "standard": scoring.standard_text(),
        "rule": rule_text(),
    }
    return render(request, "accountability/assessments/round.html", context)


@login_required
def assessment_open(request: HttpRequest) -> HttpResponse:
    _office(request)
    try:
        ASSESSMENT_STEPS.check_right("score", request.user)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from None
    year = _year(request)
    error = ""
    if request.method == "POST":
        try:
            created = services.assessment_round_open(actor=actor_of(request), year=year)
        except AssessmentError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("已开始%(year)s年度考核：新建评分表%(n)s份。") % {"year": year, "n": len(created)}
            )
            return redirect(f"{reverse('accountability:assessment_round')}?year={year}")
    context = {"year": year, "error": error, "title": _title(request, year), "standard": scoring.standard_text()}
    return render(request, "accountability/assessments/open.html", context, status=400 if error else 200)


def _export_allowed(request: HttpRequest) -> None:
    _office(request)
    if not has_right(request.user, AccountabilityRight.EXPORT):
        raise PermissionDenied


@login_required
def assessment_export(request: HttpRequest) -> FileResponse:
    _export_allowed(request)
    year = _year(request)
    workbook = assessment_workbook(assessments_visible_to(request.user), year, title=_title(request, year))
    return xlsx_download(workbook.save, f"年度考核-{year}.xlsx")


@login_required
def assessment_report_pdf(request: HttpRequest) -> FileResponse:
    _export_allowed(request)
    year = _year(request)
    data = report_pdf(assessments_visible_to(request.user), year, title=_title(request, year))
    return pdf_download(data, f"年度考核报告-{year}.pdf")


def _sheet_context(request: HttpRequest, assessment: Assessment, **extra: Any) -> dict[str, Any]:
    rows = sheet_rows(assessment)
    unit = assessment.unit
    responsible = responsible_accidents(unit, assessment.year)  # type: ignore[arg-type]
    return {
        "assessment": assessment,
        "sheet": rows_of(rows),
        "steps": Offered(ASSESSMENT_STEPS.steps_for(assessment, request.user)),
        "responsible": responsible,
        "review_choices": services.review_choices(assessment),
        "standard": scoring.standard_text(),
        "rule": rule_text(),
        "capped": services.capped(assessment),
        **extra,
    }


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, pk)
    context = _sheet_context(
        request,
        assessment,
        item_form=ItemScoreForm(),
        review_form=VetoReviewForm(choices=services.review_choices(assessment)),
        finalise_form=FinaliseForm(),
    )
    return render(request, "accountability/assessments/detail.html", context)


def _step(request: HttpRequest, pk: int, step: str) -> Assessment:
    assessment = get_assessment_for_user(request.user, pk)
    if (refused := ASSESSMENT_STEPS.forbids(step, assessment, request.user)) is not None:
        raise PermissionDenied(refused.message)
    return assessment


def _step_page(request: HttpRequest, assessment: Assessment, step: str, form: Any, **extra: Any) -> HttpResponse:
    context = {
        "assessment": assessment,
        "step": step,
        "form": form,
        "reason": ASSESSMENT_STEPS.refusal(step, assessment, request.user),
        **extra,
    }
    return render(request, "accountability/assessments/step.html", context, status=400 if form.errors else 200)


def _back(assessment: Assessment) -> HttpResponse:
    return redirect("accountability:assessment_detail", pk=assessment.pk)


@login_required
def assessment_rescore(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _step(request, pk, "score")
    form = FinaliseForm(request.POST or None)
    if request.method == "POST":
        try:
            services.assessment_score(actor=actor_of(request), assessment=assessment)
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已按系统数据重新计分。"))
            return _back(assessment)
    return _step_page(request, assessment, "score", form)


@login_required
def assessment_item_score(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = AssessmentItem.objects.get(pk=int(pk))
    except (AssessmentItem.DoesNotExist, ValueError, OverflowError):
        item = None
    assessment = _step(request, item.assessment_id if item else 0, "score_item")
    assert item is not None
    initial = {"score": "" if item.score is None else item.score, "note": item.note}
    form = ItemScoreForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_item_score(
                actor=actor_of(request),
                item=item,
                score=form.cleaned_data["score"],
                note=form.cleaned_data["note"],
                files=form.cleaned_data.get("evidence") or [],
            )
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存“%(item)s”的评分。") % {"item": item.label})
            return _back(assessment)
    return _step_page(request, assessment, "score_item", form, item=item)


@login_required
def assessment_veto_review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _step(request, pk, "review_veto")
    form = VetoReviewForm(request.POST or None, choices=services.review_choices(assessment))
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_review_veto(
                actor=actor_of(request),
                assessment=assessment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录一票否决的复核结论。"))
            return _back(assessment)
    return _step_page(request, assessment, "review_veto", form, accidents=assessment.veto_accidents)


@login_required
def assessment_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _step(request, pk, "finalise")
    form = FinaliseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.assessment_finalise(
                actor=actor_of(request), assessment=assessment, remarks=form.cleaned_data["remarks"]
            )
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已确定“%(unit)s”的考核等次：%(grade)s（%(score)s分）。")
                % {"unit": done.unit_name, "grade": done.get_grade_display(), "score": done.score},
            )
            return _back(assessment)
    return _step_page(request, assessment, "finalise", form)
