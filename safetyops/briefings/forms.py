"""Forms of the briefing pages: request (node and period), archive filter, section 7."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyops.briefings.figures import month_bounds
from safetyops.briefings.models import Briefing
from safetyops.briefings.selectors import briefing_nodes_for
from safetyops.briefings.services import BriefingError, validate_period
from safetyops.core import fields
from safetyops.orgs.models import Node

MONTHS_OFFERED = 24


def _node_label(node: Node) -> str:
    return "　" * max(node.depth - 1, 0) + node.name


def month_choices(today: date) -> list[tuple[str, str]]:
    """The current month (up to today) and the 24 before it, newest first: "2026-10" → 2026年10月."""
    choices = [(f"{today:%Y-%m}", f"{today.year}年{today.month}月（截至{today.month}月{today.day}日）")]
    year, month = today.year, today.month
    for _i in range(MONTHS_OFFERED):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        choices.append((f"{year}-{month:02d}", f"{year}年{month}月"))
    return choices


def _style(form: forms.Form, small: bool = False) -> None:
    size = " form-select-sm" if small else ""
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect):
            continue
        if isinstance(field.widget, forms.Select):
            field.widget.attrs["class"] = "form-select" + size
        else:
            field.widget.attrs["class"] = "form-control" + (" form-control-sm" if small else "")


class BriefingRequestForm(forms.Form):
    MONTH, CUSTOM = "month", "custom"

    node = fields.ModelChoiceField(
        label=_("区域"),
        queryset=Node.objects.none(),
        error_messages={
            "invalid_choice": _("所选区域不在您的管辖范围内，请从列表中选择。"),
            "required": _("请选择要编制简报的区域。"),
        },
    )
    mode = forms.ChoiceField(
        label=_("统计时段"),
        choices=[(MONTH, _("按月")), (CUSTOM, _("自定义起止日期"))],
        initial=MONTH,
        widget=forms.RadioSelect,
    )
    month = forms.ChoiceField(label=_("月份"), required=False)
    start = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        nodes = self.fields["node"]
        nodes.queryset = briefing_nodes_for(user)  # type: ignore[attr-defined]
        nodes.label_from_instance = _node_label  # type: ignore[attr-defined]
        nodes.empty_label = None  # type: ignore[attr-defined]
        choices = month_choices(today)
        self.fields["month"].choices = choices  # type: ignore[attr-defined]
        self.fields["month"].initial = choices[1][0]  # last month: the usual briefing
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == self.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start:
                self.add_error("start", _("请填写开始日期。"))
            if not end:
                self.add_error("end", _("请填写截止日期。"))
            if not (start and end):
                return data
        else:
            value = data.get("month") or ""
            try:
                year, month = (int(part) for part in value.split("-"))
                start, end = month_bounds(year, month)
            except ValueError:
                self.add_error("month", _("请选择月份。"))
                return data
            end = min(end, timezone.localdate())  # the current month runs up to today
        try:
            validate_period(start, end)
        except BriefingError as exc:
            raise forms.ValidationError(exc.message) from None
        data["period"] = (start, end)
        return data


class BriefingFilterForm(forms.Form):
    node = fields.ModelChoiceField(
        label=_("区域"),
        queryset=Node.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所选区域不在您的管辖范围内，请重新选择。")},
    )
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *Briefing.Status.choices], required=False)

    def __init__(self, *args: Any, user: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nodes = self.fields["node"]
        nodes.queryset = briefing_nodes_for(user)  # type: ignore[attr-defined]
        nodes.label_from_instance = _node_label  # type: ignore[attr-defined]
        nodes.empty_label = _("全部区域")  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", _("全部年度")), *((y, f"{y}年") for y in years)]  # type: ignore[attr-defined]
        _style(self, small=True)


class Section7Form(forms.Form):
    text = forms.CharField(
        label=_("存在问题及下步工作"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("每段一行。发布时原样印入简报第七部分；留空则发布的简报不含此部分。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
