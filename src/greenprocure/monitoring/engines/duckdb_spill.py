"""Indicator tables of very many rows kept on disk (Parquet) instead of in memory.

Grouped by several keys (buyer, CPV, month, ...) a national dataset can give a million
groups; as Python tuples that is gigabytes. Above :data:`SPILL_ROWS` rows, DuckDB (or Spark)
writes a grouped table to a Parquet file in a temporary folder and the result holds a
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

__all__ = ["BATCH_ROWS", "SPILL_ROWS", "ParquetRows", "parquet_rows", "rows_of"]

#: Grouped tables with more rows than this are kept on disk. A result holds three grouped
#: tables: at 100,000 rows each (as tuples, about 0.7 KiB a row) they took 140 MiB of the
#: Spark driver grouped by buyer, CPV division and year on 0.5 GB.
SPILL_ROWS = 20_000

#: Rows read from disk at a time when a spilled table is iterated.
BATCH_ROWS = 10_000


class ParquetRows(Sequence[tuple[Any, ...]]):
    """The rows of a Parquet file written by :func:`rows_of` (or of the files a glob
    ``path`` matches, in the order of their names), in file order. ``folder`` (default: the
    file's folder) is deleted with the sequence."""

    def __init__(self, path: Path, count: int, folder: Path | None = None) -> None:
        self.path = path
        self._count = count
        self._finalizer = weakref.finalize(self, shutil.rmtree, folder or path.parent, True)

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


def parquet_rows(folder: Path) -> Sequence[tuple[Any, ...]]:
    """The rows of the Parquet files another engine wrote in ``folder`` (``*.parquet``, in
    the order of their names): fetched, and the folder deleted, when there are at most
    :data:`SPILL_ROWS`; else a :class:`ParquetRows` that deletes the folder when it goes."""
    if not any(folder.glob("*.parquet")):
        shutil.rmtree(folder, ignore_errors=True)
        return ()
    files = folder / "*.parquet"
    con = duckdb.connect()
    try:
        counted = con.execute("SELECT count(*) FROM read_parquet(?)", [os.fspath(files)])
        found = counted.fetchone()
        count = int(found[0]) if found else 0
        if count > SPILL_ROWS:
            return ParquetRows(files, count, folder)
        cursor = con.execute("SELECT * FROM read_parquet(?)", [os.fspath(files)])
        rows = tuple(tuple(row) for row in cursor.fetchall())
    finally:
        con.close()
    shutil.rmtree(folder, ignore_errors=True)
    return rows
