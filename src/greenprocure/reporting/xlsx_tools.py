"""Excel workbooks with openpyxl: safe sheet titles, styled tables, text that stays text.

Strings that begin with ``=``, ``+``, ``-`` or ``@`` are written as text, never as formulas, so
a bid or a supplier name cannot inject a formula into a workbook an officer opens
(CSV/formula injection; :mod:`greenprocure._xlsx`, shared with the bid template). Numbers keep
a number format so the workbook stays computable.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from greenprocure._xlsx import safe_sheet_title, set_cell

__all__ = [
    "HEADER_FILL",
    "add_sheet",
    "new_workbook",
    "safe_sheet_title",
    "set_cell",
    "workbook_bytes",
]

HEADER_FILL = PatternFill("solid", fgColor="DDEBD9")


def new_workbook() -> Workbook:
    """An empty workbook (its default sheet removed)."""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    return workbook


def add_sheet(
    workbook: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    number_formats: Sequence[str | None] | None = None,
    widths: Sequence[int] | None = None,
) -> Any:
    """A sheet with a bold, filled, frozen header row and the rows below it."""
    sheet = workbook.create_sheet(safe_sheet_title(title, workbook.sheetnames))
    for column, text in enumerate(headers, start=1):
        cell = set_cell(sheet, 1, column, str(text))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    longest = [len(str(text)) for text in headers]
    for row_index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            fmt = None
            if number_formats and column - 1 < len(number_formats):
                fmt = number_formats[column - 1]
            set_cell(sheet, row_index, column, value, fmt)
            if column - 1 < len(longest):
                longest[column - 1] = max(longest[column - 1], len(str(value or "")))
    for column, size in enumerate(longest, start=1):
        width = widths[column - 1] if widths and column - 1 < len(widths) else min(size + 2, 60)
        sheet.column_dimensions[get_column_letter(column)].width = max(width, 8)
    sheet.freeze_panes = "A2"
    return sheet


def workbook_bytes(workbook: Workbook) -> bytes:
    """The ``.xlsx`` file as bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
