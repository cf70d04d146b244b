"""The ledger's Excel export as an export kind: the same filter form and scoped selector whether it
runs in the request (up to EXPORT_SYNC_MAX_ROWS rows) or in a worker (safetyops/exports)."""

from __future__ import annotations

from typing import IO, Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.forms.ledger import LedgerFilterForm
from inspections.ledger import hazard_ledger_queryset, ledger_export_rows, write_ledger_xlsx
from inspections.rights import InspectionRight
from safetyops.exports.registry import ExportKind, ExportRefused, ExportRun, Progress, back_to, counted, register_export

HAZARD_LEDGER = "inspections.hazard_ledger"


def build_ledger_export(user: Any, params: QueryDict) -> ExportRun:
    form = LedgerFilterForm(params, user=user)
    if not form.is_valid():
        raise ExportRefused(_("筛选条件有误，请返回台账修改后再导出。"))
    now = timezone.now()
    today = timezone.localdate(now)
    hazards = hazard_ledger_queryset(user=user, filters=form.cleaned_data, today=today)
    summary = form.summary()

    def write(out: IO[bytes], progress: Progress) -> int:
        rows = counted(ledger_export_rows(hazards, today=today), progress)
        return write_ledger_xlsx(rows, out, filter_summary=summary, exported_at=now)

    return ExportRun(total=hazards.order_by().count(), filename=f"隐患台账-{today:%Y%m%d}.xlsx", write=write)


def register() -> None:
    register_export(
        ExportKind(
            name=HAZARD_LEDGER,
            label=_("隐患台账"),
            right=InspectionRight.HAZARD_EXPORT,
            build=build_ledger_export,
            back_url=back_to("inspections:hazard_ledger"),
        )
    )
