"""Indicator tables written as CSV, Parquet (through DuckDB) or read back.

One file per table in an output folder: ``green_share``, ``goals`` and ``strategies`` grouped
as asked, and ``*_total`` with no group key. Each file is written to a temporary name and
renamed, so a folder never holds a half-written file.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import IO

import duckdb
import orjson

from greenprocure.errors import ValidationError
from greenprocure.i18n import N_
from greenprocure.monitoring.engines.duckdb_paths import literal_path
from greenprocure.monitoring.engines.duckdb_spill import ParquetRows
from greenprocure.monitoring.indicators import IndicatorResult, IndicatorTable

__all__ = ["FORMATS", "column_type", "export_indicators", "write_csv"]

#: File formats of :func:`export_indicators`.
FORMATS: tuple[str, ...] = ("csv", "parquet")

_INTEGERS = {"year", "month", "lots", "green_lots", "cvd_lots", "lots_unconverted"}


def column_type(name: str) -> str:
    """The SQL type of an indicator column, known from its name."""
    if name in _INTEGERS or name.startswith("lots_with_"):
        return "BIGINT"
    if name.endswith("_value") or name.startswith("green_share"):
        return "DOUBLE"
    return "VARCHAR"


def write_csv(table: IndicatorTable, handle: IO[str]) -> None:
    """Write the table as CSV to ``handle``, row by row: a header row of column names,
    empty cells for NULL."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if value is None else value for value in row])


def _write_parquet(table: IndicatorTable, path: Path) -> None:
    from greenprocure.monitoring.engines.duckdb_engine import quote_path

    # each column cast to its type, so that a file has the same types whichever way the
    # rows were held
    names = ", ".join(f'CAST("{c}" AS {column_type(c)}) AS "{c}"' for c in table.columns)
    scratch: Path | None = None
    if isinstance(table.rows, ParquetRows):
        # a table kept on disk by the engine: one Parquet file, or the files of a glob
        source, parameter = "read_parquet(?)", os.fspath(table.rows.path)
    else:
        scratch = path.with_name(f".{path.name}.jsonl")
        with scratch.open("wb") as out:
            for record in table.iter_records():
                out.write(orjson.dumps(record) + b"\n")
        columns = ", ".join(f"'{c}': '{column_type(c)}'" for c in table.columns)
        source = f"read_json(?, format='newline_delimited', columns={{{columns}}})"
        parameter = literal_path(os.fspath(scratch))
    try:
        con = duckdb.connect()
        try:
            con.execute("SET preserve_insertion_order = true")
            con.execute(
                f"COPY (SELECT {names} FROM {source}) TO '{quote_path(path)}' (FORMAT parquet)",
                [parameter],
            )
        finally:
            con.close()
    finally:
        if scratch is not None:
            scratch.unlink(missing_ok=True)


def export_indicators(
    result: IndicatorResult, folder: Path, fmt: str, *, bom: bool = False
) -> list[Path]:
    """Write every table of ``result`` into ``folder`` as ``fmt``; return the files. With
    ``bom``, CSV files begin with a UTF-8 byte order mark (Excel reads them as UTF-8 then,
    not in the system's legacy code page)."""
    if fmt not in FORMATS:
        raise ValidationError(
            N_("unknown export format {format}; use one of {known}"),
            field="format",
            format=fmt,
            known=", ".join(FORMATS),
        )
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    tables = [(name, table) for name, table in result.tables.items()]
    tables += [(f"{name}_total", table) for name, table in result.totals.items()]
    for name, table in tables:
        path = folder / f"{name}.{fmt}"
        temporary = folder / f".{name}.{fmt}.tmp"
        if fmt == "csv":
            encoding = "utf-8-sig" if bom else "utf-8"
            with temporary.open("w", encoding=encoding, newline="") as handle:
                write_csv(table, handle)
        else:
            _write_parquet(table, temporary)
        temporary.replace(path)
        written.append(path)
    return written
