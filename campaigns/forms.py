"""Forms of the campaign pages. They check what a person can fix on the spot and say it in Chinese;
the services check again (state, organiser, units in the subtree), being the only code that
changes a campaign. Choices are limited to the user's subtree."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from campaigns.models import Activity, Campaign
from campaigns.proposals import Proposal
from campaigns.reports import Prefilled
from safetyops.core import fields, records
from safetyops.evidence.forms import EvidenceField
from safetyops.orgs.models import Department, Enterprise, Node, Sector


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请选择日期。"), "invalid": _("日期格式不正确，例如 2026-06-16。")},
    )


def checklist_templates_active() -> QuerySet[Any]:
    """The active checklists (inspections' model, reached through the campaign's key: no import)."""
    model: Any = Campaign._meta.get_field("checklist_template").related_model
    return model.objects.filter(is_active=True).order_by("sort_order", "pk")


def _key_field() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, required=False, initial=lambda: uuid.uuid4().hex)


# The campaign --------------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Campaign.Kind.choices)
    topic = forms.ChoiceField(label=_("整治专题"), choices=[("", "—"), *Campaign.Topic.choices], required=False)
    name = forms.CharField(label=_("名称"), max_length=128, error_messages={"required": _("请填写行动名称。")})
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    theme = forms.CharField(label=_("主题"), max_length=128, required=False)
    starts_on = _date(_("开始日期"))
    ends_on = _date(_("结束日期"))
    description = forms.CharField(label=_("工作要求"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    goal_coverage = forms.IntegerField(label=_("覆盖率目标（%）"), min_value=0, max_value=100, initial=100)
    goal_rectification = forms.IntegerField(label=_("整改率目标（%）"), min_value=0, max_value=100, initial=90)
    scope_nodes = fields.ModelMultipleChoiceField(
        label=_("范围（地区）"),
        queryset=Node.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则为组织单位全部辖区。"),
    )
    scope_sectors = fields.ModelMultipleChoiceField(
        label=_("范围（行业领域）"),
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("不选则为全部行业；选择上级行业包含其下属行业。"),
    )
    scope_risk_levels = forms.MultipleChoiceField(
        label=_("范围（风险等级）"),
        choices=Enterprise.RiskLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope_codes = forms.CharField(
        label=_("指定企业（统一社会信用代码，每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("填写后只对所列企业开展，不再按地区、行业和风险等级确定范围。"),
    )
    checklist_template = fields.ModelChoiceField(
        label=_("检查表"), queryset=checklist_templates_active(), required=False
    )
    plan = EvidenceField(label=_("实施方案（PDF）"), required=False)

    def __init__(self, *args: Any, node: Node, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.node = node
        self._field("scope_nodes").queryset = Node.objects.filter(parent=node).order_by("code")
        self._field("scope_sectors").queryset = Sector.objects.order_by("sort_order", "code")

    def _field(self, name: str) -> Any:
        return self.fields[name]

    def clean_scope_codes(self) -> list[Enterprise]:
        codes = [line.strip().upper() for line in self.cleaned_data.get("scope_codes", "").splitlines() if line.strip()]
        if not codes:
            return []
        found = {
            e.credit_code: e
            for e in Enterprise.objects.filter(credit_code__in=codes, node__path__startswith=self.node.path)
        }
        missing = [code for code in codes if code not in found]
        if missing:
            raise ValidationError(_("以下代码在本辖区没有对应企业：%(codes)s") % {"codes": "、".join(missing[:10])})
        return list(found.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        if data.get("kind") == Campaign.Kind.SPECIAL and not data.get("topic"):
            self.add_error("topic", _("专项整治须选择整治专题。"))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["scope_enterprises"] = data.pop("scope_codes")
        data.pop("plan", None)
        data["topic"] = data.get("topic") or ""
        return data

    @classmethod
    def initial_of(cls, campaign: Campaign) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(campaign, name)
            for name in (
                "kind",
                "topic",
                "name",
                "year",
                "theme",
                "starts_on",
                "ends_on",
                "description",
                "goal_coverage",
                "goal_rectification",
                "scope_risk_levels",
            )
        }
        initial["checklist_template"] = campaign.checklist_template_id
        initial["scope_nodes"] = list(campaign.scope_nodes.values_list("pk", flat=True))
        initial["scope_sectors"] = list(campaign.scope_sectors.values_list("pk", flat=True))
        initial["scope_codes"] = "\n".join(campaign.scope_enterprises.values_list("credit_code", flat=True))
        return initial

    @classmethod
    def initial_of_proposal(cls, proposal: Proposal) -> dict[str, Any]:
        initial = dict(proposal.fields)
        if proposal.sector_codes:
            initial["scope_sectors"] = list(
                Sector.objects.filter(code__in=proposal.sector_codes).values_list("pk", flat=True)
            )
        if proposal.checklist_name:
            initial["checklist_template"] = (
                checklist_templates_active().filter(name=proposal.checklist_name).values_list("pk", flat=True).first()
            )
        return initial


class _ProposedForm(forms.Form):
    """A row of the proposal: compact inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget.attrs["class"] = "form-control form-control-sm"


class ProposedActivityForm(_ProposedForm):
    include = forms.BooleanField(label=_("安排"), required=False, initial=True)
    kind = forms.ChoiceField(choices=Activity.Kind.choices, widget=forms.HiddenInput)
    title = forms.CharField(label=_("活动名称"), max_length=128)
    planned_on = _date(_("计划日期"), required=False)
    due_on = _date(_("结果报送期限"), required=False)
    description = forms.CharField(required=False, widget=forms.HiddenInput)


class ProposedTaskForm(_ProposedForm):
    include = forms.BooleanField(label=_("下发"), required=False, initial=True)
    title = forms.CharField(label=_("任务名称"), max_length=128)
    deadline = _date(_("报送期限"))
    figures = forms.CharField(widget=forms.HiddenInput, required=False)
    instructions = forms.CharField(required=False, widget=forms.HiddenInput)


ProposedActivities = forms.formset_factory(ProposedActivityForm, extra=0)
ProposedTasks = forms.formset_factory(ProposedTaskForm, extra=0)


# Units ---------------------------------------------------------------------------------------------


def unit_choices(node: Node) -> list[tuple[str, Any]]:
    """The units work may be addressed to, as "node:1" and "department:2": the organiser's child
    nodes and its departments (enterprises are named by credit code)."""
    nodes = [(f"node:{n.pk}", n.name) for n in Node.objects.filter(parent=node).order_by("code")]
    departments = [(f"department:{d.pk}", d.name) for d in Department.objects.filter(node=node).order_by("name")]
    groups: list[tuple[str, Any]] = []
    if nodes:
        groups.append((str(_("下级地区")), nodes))
    if departments:
        groups.append((str(_("部门")), departments))
    return groups


def resolve_units(values: list[str], codes: str, node: Node) -> list[Node | Department | Enterprise]:
    ids: dict[str, list[int]] = {"node": [], "department": [], "enterprise": []}
    for value in values:
        kind, _sep, pk = value.partition(":")
        if kind in ids and pk.isdigit():
            ids[kind].append(int(pk))
    units: list[Node | Department | Enterprise] = [
        *Node.objects.filter(pk__in=ids["node"], path__startswith=node.path).order_by("code"),
        *Department.objects.filter(pk__in=ids["department"], node__path__startswith=node.path).order_by("name"),
    ]
    wanted = [line.strip().upper() for line in codes.splitlines() if line.strip()]
    if wanted:
        found = list(Enterprise.objects.filter(credit_code__in=wanted, node__path__startswith=node.path))
        missing = set(wanted) - {e.credit_code for e in found}
        if missing:
            raise ValidationError(
                _("以下代码在本辖区没有对应企业：%(codes)s") % {"codes": "、".join(sorted(missing)[:10])}
            )
        units += found
    return units


class _UnitsForm(forms.Form):
    units = forms.MultipleChoiceField(
        label=_("承办单位"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    unit_codes = forms.CharField(
        label=_("承办企业（统一社会信用代码，每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, node: Node, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.node = node
        units: Any = self.fields["units"]
        units.choices = unit_choices(node)
        if not self.is_bound and "units" not in self.initial:
            self.initial["units"] = [value for _g, options in unit_choices(node)[:1] for value, _n in options]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["unit_list"] = resolve_units(data.get("units") or [], data.get("unit_codes") or "", self.node)
        except ValidationError as exc:
            self.add_error("unit_codes", exc)
            return data
        if not data["unit_list"]:
            self.add_error("units", _("请至少选择一个承办单位。"))
        return data


class ActivityForm(_UnitsForm):
    kind = forms.ChoiceField(label=_("活动类型"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=128, required=False)
    planned_on = _date(_("计划日期"), required=False)
    due_on = _date(_("结果报送期限"), required=False)
    description = forms.CharField(label=_("活动要求"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["kind", "title", "planned_on", "due_on", "description", "units", "unit_codes"]


def figure_choices() -> list[tuple[str, str]]:
    return [(f.key, f"{f.label}（{f.unit}）" if f.unit else str(f.label)) for f in records.figures().values()]


class TaskForm(_UnitsForm):
    title = forms.CharField(label=_("任务名称"), max_length=128, error_messages={"required": _("请填写任务名称。")})
    deadline = _date(_("报送期限"))
    period_start = _date(_("统计起始日"), required=False)
    period_end = _date(_("统计截止日"), required=False)
    figures = forms.MultipleChoiceField(
        label=_("报送指标（从指标库中选择）"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    free_figures = forms.CharField(
        label=_("自定义指标（每行一个：名称|单位）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "宣传资料发放|份"}),
    )
    instructions = forms.CharField(label=_("报送要求"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = [
        "title",
        "deadline",
        "period_start",
        "period_end",
        "figures",
        "free_figures",
        "instructions",
        "units",
        "unit_codes",
    ]

    def __init__(self, *args: Any, node: Node, **kwargs: Any) -> None:
        super().__init__(*args, node=node, **kwargs)
        figures: Any = self.fields["figures"]
        figures.choices = figure_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wanted: list[dict[str, Any]] = [{"key": key} for key in data.get("figures") or []]
        for n, line in enumerate((data.get("free_figures") or "").splitlines(), start=1):
            if not line.strip():
                continue
            label, _sep, unit = line.partition("|")
            wanted.append({"key": f"free_{n}", "label": label.strip(), "unit": unit.strip()})
        if not wanted:
            self.add_error("figures", _("请至少选择或填写一个报送指标。"))
        data["figure_list"] = wanted
        return data


# A unit's work ----------------------------------------------------------------------------------------


class ActivityResultForm(forms.Form):
    held_on = _date(_("开展日期"))
    place = forms.CharField(label=_("地点"), max_length=128, required=False)
    participants = forms.IntegerField(
        label=_("参加人数"),
        min_value=0,
        max_value=10_000_000,
        required=False,
        error_messages={"invalid": _("参加人数应为整数。"), "min_value": _("参加人数不能为负数。")},
    )
    summary = forms.CharField(
        label=_("开展情况"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写活动开展情况。")},
    )
    photos = EvidenceField(label=_("活动照片"), images_only=True, camera=True, required=False)
    key = _key_field()

    def clean_held_on(self) -> date:
        held: date = self.cleaned_data["held_on"]
        return held


class ReportForm(forms.Form):
    """One unit's report: a field per figure, pre-filled; a figure changed from the system's value
    needs a note (the service refuses it without one)."""

    text = forms.CharField(label=_("工作情况"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = EvidenceField(label=_("附件（照片或PDF）"), required=False)
    zero = forms.BooleanField(label=_("零报告（本期无相关情况）"), required=False)
    key = _key_field()

    def __init__(self, *args: Any, prefilled: list[Prefilled], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prefilled = prefilled
        self.fields["attachments"].widget.attrs["class"] = "form-control"
        for item in prefilled:
            self.fields[f"value_{item.key}"] = forms.CharField(
                label=item.label,
                required=False,
                initial="" if item.value is None else str(item.value),
                widget=forms.TextInput(attrs={"inputmode": "decimal" if item.decimal else "numeric"}),
            )
            self.fields[f"note_{item.key}"] = forms.CharField(label=_("修改说明"), required=False, max_length=200)

    def rows(self) -> list[tuple[Prefilled, Any, Any]]:
        return [(item, self[f"value_{item.key}"], self[f"note_{item.key}"]) for item in self.prefilled]

    def values(self) -> dict[str, str]:
        return {item.key: self.cleaned_data.get(f"value_{item.key}", "") for item in self.prefilled}

    def notes(self) -> dict[str, str]:
        return {item.key: self.cleaned_data.get(f"note_{item.key}", "") for item in self.prefilled}


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("退回须写明原因，便于承办单位修改。")},
    )
