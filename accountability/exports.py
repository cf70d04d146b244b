"""The signing-rate workbook (签署情况): sheet 1 the rate per child node of the user's node, for
目标责任书 and 安全承诺书 (accountability/coverage.py), sheet 2 who has not signed. Filtered like the
coverage page (year, kind, campaign: GET parameters). Every str goes out through
safetyops.core.spreadsheets, so a unit or a title starting with "=" stays text."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from accountability.coverage import rate_of, rates_by_child, unsigned
from accountability.models import Letter, LetterTemplate
from accountability.rights import AccountabilityRight
from accountability.selectors import viewer_part
from safetyops.core.dbrouting import replica_reads
from safetyops.core.params import parse_int
from safetyops.core.spreadsheets import local_naive, sheet_heading, sheet_value
from safetyops.exports.registry import (
    ExportKind,
    ExportRun,
    Progress,
    back_to,
    counted,
    ignored,
    register_export,
    workbook_run,
)
from safetyops.orgs.scope import scope_for

COVERAGE = "accountability.coverage"

CHUNK = 2000


@dataclass(frozen=True)
class CoverageFilter:
    """The coverage page's filters: a year (this year by default), a kind (both by default) and a
    campaign (its pledges only) or one template (its copies only). Anything that does not parse is
    left at its default."""

    year: int
    kind: str | None = None
    campaign_id: int | None = None
    template_id: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, Any], *, today: datetime.date | None = None) -> CoverageFilter:
        kind = str(query.get("kind") or "")
        return cls(
            year=parse_int(query.get("year"), 2000, 2100) or (today or timezone.localdate()).year,
            kind=kind if kind in LetterTemplate.Kind.values else None,
            campaign_id=parse_int(query.get("campaign"), 1),
            template_id=parse_int(query.get("template"), 1),
        )

    def kinds(self) -> list[str]:
        return [self.kind] if self.kind else list(LetterTemplate.Kind.values)

    def apply(self, letters: QuerySet[Letter]) -> QuerySet[Letter]:
        letters = letters.filter(template__year=self.year)
        if self.kind:
            letters = letters.filter(template__kind=self.kind)
        if self.campaign_id is not None:
            letters = letters.filter(template__campaign_id=self.campaign_id)
        if self.template_id is not None:
            letters = letters.filter(template_id=self.template_id)
        return letters


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=local_naive(value))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return sheet_value(sheet, value)


def _append(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    sheet.append([_cell(sheet, value) for value in values])


@replica_reads  # read-only aggregation: on the read replica when there is one
def coverage_workbook(
    user: Any, filters: CoverageFilter, *, today: datetime.date | None = None, rows_written: Progress = ignored
) -> Workbook:
    """签署率 (per child node and kind, with the total) and 未签署名单 (the longest overdue first;
    `rows_written` follows its rows)."""
    today = today or timezone.localdate()
    node, answered = viewer_part(user)
    letters = filters.apply(answered)
    kinds = {key: str(label) for key, label in LetterTemplate.Kind.choices}
    scope_name = node.name if node is not None else ""
    workbook = Workbook(write_only=True)

    rates = workbook.create_sheet(_("签署率"))
    sheet_heading(
        rates,
        _("%(node)s %(year)s年度责任书、承诺书签署情况") % {"node": scope_name, "year": filters.year},
        [_("单位"), _("类型"), _("应签（份）"), _("已签（份）"), _("未签（份）"), _("逾期未签（份）"),
         _("签署率（%）")],
    )  # fmt: skip
    for kind in filters.kinds():
        of_kind = letters.filter(template__kind=kind)
        rows = rates_by_child(of_kind, node, today=today, own_label=_("本级")) if node is not None else []
        for label, rate in [*((row.label, row.rate) for row in rows), (_("合计"), rate_of(of_kind, today))]:
            _append(rates, [label, kinds[kind], rate.addressed, rate.signed, rate.unsigned, rate.overdue, rate.rate])

    missing = workbook.create_sheet(_("未签署名单"))
    sheet_heading(
        missing,
        _("%(node)s %(year)s年度未签署名单") % {"node": scope_name, "year": filters.year},
        [
            _("序号"),
            _("单位"),
            _("所在地区"),
            _("类型"),
            _("标题"),
            _("下达单位"),
            _("下达时间"),
            _("签署期限"),
            _("逾期天数"),
        ],
    )
    rows_qs = unsigned(letters).values_list(
        "node__name",
        "department__name",
        "enterprise__name",
        "area__name",
        "template__kind",
        "template__title",
        "template__node__name",
        "issued_at",
        "due_on",
    )
    for number, row in enumerate(counted(rows_qs.iterator(chunk_size=CHUNK), rows_written), 1):
        node_name, department, enterprise, area, kind, title, issuer, issued_at, due_on = row
        late = (today - due_on).days if due_on is not None and due_on < today else 0
        _append(
            missing,
            [
                number,
                node_name or department or enterprise,
                area,
                kinds.get(kind, kind),
                title,
                issuer,
                issued_at,
                due_on,
                late,
            ],
        )
    return workbook


def build_coverage_export(user: Any, params: QueryDict) -> ExportRun:
    """The coverage page's filters; its long sheet is who has not signed (a city's 安全承诺书 to
    every enterprise: tens of thousands), which decides between the request and a worker."""
    if scope_for(user).empty:
        raise PermissionDenied
    filters = CoverageFilter.from_query(params)
    _node, answered = viewer_part(user)
    return workbook_run(
        total=unsigned(filters.apply(answered)).order_by().count(),
        filename=f"签署情况-{filters.year}-{timezone.localdate():%Y%m%d}.xlsx",
        build=lambda written: coverage_workbook(user, filters, rows_written=written),
    )


def register() -> None:
    register_export(
        ExportKind(
            name=COVERAGE,
            label=_("签署情况"),
            right=AccountabilityRight.EXPORT,
            build=build_coverage_export,
            back_url=back_to("accountability:coverage"),
        )
    )
