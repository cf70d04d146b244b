"""Forms of the inspection pages: start an inspection, answer an item, register a hazard from a
failed item, submit, sign, add an addendum. Choices are always limited to the user's scope."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.selectors import campaign_default_for, campaigns_active_for
from inspections.dates import inspection_date_problem, needs_backdate_reason
from inspections.models import ChecklistItem, ChecklistResult, Hazard, Inspection
from inspections.selectors import co_inspector_candidates, sectors_with_ancestors
from safetyops.core import fields
from safetyops.evidence.forms import EvidenceInput
from safetyops.orgs.models import Enterprise, Sector
from safetyops.orgs.scope import enterprises_visible_to

MAX_PHOTOS = 9
DEADLINE_DAYS = {Hazard.Level.GENERAL: 15, Hazard.Level.MAJOR: 60}


class PhotosField(forms.FileField):
    """Several photos from one <input type=file multiple>; the service checks their content."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"accept": "image/*", "capture": "environment", "data-shrink": "", "class": "form-control"}
        kwargs.setdefault("widget", EvidenceInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("一次最多上传 %(n)d 张照片，请分批上传。") % {"n": MAX_PHOTOS})
        return [super(PhotosField, self).clean(f, initial) for f in files]


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("企业"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *Inspection.Status.choices]
    )
    kind = forms.ChoiceField(
        label=_("检查类型"), required=False, choices=[("", _("全部类型")), *Inspection.Kind.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control", "placeholder": _("企业名称或信用代码")})
        self.fields["q"].widget.input_type = "search"
        for name in ("status", "kind"):
            self.fields[name].widget.attrs["class"] = "form-select"


class InspectionCreateForm(forms.Form):
    enterprise = fields.ModelChoiceField(
        label=_("被检查企业"),
        queryset=Enterprise.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请先搜索并选择被检查企业。"),
            "invalid_choice": _("所选企业不在您的管辖范围内，请重新搜索选择。"),
        },
    )
    kind = forms.ChoiceField(
        label=_("检查类型"),
        choices=Inspection.Kind.choices,
        initial=Inspection.Kind.ROUTINE,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择检查类型。")},
    )
    co_inspectors = fields.ModelMultipleChoiceField(
        label=_("同行检查人员"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("您本人自动列为检查人员。每位检查人员都须在检查记录上签字。"),
        error_messages={"invalid_choice": _("所选人员不能参加本次检查，请重新选择。")},
    )
    campaign = fields.ModelChoiceField(
        label=_("所属专项行动"), queryset=Enterprise.objects.none(), required=False, empty_label=_("不属于专项行动")
    )
    inspected_at = forms.DateTimeField(
        label=_("检查时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={"required": _("请填写检查时间。"), "invalid": _("检查时间格式不正确，例如 2026-05-20 09:30。")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprise"].queryset = enterprises_visible_to(user).select_related("node")
        self.fields["co_inspectors"].queryset = co_inspector_candidates(user=user)
        self.fields["co_inspectors"].label_from_instance = _inspector_label
        self.fields["campaign"].queryset = campaigns_active_for(user=user)
        self.fields["campaign"].widget.attrs["class"] = "form-select"
        self.backdate_days = settings.INSPECTION_BACKDATE_DAYS
        if not self.is_bound:
            self.initial.setdefault("inspected_at", timezone.localtime().replace(second=0, microsecond=0))
            self._offer_campaign()

    def _offer_campaign(self) -> None:
        """While a campaign runs, a new inspection offers it (the one that lists the enterprise)."""
        if self.initial.get("campaign"):
            return
        enterprise = self.initial.get("enterprise")
        try:
            enterprise_id = int(enterprise) if enterprise not in (None, "") else None
        except (TypeError, ValueError):
            enterprise_id = None
        default = campaign_default_for(user=self.user, enterprise_id=enterprise_id)
        if default is not None:
            self.initial["campaign"] = default.pk

    backdate_reason = forms.CharField(
        label=_("补录原因"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("如：纸质检查记录补录入系统")}),
        error_messages={"max_length": _("补录原因最多 200 字，请精简。")},
    )

    def clean_inspected_at(self) -> Any:
        value = self.cleaned_data["inspected_at"]
        # Without the enterprise: the window's fixed ends, so the field shows its own error at once.
        if problem := inspection_date_problem(value, enterprise=None, backdate_reason="-"):
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        enterprise, people = data.get("enterprise"), data.get("co_inspectors") or []
        if data.get("inspected_at") is not None:
            problem = inspection_date_problem(
                data["inspected_at"], enterprise=enterprise, backdate_reason=data.get("backdate_reason") or ""
            )
            if problem:
                field = "backdate_reason" if needs_backdate_reason(data["inspected_at"]) else "inspected_at"
                self.add_error(field, problem)
        if enterprise is not None:
            outside = [p for p in people if not enterprises_visible_to(p).filter(pk=enterprise.pk).exists()]
            if outside:
                names = "、".join(str(p) for p in outside)
                self.add_error(
                    "co_inspectors",
                    _("%(names)s 不负责该企业（不在其管辖范围或监管行业内），无法签字，请取消勾选。")
                    % {"names": names},
                )
        return data


def _inspector_label(user: Any) -> str:
    membership = getattr(user, "membership", None)
    place = ""
    if membership is not None:
        place = membership.unit or (membership.node.name if membership.node else "")
    return f"{user}（{place}）" if place else str(user)


class AnswerForm(forms.Form):
    result = forms.ChoiceField(
        label=_("检查结果"),
        choices=ChecklistResult.Result.choices,
        error_messages={"required": _("请点选“符合”“不符合”或“不适用”。"), "invalid_choice": _("请点选检查结果。")},
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(
            attrs={"rows": 2, "class": "form-control", "placeholder": _("发现的问题、部位等（选填）")}
        ),
        error_messages={"max_length": _("说明最多 500 字，请精简。")},
    )
    photos = PhotosField(label=_("现场照片"))


class ItemHazardForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    description = forms.CharField(
        label=_("隐患描述"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写隐患描述。")},
    )
    level = forms.ChoiceField(label=_("隐患等级"), choices=Hazard.Level.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(
        label=_("隐患类别"),
        choices=Hazard.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择隐患类别。")},
    )
    sector = fields.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.none(), required=False)
    location = forms.CharField(
        label=_("隐患部位"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：二号车间")}),
    )
    deadline = forms.DateField(
        label=_("整改期限"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写整改期限。"), "invalid": _("日期格式不正确，例如 2026-06-30。")},
    )
    photos = PhotosField(label=_("隐患照片"))
    fixed_on_spot = forms.BooleanField(
        label=_("当场整改完毕（仅一般隐患）"),
        required=False,
        help_text=_("勾选后须上传整改后照片，隐患直接销号。"),
    )
    after_photos = PhotosField(label=_("整改后照片"))

    def __init__(
        self,
        *args: Any,
        item: ChecklistItem,
        result: ChecklistResult,
        enterprise: Enterprise,
        fix_on_spot_unavailable: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Why 当场整改 cannot be offered here (the inspection is archived and not of today), if so.
        self.fix_on_spot_unavailable = fix_on_spot_unavailable
        if fix_on_spot_unavailable:
            del self.fields["fixed_on_spot"], self.fields["after_photos"]
        sectors = list(enterprise.sectors.all())
        self.fields["sector"].queryset = enterprise.sectors.all()
        self.fields["sector"].empty_label = _("（不指定）")
        level = Hazard.Level.MAJOR if item.suggests_major else Hazard.Level.GENERAL
        today = timezone.localdate()
        self.fields["deadline"].widget.attrs.update(
            {
                "min": today.isoformat(),
                "data-default-general": (today + timedelta(days=DEADLINE_DAYS[Hazard.Level.GENERAL])).isoformat(),
                "data-default-major": (today + timedelta(days=DEADLINE_DAYS[Hazard.Level.MAJOR])).isoformat(),
            }
        )
        if not self.is_bound:
            # The finding is the inspector's note; the requirement says what should be, and a
            # positively worded one ("设置了…") would read as the opposite of what was found.
            description = result.note.strip() or _("不符合：%(requirement)s") % {"requirement": item.text.strip()}
            self.initial.update(
                {
                    "key": uuid.uuid4().hex,
                    "description": description,
                    "level": level,
                    "deadline": today + timedelta(days=DEADLINE_DAYS[level]),
                    "sector": _sector_for(item, sectors),
                }
            )
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.Textarea | forms.DateInput):
                field.widget.attrs.setdefault("class", "form-control")
            elif isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs.setdefault("class", "form-select")
        if "fixed_on_spot" in self.fields:
            self.fields["fixed_on_spot"].widget.attrs["class"] = "form-check-input"
        self.fields["photos"].label = _("补充隐患照片")
        self.fields["photos"].help_text = _("检查该项时拍摄的照片将自动作为整改前照片，无需重复上传")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("fixed_on_spot"):
            if data.get("level") == Hazard.Level.MAJOR:
                self.add_error("fixed_on_spot", _("重大隐患不能当场整改销号，须制定治理方案。"))
            elif not data.get("after_photos"):
                self.add_error("after_photos", _("当场整改须上传至少一张整改后照片。"))
        return data


def _sector_for(item: ChecklistItem, sectors: list[Sector]) -> Sector | None:
    """The template's sector if the enterprise has it, else the enterprise's sector under it."""
    template_sector = item.template.sector
    if template_sector is None:
        return sectors[0] if len(sectors) == 1 else None
    for sector in sectors:
        if sector.pk == template_sector.pk:
            return sector
    for sector in sectors:
        if template_sector.pk in sectors_with_ancestors({sector.pk}):
            return sector
    return None


class SubmitForm(forms.Form):
    findings = forms.CharField(
        label=_("检查情况"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "class": "form-control", "placeholder": _("检查的部位、发现的主要问题")}
        ),
    )
    conclusion = forms.CharField(
        label=_("检查结论"),
        widget=forms.Textarea(
            attrs={"rows": 3, "class": "form-control", "placeholder": _("如：发现一般隐患2处，已责令限期整改")}
        ),
        error_messages={"required": _("请填写检查结论。")},
    )


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label=_("签名"),
        max_length=32,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg", "autocomplete": "off"}),
        error_messages={"required": _("请输入您的姓名以签字。")},
    )
    # Checked by the service (safetyops.evidence.signing), which also says why when it is missing.
    confirmed = forms.BooleanField(
        label=_("本人已核对上述检查记录，确认内容真实、准确。"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("补充说明"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("请填写补充说明。")},
    )
