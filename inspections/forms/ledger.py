"""The ledger's (隐患台账) filter form: every choice is limited to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaigns.selectors import campaigns_none, campaigns_referenced_by
from inspections.ledger import DEFAULT_SORT, SORTS
from inspections.models import LEDGER_OPTIONS_VERSION, Hazard
from inspections.scope import hazards_visible_to
from safetyops.core import fields
from safetyops.core.versions import cache_version, cache_version_bump
from safetyops.core.widgets import FastSelect, keep_model_choices
from safetyops.orgs.forms import FILTER_OPTIONS_VERSION
from safetyops.orgs.models import Node, Sector
from safetyops.orgs.scope import nodes_visible_to, scope_for

SORT_CHOICES = [
    ("-registered", _("登记时间（新→旧）")),
    ("registered", _("登记时间（旧→新）")),
    ("deadline", _("整改期限（近→远）")),
    ("-deadline", _("整改期限（远→近）")),
    ("number", _("隐患编号（升序）")),
    ("-number", _("隐患编号（降序）")),
]


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=64)
    node = fields.ModelChoiceField(
        label=_("地区"),
        queryset=Node.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所选地区不在您的管辖范围内，请重新选择。")},
        widget=FastSelect,
    )
    sector = fields.ModelChoiceField(
        label=_("行业领域"), queryset=Sector.objects.all(), required=False, widget=FastSelect
    )
    level = forms.ChoiceField(
        label=_("等级"), choices=[("", _("全部等级")), *Hazard.Level.choices], required=False, widget=FastSelect
    )
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部状态")), ("open", _("未销号（全部在办）")), *Hazard.Status.choices],
        required=False,
        widget=FastSelect,
    )
    source = forms.ChoiceField(
        label=_("来源"), choices=[("", _("全部来源")), *Hazard.Source.choices], required=False, widget=FastSelect
    )
    campaign = fields.ModelChoiceField(
        label=_("专项行动"), queryset=campaigns_none(), required=False, widget=FastSelect
    )
    registered_from = fields.RecordDateField(label=_("登记日期自"), required=False)
    registered_to = fields.RecordDateField(label=_("至"), required=False)
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)
    listed = forms.BooleanField(label=_("仅挂牌督办"), required=False)
    extension_pending = forms.BooleanField(label=_("延期待审批"), required=False)
    # Not a ChoiceField: an unknown value falls back to the default instead of rejecting the filter.
    sort = forms.CharField(label=_("排序"), required=False, widget=FastSelect(choices=SORT_CHOICES))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        nodes = nodes_visible_to(user)
        if scope.node_level not in (Node.Level.TOWNSHIP, Node.Level.VILLAGE):
            nodes = nodes.exclude(level=Node.Level.VILLAGE)  # a county has hundreds of villages
        self.fields["node"].queryset = nodes.order_by("path")
        self.fields["node"].label_from_instance = lambda node: "　" * max(node.depth - 1, 0) + node.name
        self.fields["node"].empty_label = _("全部地区")
        self.fields["sector"].empty_label = _("全部行业")
        if scope.enterprise_id is not None:
            # An enterprise picks among its own sectors, not the county's thirty-odd (none if it has one).
            self.fields["sector"].queryset = Sector.objects.filter(enterprises__pk=scope.enterprise_id).order_by("pk")
        # Only campaigns with hazards in the user's scope: the list never names another area's work.
        self.fields["campaign"].queryset = campaigns_referenced_by(hazards_visible_to(user))
        self.fields["campaign"].empty_label = _("全部专项行动")
        # The querysets above still validate a submitted choice; the lists drawn are kept (see below).
        version = cache_version(LEDGER_OPTIONS_VERSION, FILTER_OPTIONS_VERSION)  # the latter: orgs' bulk writes
        key = f"{LEDGER_OPTIONS_VERSION}:{version}:{scope.cache_key}:{get_language()}"
        keep_model_choices(self, ("node", "sector", "campaign"), key=key)
        self.show_sector = scope.enterprise_id is None or len(self.fields["sector"].widget.choices) > 2
        for formfield in self.fields.values():
            if isinstance(formfield, forms.BooleanField):
                formfield.widget.attrs["class"] = "form-check-input"
            elif isinstance(formfield.widget, forms.Select):
                formfield.widget.attrs["class"] = "form-select form-select-sm"
            else:
                formfield.widget.attrs["class"] = "form-control form-control-sm"
        for name in ("registered_from", "registered_to"):
            self.fields[name].widget.input_type = "date"
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"placeholder": _("编号、描述或企业名称"), "autocomplete": "off"})

    def narrows(self) -> bool:
        """Whether the (valid) filter narrows the list: anything but the order."""
        return any(value for name, value in self.cleaned_data.items() if name != "sort")

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or DEFAULT_SORT
        return sort if sort in SORTS else DEFAULT_SORT

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("registered_from"), data.get("registered_to")
        if start and end and start > end:
            self.add_error("registered_to", _("结束日期不能早于开始日期。"))
        return data

    def summary(self) -> str:
        """The filter in words, for the export's title block: 地区：东城镇；等级：重大隐患 ..."""
        if not self.is_valid():
            return ""
        data = self.cleaned_data
        parts: list[str] = []
        for name in ("q", "node", "sector", "level", "status", "source", "campaign"):
            value = data.get(name)
            if value in (None, ""):
                continue
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                value = dict(field.choices)[value]
            parts.append(f"{field.label}：{value}")
        start, end = data.get("registered_from"), data.get("registered_to")
        if start or end:
            parts.append(f"{_('登记日期')}：{start or ''}—{end or ''}")
        parts += [str(self.fields[name].label) for name in ("overdue", "listed", "extension_pending") if data.get(name)]
        return "；".join(parts) or str(_("全部"))


# The area, sector and campaign lists are the same for everyone of one scope and language, and are
# read on every view of the ledger: they are kept under a version that every change to what they
# read replaces (nodes, sectors, enterprises and their sectors, campaigns, a hazard's campaign;
# signals in InspectionsConfig.ready, the hazards' bulk writes in HazardQuerySet).
def ledger_options_changed(**kwargs: Any) -> None:
    """A receiver for the changes of anything the lists read."""
    cache_version_bump(LEDGER_OPTIONS_VERSION)


def hazard_saved(sender: Any, instance: Hazard, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    """A hazard's campaign may add a campaign to a scope's list (or, changed, take one away)."""
    if created and instance.campaign_id is None:
        return
    if update_fields is not None and not {"campaign", "campaign_id"}.intersection(update_fields):
        return  # the services' steps save their own fields
    ledger_options_changed()


def hazard_deleted(sender: Any, instance: Hazard, **kwargs: Any) -> None:
    if instance.campaign_id is not None:
        ledger_options_changed()
