"""The forms of the daily 承诺公告: the 公告 itself with its judgment rows (a small formset), the
review of a 承诺不实 flag, and the county's setting. They check the shape; the services the rules."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.daily.services import JudgmentInput, PledgeInput
from accountability.models import SPECIAL_OPERATIONS, DailyJudgment
from safetyops.orgs.models import Sector

LEVEL_ORDER = [DailyJudgment.Level.TEAM, DailyJudgment.Level.WORKSHOP, DailyJudgment.Level.PLANT]


def _key_field() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, required=False, initial=lambda: uuid.uuid4().hex)


def _count(label: Any, *, initial: int | None = 0) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        initial=initial,
        min_value=0,
        max_value=32767,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "class": "form-control"}),
        error_messages={
            "required": _("请填写数量（没有填0）。"),
            "invalid": _("请填写整数。"),
            "min_value": _("数量不能为负数，请填写0或正整数。"),
            "max_value": _("数量过大，请核对。"),
        },
    )


class PledgeForm(forms.Form):
    units_total = _count(_("生产装置总数"), initial=None)
    units_running = _count(_("运行"), initial=None)
    units_stopped = _count(_("停产"))
    units_maintenance = _count(_("检修"))
    trial_production = forms.BooleanField(label=_("处于试生产"), required=False)
    startup_shutdown = forms.BooleanField(label=_("处于开停车状态"), required=False)
    major_sources_controlled = forms.TypedChoiceField(
        label=_("重大危险源是否得到有效管控"),
        choices=[("yes", _("是")), ("no", _("否"))],
        coerce=lambda v: v == "yes",
        initial="yes",
        widget=forms.RadioSelect,
    )
    typed_name = forms.CharField(
        label=_("承诺人签字（输入您的姓名）"), max_length=64, error_messages={"required": _("请输入您的姓名签字。")}
    )
    confirmed = forms.BooleanField(
        label=_("本人已核实上述研判结果并作出承诺"),
        error_messages={"required": _("请勾选“本人已核实上述研判结果并作出承诺”后再发布。")},
    )
    key = _key_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in SPECIAL_OPERATIONS:
            self.fields[name] = _count(label)

    def operation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in SPECIAL_OPERATIONS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [data.get(n) for n in ("units_running", "units_stopped", "units_maintenance")]
        total = data.get("units_total")
        if total is not None and all(p is not None for p in parts) and sum(parts) != total:  # type: ignore[arg-type]
            self.add_error(
                "units_total",
                _("运行、停产、检修装置数之和（%(sum)s）须等于生产装置总数（%(total)s）。")
                % {"sum": sum(parts), "total": total},  # type: ignore[arg-type]
            )
        return data

    def to_input(self, judgments: list[JudgmentInput]) -> PledgeInput:
        d = self.cleaned_data
        return PledgeInput(
            units_total=d["units_total"],
            units_running=d["units_running"],
            units_stopped=d["units_stopped"],
            units_maintenance=d["units_maintenance"],
            operations={name: d[name] for name, _label in SPECIAL_OPERATIONS},
            trial_production=d["trial_production"],
            startup_shutdown=d["startup_shutdown"],
            major_sources_controlled=d["major_sources_controlled"],
            judgments=judgments,
        )


class JudgmentForm(forms.Form):
    level = forms.ChoiceField(label=_("层级"), choices=DailyJudgment.Level.choices)
    unit_name = forms.CharField(label=_("班组/车间"), max_length=64, required=False)
    signer_name = forms.CharField(label=_("研判人"), max_length=32, required=False)
    note = forms.CharField(label=_("研判意见"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [bool((data.get(n) or "").strip()) for n in ("unit_name", "signer_name")]
        if not all(filled) and (any(filled) or (data.get("note") or "").strip()):
            raise forms.ValidationError(_("请同时填写班组/车间名称和研判人。"))
        return data


JudgmentFormSet = forms.formset_factory(JudgmentForm, extra=0, max_num=12, absolute_max=12)


def judgment_initial() -> list[dict[str, str]]:
    """Three rows, one per level, then two spare rows (a second 班组 and a second 车间)."""
    levels = [*LEVEL_ORDER, DailyJudgment.Level.TEAM, DailyJudgment.Level.WORKSHOP]
    return [{"level": str(level)} for level in levels]


def judgments_of(formset: Any) -> list[JudgmentInput]:
    return [
        JudgmentInput(
            level=f.cleaned_data.get("level", ""),
            unit_name=f.cleaned_data.get("unit_name", ""),
            signer_name=f.cleaned_data.get("signer_name", ""),
            note=f.cleaned_data.get("note", ""),
        )
        for f in formset.forms
        if f.cleaned_data
    ]


class FlagReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("核实结论"),
        choices=[("confirm", _("认定承诺不实")), ("dismiss", _("排除（须填写理由）"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择核实结论。")},
    )
    note = forms.CharField(
        label=_("核实意见"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    key = _key_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "dismiss" and not (data.get("note") or "").strip():
            self.add_error("note", _("排除承诺不实须填写理由。"))
        return data


class SettingForm(forms.Form):
    sectors = forms.ModelMultipleChoiceField(
        label=_("须每日承诺的行业"),
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("所选行业的下级行业一并纳入。不选则本县（区）不要求每日承诺。"),
    )
    due_time = forms.TimeField(
        label=_("公告截止时间"),
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M"),
        error_messages={"required": _("请填写截止时间。"), "invalid": _("请按“10:00”的格式填写时间。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = Sector.objects.order_by("sort_order", "pk")  # type: ignore[attr-defined]
