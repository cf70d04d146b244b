from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safetyops.core import fields
from safetyops.core.versions import cache_version, cache_version_bump
from safetyops.core.widgets import FastSelect, keep_model_choices
from safetyops.orgs.creditcode import credit_code_problem, normalize_credit_code
from safetyops.orgs.models import Enterprise, Node, Sector
from safetyops.orgs.phones import normalize_phone, phone_problem
from safetyops.orgs.scope import enterprises_visible_to, nodes_visible_to, scope_for

PHONE_HELP = _("手机或座机号码，例如 13812345678 或 0571-88886666")


class EnterpriseForm(forms.ModelForm):
    sectors = fields.ModelMultipleChoiceField(
        label=_("行业领域"),
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个行业领域。")},
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "node",
            "sectors",
            "address",
            "principal_name",
            "principal_phone",
            "safety_officer_name",
            "safety_officer_phone",
            "status",
            "risk_level",
            "has_major_hazard_source",
            "employees",
        ]
        help_texts = {
            "credit_code": _("18位，营业执照上的代码；字母不含 I、O、S、V、Z"),
            "principal_phone": PHONE_HELP,
            "safety_officer_phone": PHONE_HELP,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["node"].queryset = nodes_visible_to(user).order_by("path")
        self.fields["node"].label_from_instance = lambda node: "　" * max(node.depth - 1, 0) + node.name
        self.fields["credit_code"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})
        self.fields["principal_phone"].widget.attrs["inputmode"] = "tel"
        self.fields["safety_officer_phone"].widget.attrs["inputmode"] = "tel"
        self.fields["employees"].widget.attrs["inputmode"] = "numeric"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_credit_code(self) -> str:
        code = normalize_credit_code(self.cleaned_data.get("credit_code", ""))
        problem = credit_code_problem(code)
        if problem:
            raise forms.ValidationError(problem)
        clash = Enterprise.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
        if clash is not None:
            if enterprises_visible_to(self.user).filter(pk=clash.pk).exists():
                raise forms.ValidationError(_("该代码已登记为“%(name)s”，请勿重复录入。") % {"name": clash.name})
            raise forms.ValidationError(_("该代码已在其他地区登记，请联系县级管理员核实企业归属。"))
        return code

    def _clean_phone(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        number = normalize_phone(value)
        if number is None:
            raise forms.ValidationError(phone_problem(value))
        return number

    def clean_principal_phone(self) -> str:
        return self._clean_phone("principal_phone")

    def clean_safety_officer_phone(self) -> str:
        return self._clean_phone("safety_officer_phone")

    def validate_unique(self) -> None:
        # Uniqueness of the credit code is checked in clean_credit_code with a scoped message.
        pass


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=64, widget=forms.TextInput)
    node = fields.ModelChoiceField(label=_("地区"), queryset=Node.objects.none(), required=False, widget=FastSelect)
    sector = fields.ModelChoiceField(label=_("行业"), queryset=Sector.objects.all(), required=False, widget=FastSelect)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *Enterprise.Status.choices], required=False, widget=FastSelect
    )
    risk_level = forms.ChoiceField(
        label=_("风险"),
        choices=[("", _("全部风险等级")), *Enterprise.RiskLevel.choices],
        required=False,
        widget=FastSelect,
    )
    major_hazard = forms.BooleanField(label=_("仅重大危险源"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes_visible_to(user).exclude(level=Node.Level.VILLAGE).order_by("path")
        self.fields["node"].empty_label = _("全部地区")
        self.fields["sector"].empty_label = _("全部行业")
        # The lists drawn are kept until a node or sector changes (FILTER_OPTIONS_VERSION).
        version = cache_version(FILTER_OPTIONS_VERSION)
        key = f"{FILTER_OPTIONS_VERSION}:{version}:{scope_for(user).cache_key}:{get_language()}"
        keep_model_choices(self, ("node", "sector"), key=key)
        for name, formfield in self.fields.items():
            if isinstance(formfield.widget, forms.Select):
                formfield.widget.attrs["class"] = "form-select form-select-sm"
            elif name != "major_hazard":
                formfield.widget.attrs["class"] = "form-control form-control-sm"
        self.fields["major_hazard"].widget.attrs["class"] = "form-check-input"
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"placeholder": _("企业名称或信用代码"), "autocomplete": "off"})


# The enterprise filter's area and sector lists are kept under this version, replaced by every
# change to a node or a sector (signals in OrgsConfig.ready; bulk writers call
# filter_options_changed themselves). The ledger's filter reads it too.
FILTER_OPTIONS_VERSION = "orgs:enterprise-filter-options"


def filter_options_changed(**kwargs: Any) -> None:
    cache_version_bump(FILTER_OPTIONS_VERSION)
