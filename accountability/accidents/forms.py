"""The accident pages' forms: Beijing-time datetime-local inputs, choices limited to the user's
scope; the services check every rule again (accidents/services.py) and speak for the rest."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accountability.accidents import services
from accountability.accidents.errors import AccidentError
from accountability.models import Accident, AccidentCategory
from safetyops.core.versions import cache_version
from safetyops.core.widgets import FastSelect, keep_model_choices
from safetyops.orgs.forms import FILTER_OPTIONS_VERSION
from safetyops.orgs.models import Enterprise, Node, Sector
from safetyops.orgs.scope import departments_visible_to, enterprises_visible_to, nodes_visible_to, scope_for

LOCAL = "%Y-%m-%dT%H:%M"


def _when(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
        error_messages={"required": _("请填写%(f)s。") % {"f": label}, "invalid": _("请填写正确的日期和时间。")},
    )


def _day(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写%(f)s。") % {"f": label}, "invalid": _("请填写正确的日期。")},
    )


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        initial=0,
        min_value=0,
        max_value=services.CASUALTY_MAX,
        error_messages={
            "required": _("请填写%(f)s（没有请填0）。") % {"f": label},
            "invalid": _("%(f)s必须是整数。") % {"f": label},
            "min_value": _("%(f)s不能为负数。") % {"f": label},
            "max_value": _("%(f)s过大，请核对。") % {"f": label},
        },
    )


class Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class LossField(forms.CharField):
    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        try:
            return services.check_loss(value or "0")
        except AccidentError as exc:
            raise forms.ValidationError(exc.message) from None


class FiguresForm(Styled):
    deaths = _count(_("死亡人数"))
    serious_injuries = _count(_("重伤人数（含急性工业中毒）"))
    minor_injuries = _count(_("轻伤人数"))
    missing = _count(_("下落不明人数"))
    direct_loss = LossField(
        label=_("直接经济损失（万元）"), initial="0", required=False, help_text=_("单位：万元，最多两位小数。")
    )


class AccidentForm(FiguresForm):
    # The post's idempotency key: a double click on 登记 makes one accident (services.accident_draft_save).
    key = forms.CharField(widget=forms.HiddenInput, required=False, initial=lambda: uuid.uuid4().hex)
    title = forms.CharField(label=_("事故名称"), max_length=128)
    occurred_at = _when(_("发生时间（北京时间）"))
    reported_at = _when(_("报告时间（北京时间）"))
    enterprise: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("事故单位"), queryset=Enterprise.objects.none(), required=False
    )
    node: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("所在地区"),
        queryset=Node.objects.none(),
        required=False,
        help_text=_("没有事故单位时（如道路、公共场所）必选。"),
    )
    place = forms.CharField(label=_("事故地点"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("事故类别"), choices=AccidentCategory.choices)
    sector = forms.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.all(), required=False)
    unit_overview = forms.CharField(
        label=_("一、事故发生单位概况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    scene = forms.CharField(
        label=_("二、事故发生的时间、地点以及事故现场情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    account = forms.CharField(label=_("三、事故的简要经过"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    casualties_note = forms.CharField(
        label=_("四、事故已经造成或者可能造成的伤亡人数（包括下落不明的人数）和初步估计的直接经济损失"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    measures = forms.CharField(label=_("五、已经采取的措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    other = forms.CharField(label=_("六、其他应当报告的情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["title", "occurred_at", "reported_at", "enterprise", "node", "place", "category", "sector"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises_visible_to(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["node"].queryset = nodes_visible_to(user).order_by("path")  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, accident: Accident) -> dict[str, Any]:
        from django.utils import timezone

        data = {name: getattr(accident, name) for name in cls.base_fields if name != "key"}
        data["occurred_at"] = timezone.localtime(accident.occurred_at)
        data["reported_at"] = timezone.localtime(accident.reported_at)
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        occurred, reported = data.get("occurred_at"), data.get("reported_at")
        if occurred and reported and reported < occurred:
            self.add_error("reported_at", _("报告时间不能早于事故发生时间。"))
        if not data.get("enterprise") and not data.get("node"):
            self.add_error("node", _("请选择事故单位，或选择事故地点所在的地区。"))
        return data


class ReviseForm(FiguresForm):
    reason = forms.CharField(
        label=_("补报原因"),
        required=False,
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("超过第十三条规定的补报期限（30日，道路交通和火灾7日）时必填。"),
    )


class ForwardForm(Styled):
    forwarded_at = _when(_("上报时间（北京时间）"))
    forwarded_to = forms.CharField(label=_("上报至"), max_length=64, required=False)


class MisreportForm(Styled):
    kind = forms.ChoiceField(label=_("认定"), choices=Accident.Misreport.choices, required=False)
    reason = forms.CharField(
        label=_("理由"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写理由。")},
    )


class InvestigateForm(Styled):
    group = forms.CharField(
        label=_("事故调查组（组长、成员单位）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写事故调查组的组成。")},
    )
    started_on = _day(_("调查组成立日期"))


class ReportForm(Styled):
    report = forms.FileField(
        label=_("事故调查报告（PDF）"), error_messages={"required": _("请上传事故调查报告（PDF）。")}
    )
    submitted_on = _day(_("调查报告提交日期"))


class ReplyForm(Styled):
    replied_on = _day(_("批复日期"))
    reference = forms.CharField(label=_("批复文号"), max_length=64, error_messages={"required": _("请填写批复文号。")})


class ResponsibilityForm(Styled):
    unit = forms.ChoiceField(label=_("责任单位"))
    finding = forms.CharField(
        label=_("责任认定"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写责任认定内容。")},
    )

    def __init__(self, *args: Any, user: Any, accident: Accident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units: dict[str, Any] = {}
        for node in nodes_visible_to(user).filter(path__in=_path_and_above(accident.node.path)).order_by("path"):
            self.units[f"node:{node.pk}"] = node
        for department in departments_visible_to(user).select_related("node").order_by("name")[:200]:
            self.units[f"department:{department.pk}"] = department
        if accident.enterprise_id:
            self.units[f"enterprise:{accident.enterprise_id}"] = accident.enterprise
        choices = [("", "---------")] + [(key, f"{_kind(unit)}：{unit}") for key, unit in self.units.items()]
        self.fields["unit"].choices = choices  # type: ignore[attr-defined]

    def clean_unit(self) -> Any:
        return self.units.get(self.cleaned_data["unit"])


def _path_and_above(path: str) -> list[str]:
    from safetyops.orgs.scope import path_and_above

    return path_and_above(path)


def _kind(unit: Any) -> str:
    from safetyops.orgs.models import Department, Node

    if isinstance(unit, Node):
        return str(_("地区"))
    if isinstance(unit, Department):
        return str(_("部门"))
    return str(_("企业"))


class FollowUpDueForm(Styled):
    due_on = _day(_("完成期限"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class FollowUpDoneForm(Styled):
    note = forms.CharField(
        label=_("落实情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写落实情况。")},
    )
    evidence = MultipleFileField(label=_("佐证材料（照片或 PDF，可多选）"), required=False)


# The list filter's areas are kept under this key (with orgs' FILTER_OPTIONS_VERSION, replaced by
# every change to a node), the scope and the language.
LIST_FILTER_OPTIONS = "accountability:accident-filter-options:2"  # :2 the blank reads 全部地区


class ListFilterForm(Styled):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("等级"), required=False, widget=FastSelect)
    category = forms.ChoiceField(label=_("类别"), required=False, widget=FastSelect)
    node: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("地区"), queryset=Node.objects.none(), required=False, widget=FastSelect
    )
    status = forms.ChoiceField(label=_("状态"), required=False, widget=FastSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from accountability.models import AccidentLevel

        super().__init__(*args, **kwargs)
        blank = [("", _("全部"))]
        for name, choices in (
            ("level", AccidentLevel.choices),
            ("category", AccidentCategory.choices),
            ("status", Accident.Status.choices),
        ):
            self.fields[name].choices = blank + list(choices)  # type: ignore[attr-defined]
        self.fields["node"].queryset = nodes_visible_to(user).exclude(level="village").order_by("path")  # type: ignore[attr-defined]
        self.fields["node"].empty_label = _("全部地区")  # type: ignore[attr-defined]
        # The queryset still validates a submitted area; the list drawn is kept (161 options for a city).
        version = cache_version(FILTER_OPTIONS_VERSION)
        key = f"{LIST_FILTER_OPTIONS}:{version}:{scope_for(user).cache_key}:{get_language()}"
        keep_model_choices(self, ("node",), key=key)
