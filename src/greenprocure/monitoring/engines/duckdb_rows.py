"""Lot rows into the DuckDB store: from a JSON Lines scratch file, with the declared types."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

from greenprocure.monitoring.rows import LOT_COLUMNS

__all__ = ["insert_lot_rows", "struct_columns"]


def struct_columns(columns: Sequence[tuple[str, str]]) -> str:
    """``{'name': 'TYPE', ...}``: the ``columns`` argument of DuckDB's ``read_json``."""
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns) + "}"


def insert_lot_rows(con: duckdb.DuckDBPyConnection, digest: str, scratch: Path) -> None:
    """Add the lot rows of JSON Lines file ``scratch`` to ``lot_rows`` for file ``digest``."""
    names = ", ".join(name for name, _kind in LOT_COLUMNS)
    con.execute(
        f"INSERT INTO lot_rows SELECT ? AS file_hash, {names} FROM read_json(?, "
        f"format='newline_delimited', columns={struct_columns(LOT_COLUMNS)})",
        [digest, os.fspath(scratch)],
    )
