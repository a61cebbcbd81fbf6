"""Lot rows into the DuckDB store: from a JSON Lines scratch file, with the declared types."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import orjson

from greenprocure.monitoring.engines.duckdb_paths import literal_path
from greenprocure.monitoring.rows import LOT_COLUMNS

__all__ = ["insert_lot_rows", "row_json", "struct_columns"]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def row_json(row: Any) -> bytes:
    """A lot row as one line of JSON (dates as ``YYYY-MM-DD``), as ``read_json`` loads it."""
    return orjson.dumps(row, default=_plain)


def struct_columns(columns: Sequence[tuple[str, str]]) -> str:
    """``{'name': 'TYPE', ...}``: the ``columns`` argument of DuckDB's ``read_json``."""
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns) + "}"


def insert_lot_rows(con: duckdb.DuckDBPyConnection, digest: str, scratch: Path) -> None:
    """Add the lot rows of JSON Lines file ``scratch`` to ``lot_rows`` for file ``digest``."""
    names = ", ".join(name for name, _kind in LOT_COLUMNS)
    con.execute(
        f"INSERT INTO lot_rows SELECT ? AS file_hash, {names} FROM read_json(?, "
        f"format='newline_delimited', columns={struct_columns(LOT_COLUMNS)})",
        [digest, literal_path(os.fspath(scratch))],
    )
