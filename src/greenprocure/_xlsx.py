"""The two sheet helpers every workbook GreenProcure writes needs, kept in one place.

``evaluation`` (bid templates) may not import ``reporting`` (result workbooks), so both take
these from here: a valid, unique sheet title, and a cell write that keeps text beginning
with ``=``, ``+``, ``-`` or ``@`` as text, never a formula, so that a bid or supplier name
cannot inject a formula into a workbook an officer opens (CSV/formula injection).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["safe_sheet_title", "set_cell"]

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@")


def safe_sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet title: no ``[]:*?/\\``, at most 31 characters."""
    base = (_BAD_TITLE.sub("_", name).strip("'") or "Sheet")[:31]
    used = {title.lower() for title in taken}
    title, counter = base, 2
    while title.lower() in used:
        suffix = f" ({counter})"
        title = base[: 31 - len(suffix)] + suffix
        counter += 1
    return title


def set_cell(
    sheet: Any, row: int, column: int, value: Any, number_format: str | None = None
) -> Any:
    """Write one cell; a string that looks like a formula is kept as text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
    if number_format and isinstance(value, int | float):
        cell.number_format = number_format
    return cell
