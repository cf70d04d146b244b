"""Forms of the 约谈/督办 pages. They check what a person can fix on the spot and say it in Chinese;
the services check again (scope, reasons, dates, who). Reasons are checkboxes over the records the
selectors offer (never typed); commitments are lines "YYYY-MM-DD 内容" (one per line, mobile-friendly)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.models import Summons
from accountability.summons.selectors import RECORD_KINDS, ReasonOption
from safetyops.evidence.forms import EvidenceField

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _text(label: Any, *, required: bool = True, rows: int = 0, max_length: int = 200, **kwargs: Any) -> forms.CharField:
    widget = (
        forms.Textarea(attrs={"rows": rows, "class": "form-control"})
        if rows
        else forms.TextInput(attrs={"class": "form-control"})
    )
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget, **kwargs)


def _date(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_INPUT,
        error_messages={"required": _("请填写%(label)s。") % {"label": label}, "invalid": _("日期格式不正确。")},
        **kwargs,
    )


def parse_commitments(text: str) -> list[tuple[datetime.date | None, str]]:
    """Lines "2026-12-31 完成储罐区整改" → [(date, text)]; a line without a date keeps None (the
    service then says which commitment lacks its deadline)."""
    items: list[tuple[datetime.date | None, str]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        head, _sep, rest = line.partition(" ")
        try:
            due = datetime.date.fromisoformat(head.strip())
        except ValueError:
            items.append((None, line))
            continue
        items.append((due, rest.strip()))
    return items


COMMITMENTS_HELP = _("每行一项：完成期限 + 空格 + 承诺内容，如“2026-12-31 完成储罐区可燃气体报警器更换”。")
MINUTES_FILE_HELP = _("可上传签字的约谈记录扫描件（PDF 或图片）。")


class ReasonsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class SummonsForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, required=False, initial=lambda: uuid.uuid4().hex)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=Summons.Kind.choices,
        widget=forms.RadioSelect,
        initial=Summons.Kind.SUMMONS,
        error_messages={"required": _("请选择约谈或督办。")},
    )
    reasons = ReasonsField(
        label=_("约谈事由"),
        error_messages={
            "required": _("请至少选择一项约谈事由。"),
            "invalid_choice": _("所选事由已不在可选范围内，请刷新后重新选择。"),
        },
    )
    held_on = _date(_("约谈日期"))
    place = _text(_("约谈地点"), error_messages={"required": _("请填写约谈地点。")})
    summoned_by = _text(_("约谈人"), error_messages={"required": _("请填写约谈人。")})
    attendees = _text(
        _("被约谈人及参加人员"), rows=2, max_length=2000, error_messages={"required": _("请填写被约谈人及参加人员。")}
    )
    summary = _text(_("约谈事由说明"), required=False, rows=3, max_length=20_000)
    minutes = _text(
        _("约谈纪要（约谈已举行时填写）"),
        required=False,
        rows=5,
        max_length=20_000,
        help_text=_("约谈已举行（日期不晚于今天）并填写纪要的，直接记为已约谈；否则保存为待约谈。"),
    )
    minutes_file = EvidenceField(label=_("约谈记录扫描件"), required=False, help_text=MINUTES_FILE_HELP)
    commitments = _text(_("整改承诺"), required=False, rows=3, max_length=10_000, help_text=COMMITMENTS_HELP)
    report_due_on = _date(_("整改报告报送期限"), required=False)

    def __init__(self, *args: Any, options: list[ReasonOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        cast(forms.ChoiceField, self.fields["reasons"]).choices = [(option.key, option.label) for option in options]

    def reason_refs(self) -> list[tuple[str, int]]:
        refs = []
        for key in self.cleaned_data["reasons"]:
            record, _sep, pk = key.partition(":")
            if record in RECORD_KINDS and pk.isdigit():
                refs.append((record, int(pk)))
        return refs

    def groups(self) -> list[tuple[str, list[tuple[ReasonOption, bool]]]]:
        """The reason checkboxes under their headings, with whether each is ticked."""
        chosen = set(self["reasons"].value() or [])
        titles = {
            "supervised": _("督办、挂牌督办的隐患"),
            "overdue": _("逾期未整改的隐患"),
            "accident": _("本地区的生产安全事故"),
            "report": _("迟报、未报的专项行动报表"),
        }
        groups = []
        for group, title in titles.items():
            rows = [(option, option.key in chosen) for option in self.options if option.group == group]
            if rows:
                groups.append((str(title), rows))
        return groups


class RecordForm(forms.Form):
    held_on = _date(_("约谈日期"))
    attendees = _text(
        _("被约谈人及参加人员"), rows=2, max_length=2000, error_messages={"required": _("请填写被约谈人及参加人员。")}
    )
    minutes = _text(_("约谈纪要"), required=False, rows=6, max_length=20_000)
    minutes_file = EvidenceField(label=_("约谈记录扫描件"), required=False, help_text=MINUTES_FILE_HELP)
    commitments = _text(_("整改承诺"), required=False, rows=4, max_length=10_000, help_text=COMMITMENTS_HELP)
    report_due_on = _date(_("整改报告报送期限"), required=False, help_text=_("不填则为约谈之日起15日。"))


class ReportForm(forms.Form):
    text = _text(
        _("书面整改报告"),
        rows=8,
        max_length=20_000,
        error_messages={"required": _("请填写书面整改报告。")},
        help_text=_("说明存在的问题、原因、整改措施及落实情况。"),
    )
    attachments = EvidenceField(label=_("附件（PDF 或图片）"), required=False)


class NoteForm(forms.Form):
    """A commitment's 完成情况, a follow-up note, a closing or cancelling reason."""

    note = _text(_("说明"), rows=3, max_length=2000)

    def __init__(self, *args: Any, label: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = label
        self.fields["note"].required = required
        self.fields["note"].error_messages["required"] = _("请填写%(label)s。") % {"label": label}


SELECT = {"class": "form-select"}


class ListFilterForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        required=False, choices=[("", _("全部类型")), *Summons.Kind.choices], widget=forms.Select(attrs=SELECT)
    )
    status = forms.ChoiceField(
        required=False, choices=[("", _("全部状态")), *Summons.Status.choices], widget=forms.Select(attrs=SELECT)
    )
    target = forms.ChoiceField(
        required=False,
        widget=forms.Select(attrs=SELECT),
        choices=[
            ("", _("全部对象")),
            ("node", _("乡镇（街道）、村")),
            ("department", _("部门")),
            ("enterprise", _("企业")),
        ],
    )
