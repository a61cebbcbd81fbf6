"""Indicator tables of very many rows kept on disk (Parquet) instead of in memory.

Grouped by several keys (buyer, CPV, month, ...) a national dataset can give a million
groups; as Python tuples that is gigabytes. Above :data:`SPILL_ROWS` rows, DuckDB writes a
grouped table to a Parquet file in a temporary folder and the result holds a
:class:`ParquetRows`: a read-only sequence that reads the file in batches as it is iterated,
so writing the result as JSON, CSV or Parquet stays within bounded memory. The file is
deleted when the sequence is garbage-collected.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import duckdb

__all__ = ["BATCH_ROWS", "SPILL_ROWS", "ParquetRows", "rows_of"]

#: Grouped tables with more rows than this are kept on disk.
SPILL_ROWS = 100_000

#: Rows read from disk at a time when a spilled table is iterated.
BATCH_ROWS = 10_000


class ParquetRows(Sequence[tuple[Any, ...]]):
    """The rows of a Parquet file written by :func:`rows_of`, in file order."""

    def __init__(self, path: Path, count: int) -> None:
        self.path = path
        self._count = count
        self._finalizer = weakref.finalize(self, shutil.rmtree, path.parent, True)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        con = duckdb.connect()
        try:
            cursor = con.execute("SELECT * FROM read_parquet(?)", [os.fspath(self.path)])
            while batch := cursor.fetchmany(BATCH_ROWS):
                yield from (tuple(row) for row in batch)
        finally:
            con.close()

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[Any, ...]]: ...

    def __getitem__(self, index: int | slice) -> tuple[Any, ...] | Sequence[tuple[Any, ...]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            return [self[i] for i in range(start, stop, step)]
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        con = duckdb.connect()
        try:
            found = con.execute(
                "SELECT * FROM read_parquet(?) LIMIT 1 OFFSET ?",
                [os.fspath(self.path), position],
            ).fetchone()
        finally:
            con.close()
        assert found is not None
        return tuple(found)


def rows_of(con: duckdb.DuckDBPyConnection, table: str) -> Sequence[tuple[Any, ...]]:
    """The rows of ``table`` (in its order): fetched, or kept in a Parquet file when there
    are more than :data:`SPILL_ROWS`."""
    counted = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    count = int(counted[0]) if counted else 0
    if count <= SPILL_ROWS:
        return tuple(tuple(row) for row in con.execute(f"SELECT * FROM {table}").fetchall())
    folder = Path(tempfile.mkdtemp(prefix="gp-indicators-"))
    path = folder / f"{table}.parquet"
    quoted = os.fspath(path).replace("'", "''")
    con.execute(f"COPY {table} TO '{quoted}' (FORMAT parquet)")
    return ParquetRows(path, count)
