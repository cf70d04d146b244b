"""The forms of the yearly assessment: a manual row's score, the veto review, the final remarks.
The services check the values again (bad input never changes anything)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetyops.evidence.forms import EvidenceField


class ItemScoreForm(forms.Form):
    score = forms.CharField(
        label=_("得分"),
        max_length=10,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("请填写得分。")},
    )
    note = forms.CharField(
        label=_("评分说明"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": _("请填写评分说明（依据和扣分理由）。")},
    )
    evidence = EvidenceField(label=_("佐证材料（可选，照片或PDF）"), required=False)


class VetoReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("复核结论"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择复核结论。"), "invalid_choice": _("请选择复核结论。")},
    )
    reason = forms.CharField(
        label=_("复核理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("请填写复核理由。")},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class FinaliseForm(forms.Form):
    remarks = forms.CharField(
        label=_("考核意见（可选）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
