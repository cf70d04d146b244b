"""The daily board as an export kind: one row per enterprise the county's daily 承诺公告 covers (1,374
in the bench city, more where the county turns on more sectors), so above EXPORT_SYNC_MAX_ROWS a
worker writes it. The day is fixed when asked: a job run after midnight still exports that day."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accountability.daily import board as boards
from accountability.daily.documents import board_workbook
from accountability.rights import AccountabilityRight
from safetyops.exports.registry import ExportKind, ExportRun, back_to, counted, register_export, workbook_run
from safetyops.orgs.scope import scope_for

DAILY_BOARD = "accountability.daily_board"


def build_board_export(user: Any, params: QueryDict) -> ExportRun:
    """The board of `params["date"]` (today when missing), filtered by state and name as the page."""
    scope = scope_for(user)
    if scope.empty or scope.enterprise_id is not None:  # the offices' board: enterprises publish instead
        raise PermissionDenied
    day = _day(params.get("date", ""))
    result = boards.board(user, day, state=params.get("state", ""), query=params.get("q", "")[:64])
    return workbook_run(
        total=result.rows.order_by().count(),
        filename=f"承诺公告情况-{day:%Y%m%d}.xlsx",
        build=lambda written: board_workbook(counted(result.rows.iterator(chunk_size=2000), written), day),
    )


def _day(text: str) -> datetime.date:
    try:
        day = parse_date(text) if text else None
    except ValueError:
        day = None
    today = timezone.localdate()
    return today if day is None or day > today else day


def register() -> None:
    register_export(
        ExportKind(
            name=DAILY_BOARD,
            label=_("承诺公告情况"),
            right=AccountabilityRight.EXPORT,
            build=build_board_export,
            back_url=back_to("accountability:daily_board"),
        )
    )
