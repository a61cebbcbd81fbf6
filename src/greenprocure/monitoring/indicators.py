"""Green-procurement indicators, defined once for every engine.

The indicators are SQL text over one table of lot rows (:data:`~greenprocure.monitoring.rows.
LOT_COLUMNS`). The text is written in the subset of SQL that DuckDB and Spark SQL share;
the only words that differ between the two (how to turn a list into rows, how to drop
duplicates from a list) come from :data:`DIALECTS`. An engine registers its lot rows under a
table name, asks :func:`indicator_sql` for the query of each indicator and runs it; the rows
come back in a fixed order, so two engines can be compared row for row.

Indicators (each grouped by any of :data:`GROUP_KEYS`; no key gives the total):

``green_share``
    lots, green lots and their share; estimated, awarded and contracted value (reporting
    currency, ``*_value_rc`` columns) of all lots and of green lots, and the green shares of
    value; how many lots carry each value (the others have no value to count); CVD lots;
    ``lots_unconverted``: lots with an amount that has no value in the reporting currency
    (no currency code, no date, or no reference rate for the lot's year); that value of the
    lot (estimated, awarded or contracted; the whole sum when it is in several currencies)
    is left out of the values and their shares.
``goals``
    per environmental goal: the lots that pursue it and their awarded and contracted value.
``strategies``
    the same per strategy (award criteria, technical specifications, EU GPP criteria, ...).

Deduplication: the same lot (``ocid``, ``lot_id``) may reach the store from several files
(a release package and a later one, a contract notice and its award notice). Each lot is
counted once, from the row of the latest release (``release_date``, then the lot's
``date``; by the lots' dates alone when a copy has no release date); ties are broken by
``source_file`` and ``record_ref`` (largest first) so that every engine keeps the same row.

A time series is the green share grouped by ``year`` or by ``month`` (the key ``month``
groups by year and month).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from greenprocure.errors import GreenProcureError, ValidationError
from greenprocure.i18n import N_

__all__ = [
    "DIALECTS",
    "GROUP_KEYS",
    "INDICATORS",
    "INDICATOR_COLUMNS",
    "KEY_COLUMNS",
    "KEY_LABELS",
    "Dialect",
    "IndicatorResult",
    "IndicatorTable",
    "IngestSummary",
    "MonitoringReportData",
    "deduplicated_sql",
    "indicator_sql",
    "key_columns",
    "parse_group_keys",
    "totals_sql",
]

Dialect = Literal["duckdb", "spark"]

#: The names of the indicators, in the order they are computed and reported.
INDICATORS: tuple[str, ...] = ("green_share", "goals", "strategies")

#: Group-by keys a user may name, with the columns each one groups by (in order).
KEY_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "buyer": ("buyer_id", "buyer_name"),
    "country": ("country",),
    "cpv2": ("cpv2",),
    "cpv3": ("cpv3",),
    "year": ("year",),
    "month": ("year", "month"),
    "procurement_method": ("procurement_method",),
    "main_category": ("main_category",),
}

#: The keys a user may group by.
GROUP_KEYS: tuple[str, ...] = tuple(KEY_COLUMNS)

#: Display names of the group-by columns (message ids, translated when shown).
KEY_LABELS: Mapping[str, str] = {
    "buyer_id": N_("Buyer id"),
    "buyer_name": N_("Buyer"),
    "country": N_("Country"),
    "cpv2": N_("CPV division"),
    "cpv3": N_("CPV group"),
    "year": N_("Year"),
    "month": N_("Month"),
    "procurement_method": N_("Procedure"),
    "main_category": N_("Category"),
}

#: The words of each SQL dialect that are not shared.
DIALECTS: Mapping[str, Mapping[str, str]] = {
    "duckdb": {
        "explode": "unnest",
        "distinct_list": "list_distinct",
        # the numbers of a text, in order, as numbers of up to 38 digits (``line 10,
        # releases[2]``: [10, 2])
        "numbers": "list_transform(regexp_extract_all({text}, '([0-9]+)', 1), "
        "lambda n: TRY_CAST(n AS DECIMAL(38, 0)))",
    },
    "spark": {
        "explode": "explode",
        "distinct_list": "array_distinct",
        "numbers": "transform(regexp_extract_all({text}, '([0-9]+)', 1), "
        "n -> TRY_CAST(n AS DECIMAL(38, 0)))",
    },
}

_LIST_COLUMNS = {"goals": "goal", "strategies": "strategy"}


def parse_group_keys(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"buyer,cpv2,year"`` (or a list) as validated keys, in the order given, no repeats."""
    if text is None:
        return ()
    items = text.split(",") if isinstance(text, str) else list(text)
    keys: list[str] = []
    for raw in items:
        key = raw.strip()
        if not key:
            continue
        if key not in KEY_COLUMNS:
            raise ValidationError(
                N_("unknown group-by key {key}; use one of {known}"),
                field="by",
                key=key,
                known=", ".join(GROUP_KEYS),
            )
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def key_columns(by: Sequence[str]) -> tuple[str, ...]:
    """The lot-row columns that the keys ``by`` group by (``month`` brings ``year``)."""
    columns: list[str] = []
    for key in parse_group_keys(by):
        for column in KEY_COLUMNS[key]:
            if column not in columns:
                columns.append(column)
    return tuple(columns)


#: The lot-row columns the indicators read (after deduplication).
INDICATOR_COLUMNS: tuple[str, ...] = (
    "buyer_id",
    "buyer_name",
    "country",
    "year",
    "month",
    "procurement_method",
    "main_category",
    "cpv2",
    "cpv3",
    "is_green",
    "cvd",
    "goals",
    "strategies",
    "estimated_value_rc",
    "awarded_value_rc",
    "contracted_value_rc",
    "unconverted",
)


def deduplicated_sql(table: str = "lot_rows", dialect: Dialect = "duckdb") -> str:
    """The lots of ``table`` counted once: per (ocid, lot_id) the row of the latest release.

    The latest release is the one with the latest ``release_date``, then the latest lot
    ``date``; when a copy has no release date (rows stored before the column existed, a
    release without a date) the copies are compared by their lots' dates alone, as they
    were before. Ties are broken by ``source_file`` then ``record_ref`` (the later place
    in the file first: its numbers compared as numbers, so that ``line 10, releases[0]``
    comes after ``line 9, releases[12]``). The result has the columns
    :data:`INDICATOR_COLUMNS`, with duplicate goals and strategies removed. An engine may
    materialise it once and pass ``deduplicated=True`` to :func:`indicator_sql`.
    """
    distinct = DIALECTS[dialect]["distinct_list"]
    numbers = DIALECTS[dialect]["numbers"].format(text="record_ref")
    plain = ", ".join(c for c in INDICATOR_COLUMNS if c not in ("goals", "strategies"))
    return (
        f"SELECT {plain},\n"
        f"  {distinct}(goals) AS goals, {distinct}(strategies) AS strategies\n"
        "FROM (\n"
        f"  SELECT {', '.join(INDICATOR_COLUMNS)}, ROW_NUMBER() OVER (\n"
        "    PARTITION BY ocid, lot_id\n"
        "    ORDER BY CASE WHEN gp_undated = 0 THEN release_date END DESC NULLS LAST,\n"
        f"      date DESC NULLS LAST, source_file DESC, {numbers} DESC, record_ref DESC\n"
        "  ) AS gp_rank\n"
        "  FROM (\n"
        "    SELECT *, SUM(CASE WHEN release_date IS NULL THEN 1 ELSE 0 END)\n"
        "      OVER (PARTITION BY ocid, lot_id) AS gp_undated\n"
        f"    FROM {table}\n"
        "  ) dated\n"
        ") ranked WHERE gp_rank = 1"
    )


def _base(table: str, dialect: Dialect, deduplicated: bool) -> str:
    if deduplicated:
        return f"lots AS (\n  SELECT {', '.join(INDICATOR_COLUMNS)} FROM {table}\n)"
    body = deduplicated_sql(table, dialect).replace("\n", "\n  ")
    return f"lots AS (\n  {body}\n)"


#: The buyer's name where it has no id: a second key of the groups by buyer.
_NAME_WITHOUT_ID = "CASE WHEN buyer_id IS NULL THEN buyer_name END"


def _group(columns: Sequence[str], extra: Sequence[str] = ()) -> tuple[str, str, str]:
    """SELECT list prefix, GROUP BY clause and ORDER BY clause for the group columns."""
    grouped = [c for c in columns if c != "buyer_name"] + list(extra)
    select = list(grouped)
    keys = list(grouped)
    if "buyer_name" in columns:
        at = grouped.index("buyer_id") + 1
        select.insert(at, "MAX(buyer_name) AS buyer_name")
        # buyers without an id are told apart by their names (not one group of them all)
        keys.insert(at, _NAME_WITHOUT_ID)
    select_text = "".join(f"{item}, " for item in select)
    group_text = f"GROUP BY {', '.join(keys)}" if keys else ""
    order_text = "ORDER BY " + ", ".join(f"{c} ASC NULLS FIRST" for c in keys) if keys else ""
    return select_text, group_text, order_text


def _share(part: str, whole: str) -> str:
    return f"CAST({part} AS DOUBLE) / NULLIF({whole}, 0)"


def indicator_sql(
    indicator: str,
    by: Sequence[str] = (),
    *,
    table: str = "lot_rows",
    dialect: Dialect = "duckdb",
    deduplicated: bool = False,
) -> str:
    """The query computing ``indicator`` grouped by ``by`` over ``table`` in ``dialect``.

    The result columns are the group columns (:func:`key_columns`, with ``buyer_name`` after
    ``buyer_id``) followed by the indicator's measures; rows are ordered by the group
    columns with NULLs first. ``deduplicated=True`` says that ``table`` already holds
    :func:`deduplicated_sql` (each lot once), which saves the window in every query.
    """
    if dialect not in DIALECTS:
        raise ValidationError(
            N_("unknown engine dialect {dialect}"), field="dialect", dialect=dialect
        )
    columns = key_columns(by)
    base = _base(table, dialect, deduplicated)
    if indicator == "green_share":
        select, group, order = _group(columns)
        # a lot with a value counts 0 green value when it is not green: a group with values
        # and no green lot has a green value (and share) of 0, not none
        green = "CASE WHEN {0} IS NOT NULL THEN CASE WHEN is_green THEN {0} ELSE 0 END END"
        # (counts are 0, not NULL, over no lot at all: the totals of an empty store)
        measures = [
            "COUNT(*) AS lots",
            "CAST(COALESCE(SUM(CASE WHEN is_green THEN 1 ELSE 0 END), 0) AS BIGINT) AS green_lots",
            f"{_share('SUM(CASE WHEN is_green THEN 1 ELSE 0 END)', 'COUNT(*)')} "
            "AS green_share_count",
            "CAST(COALESCE(SUM(CASE WHEN cvd THEN 1 ELSE 0 END), 0) AS BIGINT) AS cvd_lots",
        ]
        for kind in ("estimated", "awarded", "contracted"):
            value = f"{kind}_value_rc"
            measures += [
                f"COUNT({value}) AS lots_with_{kind}_value",
                f"SUM({value}) AS {kind}_value",
                f"SUM({green.format(value)}) AS green_{kind}_value",
                f"{_share(f'SUM({green.format(value)})', f'SUM({value})')} AS green_share_{kind}",
            ]
        measures.append(
            "CAST(COALESCE(SUM(CASE WHEN unconverted THEN 1 ELSE 0 END), 0) AS BIGINT) "
            "AS lots_unconverted"
        )
        body = f"SELECT {select}{', '.join(measures)}\nFROM lots\n{group}\n{order}"
        return f"WITH {base}\n{body}".strip()
    if indicator in ("goals", "strategies"):
        name = _LIST_COLUMNS[indicator]
        explode = DIALECTS[dialect]["explode"]
        select, group, order = _group(columns, (name,))
        keys = "".join(f"{c}, " for c in columns)
        measures = [
            "COUNT(*) AS lots",
            "COUNT(awarded_value_rc) AS lots_with_awarded_value",
            "SUM(awarded_value_rc) AS awarded_value",
            "COUNT(contracted_value_rc) AS lots_with_contracted_value",
            "SUM(contracted_value_rc) AS contracted_value",
        ]
        exploded = (
            f"listed AS (\n  SELECT {keys}awarded_value_rc, contracted_value_rc, "
            f"{explode}({indicator}) AS {name}\n  FROM lots\n)"
        )
        body = f"SELECT {select}{', '.join(measures)}\nFROM listed\n{group}\n{order}"
        return f"WITH {base}, {exploded}\n{body}".strip()
    raise ValidationError(
        N_("unknown indicator {indicator}; use one of {known}"),
        field="indicator",
        indicator=indicator,
        known=", ".join(INDICATORS),
    )


def totals_sql(indicator: str, grouped: str, dialect: Dialect = "duckdb") -> str:
    """The totals of ``indicator`` (what :func:`indicator_sql` gives with no key) from the
    table ``grouped`` holding that indicator grouped by any keys: every measure is a count
    or a sum, so the totals are sums of the groups (shares are divided again). Saves reading
    the lots a second time; sums may differ from a pass over the lots in the last bits."""
    if dialect not in DIALECTS:
        raise ValidationError(
            N_("unknown engine dialect {dialect}"), field="dialect", dialect=dialect
        )

    def total(column: str) -> str:
        return f"CAST(COALESCE(SUM({column}), 0) AS BIGINT) AS {column}"

    if indicator == "green_share":
        measures = [
            total("lots"),
            total("green_lots"),
            f"{_share('SUM(green_lots)', 'SUM(lots)')} AS green_share_count",
            total("cvd_lots"),
        ]
        for kind in ("estimated", "awarded", "contracted"):
            measures += [
                total(f"lots_with_{kind}_value"),
                f"SUM({kind}_value) AS {kind}_value",
                f"SUM(green_{kind}_value) AS green_{kind}_value",
                f"{_share(f'SUM(green_{kind}_value)', f'SUM({kind}_value)')} AS green_share_{kind}",
            ]
        measures.append(total("lots_unconverted"))
        return f"SELECT {', '.join(measures)}\nFROM {grouped}"
    if indicator in ("goals", "strategies"):
        name = _LIST_COLUMNS[indicator]
        measures = [
            total("lots"),
            total("lots_with_awarded_value"),
            "SUM(awarded_value) AS awarded_value",
            total("lots_with_contracted_value"),
            "SUM(contracted_value) AS contracted_value",
        ]
        return (
            f"SELECT {name}, {', '.join(measures)}\nFROM {grouped}\n"
            f"GROUP BY {name}\nORDER BY {name} ASC NULLS FIRST"
        )
    raise ValidationError(
        N_("unknown indicator {indicator}; use one of {known}"),
        field="indicator",
        indicator=indicator,
        known=", ".join(INDICATORS),
    )


@dataclass(frozen=True)
class IndicatorTable:
    """One indicator's rows: named columns, rows in the order of the query.

    ``rows`` is any sequence of tuples: in memory, or (for tables of very many groups) a
    sequence an engine reads from disk as it is iterated, so that a result of a million
    groups need not be held in memory. :meth:`iter_records` and
    :meth:`IndicatorResult.write_json` go through the rows once, in order.
    """

    name: str
    by: tuple[str, ...]
    columns: tuple[str, ...]
    rows: Sequence[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts (column name -> value)."""
        return list(self.iter_records())

    def iter_records(self) -> Iterator[dict[str, Any]]:
        """The rows as dicts, one at a time."""
        columns = self.columns
        for row in self.rows:
            yield dict(zip(columns, row, strict=True))

    def to_dict(self) -> dict[str, Any]:
        """Plain data: name, by, columns and rows as dicts."""
        return {**self._header(), "rows": self.records()}

    def _header(self) -> dict[str, Any]:
        return {"name": self.name, "by": list(self.by), "columns": list(self.columns)}


@dataclass(frozen=True)
class IndicatorResult:
    """All indicators grouped by ``by``, their totals, and what they were computed from.

    ``tables`` holds each indicator grouped by ``by``; ``totals`` each indicator with no
    group key (one row for ``green_share``, one row per goal or strategy for the others).
    """

    by: tuple[str, ...]
    reporting_currency: str
    engine: str
    tables: Mapping[str, IndicatorTable]
    totals: Mapping[str, IndicatorTable]
    files: int = 0
    lot_rows: int = 0
    errors: int = 0
    sources: tuple[str, ...] = ()
    computed_at: dt.datetime | None = None
    #: what the user should know about how the input was read (e.g. lines read leniently)
    warnings: tuple[GreenProcureError, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data, deterministic key order left to the JSON writer."""
        data = self._header()
        data["indicators"] = {name: table.to_dict() for name, table in self.tables.items()}
        data["totals"] = {name: table.to_dict() for name, table in self.totals.items()}
        return data

    def _header(self) -> dict[str, Any]:
        """What the result says besides its tables."""
        return {
            "by": list(self.by),
            "reporting_currency": self.reporting_currency,
            "engine": self.engine,
            "files": self.files,
            "lot_rows": self.lot_rows,
            "errors": self.errors,
            "sources": list(self.sources),
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "warnings": [str(warning) for warning in self.warnings],
        }

    def write_json(self, write: Callable[[bytes], object]) -> None:
        """Write :meth:`to_dict` as JSON (sorted keys, two-space indent) through ``write``,
        the rows of each table one at a time (the same bytes as ``orjson`` gives for the
        whole dict with ``OPT_INDENT_2 | OPT_SORT_KEYS``, without holding them all)."""
        data = self._header()
        tables: dict[bytes, IndicatorTable] = {}
        for group, named in (("indicators", self.tables), ("totals", self.totals)):
            data[group] = {}
            for name, table in named.items():
                # the rows stand as a mark in the document, then are written in its place
                mark = f"\x00rows {len(tables)}"
                tables[orjson.dumps(mark)] = table
                data[group][name] = {**table._header(), "rows": mark}
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        position = 0
        for found in re.finditer(b"|".join(re.escape(mark) for mark in tables), text):
            write(text[position : found.start()])
            line_start = text.rfind(b"\n", 0, found.start()) + 1
            indent = len(text[line_start:]) - len(text[line_start:].lstrip(b" "))
            _write_rows(tables[found.group(0)], indent, write)
            position = found.end()
        write(text[position:])


def _write_rows(table: IndicatorTable, indent: int, write: Callable[[bytes], object]) -> None:
    """The rows of ``table`` as the JSON list ``orjson`` would indent at ``indent`` spaces."""
    inner = b"\n" + b" " * (indent + 2)
    first = True
    for record in table.iter_records():
        body = orjson.dumps(record, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        write((b"[" if first else b",") + inner + body.replace(b"\n", inner))
        first = False
    write(b"[]" if first else b"\n" + b" " * indent + b"]")


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest run did: files read or skipped as already stored, rows, errors."""

    store: str
    files_ingested: tuple[str, ...] = ()
    files_skipped: tuple[str, ...] = ()
    files_failed: tuple[str, ...] = ()
    lot_rows: int = 0
    errors: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    errors_file: str | None = None
    failures: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    #: Processes compiled again with releases of files stored before (see the engines).
    processes_merged: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "store": self.store,
            "files_ingested": list(self.files_ingested),
            "files_skipped": list(self.files_skipped),
            "files_failed": list(self.files_failed),
            "lot_rows": self.lot_rows,
            "errors": self.errors,
            "bytes_read": self.bytes_read,
            "seconds": round(self.seconds, 3),
            "errors_file": self.errors_file,
            "failures": [{"file": f, "reason": r} for f, r in self.failures],
            "processes_merged": self.processes_merged,
        }


@dataclass(frozen=True)
class MonitoringReportData:
    """What the HTML report shows: a time series and a breakdown, each with its totals."""

    time_series: IndicatorResult
    breakdown: IndicatorResult

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"time_series": self.time_series.to_dict(), "breakdown": self.breakdown.to_dict()}
