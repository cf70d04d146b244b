"""Forms of the hazard pages: registration and each step of the 五落实 lifecycle.

They check what a person can fix on the spot and say it in Chinese; the services check again
(state, right, deadlines) because they are the only code that changes a hazard. Every form
carries a hidden idempotency key, made when the form is first shown, so that a retried post
is applied once.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from inspections.models import Hazard
from inspections.services import HazardInput, PlanInput
from safetyops.core import fields
from safetyops.evidence.forms import EvidenceField

DEFAULT_DAYS = {Hazard.Level.GENERAL: 15, Hazard.Level.MAJOR: 60}


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


def _date_widget(**attrs: Any) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def _text(label: Any, *, rows: int = 3, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=_required(format_lazy(_("请填写“{label}”。"), label=label)),
        **kwargs,
    )


def _money(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={
            "required": format_lazy(_("请填写“{label}”，没有投入请填 0。"), label=label),
            "min_value": format_lazy(_("{label}不能为负数。"), label=label),
            "invalid": _("请填写金额（元），例如 3000 或 2800.50。"),
            "max_digits": _("金额过大，请核对。"),
            "max_decimal_places": _("金额最多保留两位小数。"),
            "max_whole_digits": _("金额过大，请核对。"),
        },
        **kwargs,
    )


class StepForm(forms.Form):
    """Base of every hazard form: a hidden idempotency key and a crispy helper without form tag."""

    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    @property
    def idempotency_key(self) -> str | None:
        return self.cleaned_data.get("key") or None

    @property
    def has_uploads(self) -> bool:
        return any(isinstance(field, EvidenceField) for field in self.fields.values())


def _choice(label: Any, choices: Any, message: Any, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, error_messages=_required(message), **kwargs
    )


# Registration ---------------------------------------------------------------------------------


class HazardCreateForm(StepForm):
    level = _choice(_("隐患等级"), Hazard.Level.choices, _("请选择隐患等级。"))
    category = _choice(_("隐患类别"), Hazard.Category.choices, _("请选择隐患类别。"))
    sector = fields.ModelChoiceField(
        label=_("行业领域"), queryset=None, error_messages=_required(_("请选择行业领域。"))
    )
    location = forms.CharField(
        label=_("隐患部位"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：二号车间东侧配电箱")}),
    )
    description = _text(_("隐患描述"), rows=4)
    deadline = fields.DeadlineField(label=_("整改期限"), required=False, widget=_date_widget())
    photos = EvidenceField(label=_("隐患照片"), camera=True, required=False, help_text=_("可拍照或选择多张照片"))

    def __init__(self, *args: Any, enterprise: Any, official: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        sectors = enterprise.sectors.all()
        self.fields["sector"].queryset = sectors
        self.fields["sector"].required = bool(sectors)
        self.fields["sector"].empty_label = None if len(sectors) == 1 else _("请选择")
        self.fields["deadline"].widget.attrs["min"] = today.isoformat()
        self.fields["deadline"].help_text = _("不填则按等级默认：一般隐患 %(general)s，重大隐患 %(major)s。") % {
            "general": (today + timedelta(days=DEFAULT_DAYS[Hazard.Level.GENERAL])).isoformat(),
            "major": (today + timedelta(days=DEFAULT_DAYS[Hazard.Level.MAJOR])).isoformat(),
        }
        # 当场整改 belongs to an inspection: it is offered on the checklist's 登记为隐患 page only.
        self.official = official

    def clean_deadline(self) -> date | None:
        deadline = self.cleaned_data.get("deadline")
        if deadline is not None and deadline < timezone.localdate():
            raise forms.ValidationError(_("整改期限不能早于今天。"))
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        level = data.get("level")
        if level and not data.get("deadline") and "deadline" not in self.errors:
            data["deadline"] = timezone.localdate() + timedelta(days=DEFAULT_DAYS[level])
        return data

    def to_input(self) -> HazardInput:
        data = self.cleaned_data
        return HazardInput(
            level=data["level"],
            category=data["category"],
            description=data["description"],
            deadline=data["deadline"],
            location=data.get("location") or "",
            sector_id=data["sector"].pk if data.get("sector") else None,
        )


# 五落实 plan ---------------------------------------------------------------------------------


class PlanForm(StepForm):
    """五落实: 措施、责任、资金、时限、预案; for 重大 the six parts of the 治理方案 (第十五条)."""

    measures = _text(_("整改措施"), rows=4)
    responsible_name = forms.CharField(
        label=_("责任人"), max_length=32, error_messages=_required(_("请填写责任人姓名。"))
    )
    responsible_post = forms.CharField(
        label=_("职务"), max_length=32, error_messages=_required(_("请填写责任人职务。"))
    )
    responsible_phone = forms.CharField(
        label=_("联系电话"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages=_required(_("请填写责任人联系电话。")),
    )
    funds = _money(_("整改资金（元）"))
    funds_reason = forms.CharField(
        label=_("无需资金的理由"),
        max_length=200,
        required=False,
        help_text=_("整改资金填 0 时必填，如“由本单位人员自行整改，不需采购”"),
    )
    deadline = fields.DeadlineField(
        label=_("完成时限"), widget=_date_widget(), error_messages=_required(_("请填写方案完成时限。"))
    )
    contingency = _text(_("应急预案及整改期间安全措施"))
    situation = _text(_("隐患的现状及其产生原因"), required=False)
    analysis = _text(_("隐患的危害程度和整改难易程度分析"), required=False)
    goal = _text(_("治理的目标和任务"), required=False)
    materials = _text(_("经费和物资的落实"), required=False)
    organisation = _text(_("负责治理的机构和人员"), required=False)
    requirements = _text(_("治理的时限和要求"), required=False)

    REPORT_FIELDS = ("situation", "analysis")  # the 重大 hazard's report (第十四条)
    MAJOR_FIELDS = (*REPORT_FIELDS, "goal", "materials", "organisation", "requirements")

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        self.major = hazard.level == Hazard.Level.MAJOR
        deadline = self.fields["deadline"]
        today = timezone.localdate()
        deadline.widget.attrs.update(
            {"min": min(today, hazard.deadline).isoformat(), "max": hazard.deadline.isoformat()}
        )
        if hazard.deadline < today:
            deadline.initial = hazard.deadline
            deadline.help_text = _("整改期限 %(d)s 已过，方案时限按该期限填写，隐患仍按逾期督办，请立即整改") % {
                "d": hazard.deadline.isoformat()
            }
        else:
            deadline.help_text = _("不能晚于整改期限 %(d)s") % {"d": hazard.deadline.isoformat()}
        if self.major:
            for name in self.MAJOR_FIELDS:
                self.fields[name].required = True
        else:
            for name in self.MAJOR_FIELDS:
                del self.fields[name]
        parts = [
            Fieldset(_("一、措施"), "measures"),
            Fieldset(_("二、责任"), "responsible_name", "responsible_post", "responsible_phone"),
            Fieldset(_("三、资金"), "funds", "funds_reason"),
            Fieldset(_("四、时限"), "deadline"),
            Fieldset(_("五、预案"), "contingency"),
        ]
        if self.major:
            parts.append(
                Fieldset(
                    _("重大事故隐患报告（第十四条）"),
                    HTML(
                        '<p class="small text-muted">'
                        + str(
                            _("重大事故隐患须及时报告其现状及原因、危害程度和整改难易程度分析，连同治理方案一并报送。")
                        )
                        + "</p>"
                    ),
                    *self.REPORT_FIELDS,
                )
            )
            parts.append(
                Fieldset(
                    _("重大事故隐患治理方案（第十五条）"),
                    HTML(
                        '<p class="small text-muted">'
                        + str(_("方法和措施、安全措施和应急预案见上；请补充以下四项。"))
                        + "</p>"
                    ),
                    *(name for name in self.MAJOR_FIELDS if name not in self.REPORT_FIELDS),
                )
            )
        self.helper.layout = Layout(Field("key"), *parts)

    def clean_deadline(self) -> date:
        deadline = self.cleaned_data["deadline"]
        if deadline > self.hazard.deadline:
            raise forms.ValidationError(
                _("方案完成时限不能晚于整改期限（%(limit)s）；确需更长时间请先申请延期。")
                % {"limit": self.hazard.deadline.isoformat()}
            )
        if deadline < timezone.localdate() and deadline != self.hazard.deadline:
            raise forms.ValidationError(_("方案完成时限不能早于今天。"))
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("funds") == 0 and not (data.get("funds_reason") or "").strip():
            self.add_error("funds_reason", _("整改资金为0时，须说明无需资金的理由。"))
        return data

    def to_input(self) -> PlanInput:
        data = self.cleaned_data
        return PlanInput(
            measures=data["measures"],
            responsible_name=data["responsible_name"],
            responsible_post=data["responsible_post"],
            responsible_phone=data["responsible_phone"],
            funds=data["funds"],
            funds_reason=data.get("funds_reason") or "",
            deadline=data["deadline"],
            contingency=data["contingency"],
            **{name: data.get(name) or "" for name in self.MAJOR_FIELDS},
        )


class PlanDecisionForm(StepForm):
    APPROVE, RETURN = "approve", "return"

    decision = _choice(
        _("审批结果"), [(APPROVE, _("批准方案，进入整改")), (RETURN, _("退回企业修改"))], _("请选择审批结果。")
    )
    comment = _text(_("审批意见"), required=False, help_text=_("退回时必填，写明需要修改的地方"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("退回方案须说明理由，便于企业修改。"))
        return data


# Completion and verification ------------------------------------------------------------------


class CompletionForm(StepForm):
    description = _text(_("整改情况"), rows=4)
    money_spent = _money(_("实际投入资金（元）"))
    after_photos = EvidenceField(
        label=_("整改后照片"),
        images_only=True,
        min_count=1,
        error_messages=_required(_("请至少上传一张整改后照片。")),
        help_text=_("至少一张，最好与整改前照片同一角度"),
    )
    documents = EvidenceField(
        label=_("证明材料"), required=False, help_text=_("发票、检测报告、培训记录等，图片或 PDF")
    )


class VerifyForm(StepForm):
    VERIFY, REJECT = "verify", "reject"

    decision = _choice(
        _("验收结论"), [(VERIFY, _("验收通过，予以销号")), (REJECT, _("验收不通过，退回整改"))], _("请选择验收结论。")
    )
    opinion = _text(
        _("验收意见"), required=False, help_text=_("通过时写明验收情况；不通过时写明理由和需要继续整改的内容")
    )
    expert_opinion = _text(_("专家评估意见"), required=False, help_text=_("重大隐患可附专家评估意见（选填）"))
    new_deadline = fields.DeadlineField(
        label=_("新的整改期限"), required=False, widget=_date_widget(), help_text=_("不通过时可重新设定，选填")
    )

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_deadline"].widget.attrs["min"] = timezone.localdate().isoformat()
        if hazard.level != Hazard.Level.MAJOR:
            del self.fields["expert_opinion"]

    def clean_new_deadline(self) -> date | None:
        value = self.cleaned_data.get("new_deadline")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("新的整改期限不能早于今天。"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("opinion") or "").strip():
            if data.get("decision") == self.REJECT:
                self.add_error("opinion", _("验收不通过须说明理由。"))
            elif data.get("decision") == self.VERIFY:
                self.add_error("opinion", _("请填写验收意见。"))
        return data


# Extensions -----------------------------------------------------------------------------------


class ExtensionRequestForm(StepForm):
    requested_deadline = fields.DeadlineField(
        label=_("申请延至"), widget=_date_widget(), error_messages=_required(_("请选择申请延至的日期。"))
    )
    reason = _text(_("延期理由"), rows=4, help_text=_("说明不能按期完成的原因，以及延期期间的安全措施"))

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        day_after = hazard.deadline + timedelta(days=1) if hazard.deadline < date.max else hazard.deadline
        self.fields["requested_deadline"].widget.attrs["min"] = day_after.isoformat()
        self.fields["requested_deadline"].help_text = _("现整改期限为 %(d)s") % {"d": hazard.deadline.isoformat()}

    def clean_requested_deadline(self) -> date:
        value = self.cleaned_data["requested_deadline"]
        if value <= self.hazard.deadline:
            raise forms.ValidationError(
                _("申请的新期限须晚于现期限（%(d)s）。") % {"d": self.hazard.deadline.isoformat()}
            )
        return value


class ExtensionDecisionForm(StepForm):
    APPROVE, REFUSE = "approve", "refuse"

    decision = _choice(_("审批结果"), [(APPROVE, _("同意延期")), (REFUSE, _("不同意延期"))], _("请选择审批结果。"))
    approved_deadline = fields.DeadlineField(
        label=_("批准延至"), required=False, widget=_date_widget(), help_text=_("同意时可调整，默认按企业申请的日期")
    )
    comment = _text(_("审批意见"), required=False, help_text=_("不同意时必填"))

    def __init__(self, *args: Any, extension: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extension = extension
        # An approval moves the deadline later than both the one asked about and the current one.
        self.floor = max(extension.old_deadline, extension.hazard.deadline) if extension is not None else None
        if extension is not None and self.floor is not None:
            self.fields["approved_deadline"].initial = extension.requested_deadline
            self.fields["approved_deadline"].widget.attrs["min"] = (self.floor + timedelta(days=1)).isoformat()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        decision = data.get("decision")
        if decision == self.REFUSE and not (data.get("comment") or "").strip():
            self.add_error("comment", _("不同意延期须说明理由。"))
        approved = data.get("approved_deadline")
        if decision == self.APPROVE and approved is not None and self.floor is not None:
            if approved <= self.floor:
                self.add_error(
                    "approved_deadline",
                    _("批准的新期限须晚于现整改期限（%(d)s），审批延期不能把期限提前。")
                    % {"d": self.floor.isoformat()},
                )
        return data


# Official-only steps --------------------------------------------------------------------------


class FixOnSpotForm(StepForm):
    after_photos = EvidenceField(
        label=_("整改后照片"),
        images_only=True,
        min_count=1,
        camera=True,
        error_messages=_required(_("当场整改须上传至少一张整改后照片。")),
    )
    comment = _text(_("整改情况"), required=False, rows=2)


class SupervisionForm(StepForm):
    comment = _text(_("督办要求"), required=False, help_text=_("如：限期 30 日内完成治理，每周报告进展"))


class EnterprisePickerForm(forms.Form):
    q = forms.CharField(
        label=_("企业名称或信用代码"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "class": "form-control"}),
    )
