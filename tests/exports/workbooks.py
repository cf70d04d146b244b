"""What a reader sees in a workbook, to compare the one a job stores with the one the request sends."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook


def sheet_cells(sheet: Any) -> dict[str, Any]:
    """A sheet's layout, and per cell its value, type and format."""
    return {
        "title": sheet.title,
        "freeze": sheet.freeze_panes,
        "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
        "widths": {k: round(d.width, 2) for k, d in sheet.column_dimensions.items() if d.width},
        "cells": [
            [
                (c.value, c.data_type, c.number_format, bool(c.quotePrefix), bool(c.font.b), c.fill.fgColor.rgb)
                for c in row
            ]
            for row in sheet.iter_rows()
        ],
    }


def active_cells(content: bytes) -> dict[str, Any]:
    return sheet_cells(load_workbook(io.BytesIO(content)).active)


def workbook_cells(content: bytes) -> list[dict[str, Any]]:
    """Every sheet, in order."""
    return [sheet_cells(sheet) for sheet in load_workbook(io.BytesIO(content)).worksheets]
