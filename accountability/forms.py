"""Forms of the letter and pledge pages. They check what a person can fix on the spot and say it in
Chinese; the services check again (items, cascade, state, who), being the only code that changes a
letter. The items table is the catalogue (accountability/items.py) as rows of value + weight, plus
a few of the node's own work targets."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability import items as letter_items
from accountability.models import LetterTemplate

CUSTOM_ROWS = 3  # empty rows for the node's own targets, besides those already there


def _key_field() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, required=False, initial=lambda: uuid.uuid4().hex)


def _text(label: Any, *, required: bool = True, rows: int = 0, max_length: int = 200, **kwargs: Any) -> forms.CharField:
    widget = (
        forms.Textarea(attrs={"rows": rows, "class": "form-control"})
        if rows
        else forms.TextInput(attrs={"class": "form-control"})
    )
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget, **kwargs)


class ItemsMixin:
    """The items table: value_<key> and weight_<key> per catalogue row, custom_label_N/custom_weight_N."""

    fields: dict[str, Any]
    cleaned_data: dict[str, Any]

    def add_item_fields(self, current: list[dict[str, Any]]) -> None:
        self.item_rows = letter_items.form_rows(current)
        for row in self.item_rows:
            self.fields[f"value_{row['key']}"] = forms.CharField(
                required=False, initial=row["value"], max_length=12, label=row["label"]
            )
            self.fields[f"weight_{row['key']}"] = forms.CharField(
                required=False, initial=row["weight"], max_length=4, label=_("分值")
            )
        custom = [item for item in current if item["key"] == letter_items.CUSTOM]
        self.custom_count = len(custom) + CUSTOM_ROWS
        for n in range(self.custom_count):
            existing = custom[n] if n < len(custom) else {}
            self.fields[f"custom_label_{n}"] = forms.CharField(
                required=False, initial=existing.get("label", ""), max_length=letter_items.LABEL_MAX
            )
            self.fields[f"custom_weight_{n}"] = forms.CharField(
                required=False, initial=existing.get("weight", ""), max_length=4
            )

    def item_table(self) -> list[dict[str, Any]]:
        """The rows for the template: each with its bound value and weight fields."""
        form: Any = self
        return [
            {**row, "value_field": form[f"value_{row['key']}"], "weight_field": form[f"weight_{row['key']}"]}
            for row in self.item_rows
        ]

    def custom_table(self) -> list[tuple[Any, Any]]:
        form: Any = self
        return [(form[f"custom_label_{n}"], form[f"custom_weight_{n}"]) for n in range(self.custom_count)]

    def items_value(self) -> list[dict[str, Any]]:
        """The items as the services take them (they check and normalise them)."""
        data = self.cleaned_data
        result: list[dict[str, Any]] = []
        for row in self.item_rows:
            value = (data.get(f"value_{row['key']}") or "").strip()
            if value:
                result.append(
                    {"key": row["key"], "value": value, "weight": (data.get(f"weight_{row['key']}") or "").strip()}
                )
        for n in range(self.custom_count):
            label = (data.get(f"custom_label_{n}") or "").strip()
            if label:
                result.append(
                    {"key": letter_items.CUSTOM, "label": label, "weight": data.get(f"custom_weight_{n}") or ""}
                )
        return result


class TemplateForm(ItemsMixin, forms.Form):
    key = _key_field()  # a new draft is created once, however often its form is posted
    title = _text(_("标题"), max_length=128, error_messages={"required": _("请填写标题。")})
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={"required": _("请填写年度。"), "invalid": _("年度须为四位数字。")},
    )
    body = _text(
        _("正文"),
        rows=14,
        max_length=20_000,
        error_messages={"required": _("请填写正文。")},
        help_text=_(
            "以“# ”开头的一行为小标题（如“# 主要职责”），以“- ”开头的各行成为列表，**文字**为加粗；空一行分段。"
        ),
    )
    assessment_method = _text(_("考核办法"), required=False, rows=3, max_length=2000)
    sign_within_days = forms.IntegerField(
        label=_("签署期限（天）"),
        min_value=1,
        max_value=90,
        initial=7,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        help_text=_("下达后多少天内签署，逾期未签将提醒并在签署率中标为逾期。"),
        error_messages={
            "min_value": _("签署期限须在1到90天之间。"),
            "max_value": _("签署期限须在1到90天之间。"),
            "invalid": _("签署期限须为整数天数。"),
        },
    )
    campaign: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("专项行动"),
        queryset=None,
        required=False,
        empty_label=_("（不属于专项行动：年度承诺）"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self, *args: Any, kind: str, campaigns: Any, items: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        cast("forms.ModelChoiceField[Any]", self.fields["campaign"]).queryset = campaigns
        if kind == LetterTemplate.Kind.PLEDGE:
            del self.fields["assessment_method"]
            self.item_rows, self.custom_count = [], 0
        else:
            del self.fields["campaign"]
            self.add_item_fields(items or [])

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "body": data["body"],
            "sign_within_days": data["sign_within_days"],
        }
        if self.kind == LetterTemplate.Kind.PLEDGE:
            fields["campaign"] = data.get("campaign")
        else:
            fields["items"] = self.items_value()
            fields["assessment_method"] = data.get("assessment_method") or ""
        return fields


class LetterItemsForm(ItemsMixin, forms.Form):
    """One copy's own items (before issuing), or a revision's (with its reason)."""

    def __init__(self, *args: Any, items: list[dict[str, Any]], reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason:
            self.fields["reason"] = _text(
                _("修订原因"), max_length=200, error_messages={"required": _("请填写修订原因。")}
            )
        self.add_item_fields(items)


class ReviseForm(forms.Form):
    """A pledge's revision: no items, only the reason (the text is the template's)."""

    reason = _text(_("修订原因"), max_length=200, error_messages={"required": _("请填写修订原因。")})
    item_rows: list[Any] = []


class WithdrawForm(forms.Form):
    reason = _text(
        _("撤回原因"),
        max_length=200,
        error_messages={"required": _("请填写撤回原因。"), "max_length": _("原因不能超过200个字。")},
    )


class IssueForm(forms.Form):
    key = _key_field()


class SignForm(forms.Form):
    key = _key_field()
    version = forms.IntegerField(widget=forms.HiddenInput)
    typed_name = forms.CharField(
        label=_("签名"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-lg", "autocomplete": "off", "autocapitalize": "off"}
        ),
        error_messages={"required": _("请输入您的姓名以签署。")},
    )
    confirmed = forms.BooleanField(
        label=_("本人已阅读并承诺履行上述责任"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, signer_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].widget.attrs["placeholder"] = _("请输入您的姓名：%(name)s") % {"name": signer_name}


class CountersignForm(forms.Form):
    # The version the official saw on the page: revised since, the service refuses the scan.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    scan = forms.FileField(
        label=_("纸质签字件（PDF、JPG 或 PNG）"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": "application/pdf,image/jpeg,image/png"}
        ),
        error_messages={"required": _("请选择签字件的扫描文件。"), "empty": _("所选文件是空的。")},
    )
    signed_name = _text(
        _("纸质文件上的签字人"),
        max_length=64,
        error_messages={"required": _("请填写纸质文件上的签字人姓名。")},
    )


class AddressFilterForm(forms.Form):
    """The enterprise filter of the addressing page (GET, and repeated in the POST for 全部匹配)."""

    node = forms.ChoiceField(label=_("所在区域"), required=False)
    sector = forms.ChoiceField(label=_("行业领域"), required=False)
    risk = forms.ChoiceField(label=_("风险等级"), required=False)
    q = forms.CharField(label=_("名称"), required=False, max_length=60)

    def __init__(self, *args: Any, nodes: Any, sectors: Any, risks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "node": [("", _("全部区域")), *((str(n.pk), n.name) for n in nodes)],
            "sector": [("", _("全部行业")), *((str(s.pk), s.name) for s in sectors)],
            "risk": [("", _("全部等级")), *risks],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options
        for field in self.fields.values():
            css = (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
