"""Forms of the enterprise's duties: the 隐患统计报告 signature (第十四条), the officials' 未报送 filter,
and the record of a 重大 hazard reported to the workers' congress (双报告, 安全生产法 第四十一条)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.forms.hazards import StepForm
from inspections.models import HazardCongressReport
from inspections.statistics import Period, last_quarter, recent_periods
from safetyops.core import fields
from safetyops.evidence.forms import EvidenceField


class CongressReportForm(StepForm):
    body = forms.ChoiceField(
        label=_("报告对象"),
        choices=HazardCongressReport.Body.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择报告对象（职工大会或职工代表大会）。")},
    )
    reported_on = fields.RecordDateField(
        label=_("报告日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写报告日期。"), "invalid": _("日期格式不正确，例如 2026-06-30。")},
    )
    note = forms.CharField(
        label=_("报告情况"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("会议名称、参会人数、报告的隐患情况和治理方案、职工意见等"),
        error_messages={"required": _("请填写向职工大会报告的情况。")},
    )
    evidence = EvidenceField(
        label=_("证明材料"), required=False, help_text=_("会议记录、签到表或照片（选填，一个文件，图片或 PDF）")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_reported_on(self) -> date:
        value = self.cleaned_data["reported_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("报告日期不能晚于今天。"))
        return value

    def clean_evidence(self) -> Any:
        files = self.cleaned_data.get("evidence") or []
        if len(files) > 1:
            raise forms.ValidationError(_("证明材料只能上传一个文件，可合并为一个 PDF。"))
        return files[0] if files else None


class StatisticsSignForm(forms.Form):
    note = forms.CharField(
        label=_("分析说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("选填：隐患排查治理工作的分析、存在问题和下步措施"),
        error_messages={"max_length": _("分析说明最多 2000 字，请精简。")},
    )
    typed_name = forms.CharField(
        label=_("主要负责人签名"),
        max_length=32,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg", "autocomplete": "off"}),
        error_messages={"required": _("请输入您的姓名以签字。")},
    )
    confirmed = forms.BooleanField(
        label=_("本人已核对上述统计数据，确认真实、准确、完整，并对报送内容负责。"),
        error_messages={"required": _("请勾选确认统计数据真实、准确后再签署。")},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    sha256 = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class UnfiledFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("报告期"), required=False)
    q = forms.CharField(label=_("企业"), required=False, max_length=64)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.slug, p.label) for p in recent_periods(today)]
        self.fields["period"].widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs.update({"class": "form-control", "placeholder": _("企业名称或信用代码")})
        self.fields["q"].widget.input_type = "search"
        self.today = today

    def chosen_period(self) -> Period:
        slug = self.cleaned_data.get("period") if self.is_valid() else ""
        return Period.parse(slug or "") or last_quarter(self.today)
