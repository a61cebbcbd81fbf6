"""The lot row: the one table that readers produce and engines aggregate.

One row per lot; a tender without lots is its own lot with ``lot_id == ""``. The column
order and types are fixed by :data:`LOT_COLUMNS` (Arrow / DuckDB type names) so that the
DuckDB and the Spark engines build the same table. A record that cannot be turned into
rows becomes a :class:`RecordError`, yielded alongside the rows and never raised in bulk
runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, TypedDict

__all__ = ["ERROR_COLUMNS", "LOT_COLUMNS", "UNCONVERTED_FROM_COLUMNS_SQL", "LotRow", "RecordError"]

#: (name, DuckDB type) of every column of a lot row, in order.
LOT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source_file", "VARCHAR"),
    ("source_kind", "VARCHAR"),
    ("record_ref", "VARCHAR"),
    ("ocid", "VARCHAR"),
    ("lot_id", "VARCHAR"),
    ("buyer_id", "VARCHAR"),
    ("buyer_name", "VARCHAR"),
    ("country", "VARCHAR"),
    ("date", "DATE"),
    ("year", "INTEGER"),
    ("month", "INTEGER"),
    ("procurement_method", "VARCHAR"),
    ("main_category", "VARCHAR"),
    ("cpv", "VARCHAR"),
    ("cpv2", "VARCHAR"),
    ("cpv3", "VARCHAR"),
    ("is_green", "BOOLEAN"),
    ("goals", "VARCHAR[]"),
    ("strategies", "VARCHAR[]"),
    ("cvd", "BOOLEAN"),
    ("cvd_contract_type", "VARCHAR"),
    ("evidence", "VARCHAR[]"),
    ("estimated_value", "DOUBLE"),
    ("estimated_currency", "VARCHAR"),
    ("awarded_value", "DOUBLE"),
    ("awarded_currency", "VARCHAR"),
    ("contracted_value", "DOUBLE"),
    ("contracted_currency", "VARCHAR"),
    ("estimated_value_rc", "DOUBLE"),
    ("awarded_value_rc", "DOUBLE"),
    ("contracted_value_rc", "DOUBLE"),
    ("reporting_currency", "VARCHAR"),
    ("fx_note", "VARCHAR"),
    ("unconverted", "BOOLEAN"),
    ("release_date", "DATE"),
)

#: ``unconverted`` of a lot row made before the column existed (stores of layout 2), from its
#: other columns, in SQL that DuckDB and Spark share: an amount of one currency without a
#: converted value, or a rate missing (``fx_note``). Exact but for a lot whose amounts of
#: several currencies lack a currency code or a date (its values are empty then too).
UNCONVERTED_FROM_COLUMNS_SQL = (
    "((estimated_value IS NOT NULL AND estimated_value_rc IS NULL) "
    "OR (awarded_value IS NOT NULL AND awarded_value_rc IS NULL) "
    "OR (contracted_value IS NOT NULL AND contracted_value_rc IS NULL) "
    "OR coalesce(fx_note LIKE '%not converted%', false))"
)

#: (name, DuckDB type) of every column of the errors file.
ERROR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("file", "VARCHAR"),
    ("location", "VARCHAR"),
    ("ocid", "VARCHAR"),
    ("reason", "VARCHAR"),
)


class LotRow(TypedDict):
    """One lot (or one lot-less tender) with its green flags and its money."""

    source_file: str
    source_kind: str
    record_ref: str
    ocid: str
    lot_id: str
    buyer_id: str | None
    buyer_name: str | None
    country: str | None
    date: dt.date | None
    year: int | None
    month: int | None
    procurement_method: str | None
    main_category: str | None
    cpv: str | None
    cpv2: str | None
    cpv3: str | None
    is_green: bool
    goals: list[str]
    strategies: list[str]
    cvd: bool
    cvd_contract_type: str | None
    evidence: list[str]
    estimated_value: float | None
    estimated_currency: str | None
    awarded_value: float | None
    awarded_currency: str | None
    contracted_value: float | None
    contracted_currency: str | None
    estimated_value_rc: float | None
    awarded_value_rc: float | None
    contracted_value_rc: float | None
    reporting_currency: str
    fx_note: str | None
    #: the lot has an amount (estimated, awarded or contracted) with no value in the
    #: reporting currency: no currency code, no date, or no reference rate for its year
    unconverted: bool
    #: the date of the release the row was made from (a compiled release's: its latest
    #: release's), which decides between copies of a lot from several files
    release_date: dt.date | None


@dataclass(frozen=True, slots=True)
class RecordError:
    """A record that was skipped: where it is and why.

    ``location`` is ``"line 12"``, ``"byte 4096"``, ``"item 3"`` or a notice id; ``ocid``
    is ``None`` when the record could not be read far enough to know it. ``reason`` is
    English text (the errors file is a machine-readable log).
    """

    file: str
    location: str
    ocid: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The error as a plain dict with the keys of :data:`ERROR_COLUMNS`."""
        return asdict(self)
