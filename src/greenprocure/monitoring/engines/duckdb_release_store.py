"""Processes spread over several files: the DuckDB store keeps releases and merges across files.

Publishers write one file a month (or a day), and a contracting process's releases land in
the files of the months it ran through: the tender in March, the award in May. Compiling each
file on its own would count the process twice, once as a tender without award. So the store
keeps every release it reads (table ``gp_releases``: the file's hash and ingest number, the
release's position and location in its file, its ``ocid`` and its JSON) and, when a new file
holds releases of an ``ocid`` that earlier files hold too, compiles that process again from
all of them (:func:`~greenprocure.monitoring.lots.rows_across_files`): its earlier lot rows
are deleted and the new ones belong to the new file, all in the new file's transaction.

Compiled releases, records and eForms notices are complete in themselves: nothing is kept
for them, and a process in a compiled release and in releases is counted once by the
indicators' deduplication as before.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import IO, Any

import duckdb
import orjson

from greenprocure.monitoring.currency import CurrencyConverter
from greenprocure.monitoring.engines.duckdb_paths import literal_path
from greenprocure.monitoring.engines.duckdb_rows import insert_lot_rows, row_json
from greenprocure.monitoring.lots import json_bytes, replaced_by_merge, rows_across_files
from greenprocure.monitoring.readers import Document
from greenprocure.monitoring.rows import RecordError

__all__ = [
    "CheckpointPacer",
    "MergedProcess",
    "ReleaseLog",
    "create_release_table",
    "merge_across_files",
    "merge_batch",
    "store_releases",
]

_RELEASE_COLUMNS = (
    "{'ocid': 'VARCHAR', 'pos': 'BIGINT', 'source': 'VARCHAR', 'location': 'VARCHAR', "
    "'release': 'JSON'}"
)
#: DuckDB's default largest JSON value read (bytes).
_DEFAULT_OBJECT = 16 << 20


def create_release_table(con: duckdb.DuckDBPyConnection) -> None:
    """The table of releases (inside the caller's transaction)."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS gp_releases (file_hash VARCHAR, file_seq BIGINT, "
        "pos BIGINT, ocid VARCHAR, source VARCHAR, location VARCHAR, release VARCHAR, "
        "size BIGINT)"
    )


class ReleaseLog:
    """Releases of one file, written to a JSON Lines scratch file as they are read."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.count = 0
        #: Bytes of the longest line written (DuckDB must be told to read one that long).
        self.longest = 0
        self._out: IO[bytes] | None = None

    def __call__(self, document: Document) -> None:
        if self._out is None:
            self._out = open(self.scratch, "wb")  # noqa: SIM115 (closed by close())
        line = {
            "ocid": document.ocid,
            "pos": self.count,
            "source": document.file,
            "location": document.location,
            "release": document.data,
        }
        text = json_bytes(line)
        self._out.write(text + b"\n")
        self.longest = max(self.longest, len(text))
        self.count += 1

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def discard(self) -> None:
        self.close()
        self.scratch.unlink(missing_ok=True)


class CheckpointPacer:
    """Checkpoints the store once about :data:`_CHECKPOINT_BYTES` of releases have been
    committed since the last checkpoint (call :meth:`committed` after each file's commit).

    DuckDB keeps the long text values of rows committed but not yet checkpointed in its
    memory (``OVERFLOW_STRINGS`` in ``duckdb_memory()``): after a file of 24,000 releases of
    40 KB, 230 MB of its 256 MB were held so, and the next such file ran out of memory; a
    checkpoint writes them out and frees them."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._pending = 0

    def committed(self, releases: Path) -> None:
        """The releases of scratch file ``releases`` (:class:`ReleaseLog`) were committed."""
        try:
            self._pending += releases.stat().st_size
        except OSError:
            return
        if self._pending >= _CHECKPOINT_BYTES:
            self._con.execute("CHECKPOINT")
            self._pending = 0


#: Bytes of releases committed between two checkpoints (:class:`CheckpointPacer`).
_CHECKPOINT_BYTES = 64 << 20


def store_releases(
    con: duckdb.DuckDBPyConnection, digest: str, scratch: Path, longest: int = 0
) -> None:
    """Add the releases written by a :class:`ReleaseLog` (inside the file's transaction);
    ``longest`` is the length of its longest line (the readers take lines up to 256 MiB).
    DuckDB's reader holds two buffers of that size: for a release beyond 16 MiB its memory
    limit is raised for this statement.

    On one thread: on two, 8,000 releases of 40 KB (320 MB) ran out of the 256 MB that DuckDB
    has while ingesting (each thread's reader and rows waiting to be written held their own
    buffers); on one, 960 MB of them went in with the process at 483 MiB."""
    row = con.execute("SELECT COALESCE(MAX(file_seq), 0) + 1 FROM gp_releases").fetchone()
    seq = int(row[0]) if row else 1
    size = max(_DEFAULT_OBJECT, longest + 1024)
    with _setting(con, "threads", "1"), _room(con, longest):
        con.execute(
            "INSERT INTO gp_releases SELECT ?, ?, pos, ocid, source, location, "
            "release::VARCHAR, strlen(release::VARCHAR) "
            f"FROM read_json(?, format='newline_delimited', columns={_RELEASE_COLUMNS}, "
            f"maximum_object_size={size})",
            [digest, seq, literal_path(os.fspath(scratch))],
        )


@contextlib.contextmanager
def _setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> Iterator[None]:
    """DuckDB setting ``name`` at ``value`` for a statement, then as it was. After a failed
    statement the transaction is aborted and refuses any ``SET``: the setting is then left
    (the caller rolls back and stops), so that the statement's own error is the one raised."""
    row = con.execute(f"SELECT current_setting('{name}')").fetchone()
    con.execute(f"SET {name} = '{value}'")
    done = False
    try:
        yield
        done = True
    finally:
        if row is not None:
            try:
                con.execute(f"SET {name} = '{row[0]}'")
            except duckdb.Error:
                if done:
                    raise


@contextlib.contextmanager
def _room(con: duckdb.DuckDBPyConnection, longest: int, total: int = 0) -> Iterator[None]:
    """Room in DuckDB's memory for values of ``longest`` bytes (``total`` in all, sorted):
    its limit is raised for the statement when they are beyond 16 MiB (reading and sorting
    hold a few of them), or when a sort holds more than twice :data:`_EXPORT_BYTES` (an
    export file holds up to that much and one process more; 85 MB of releases sorted within
    DuckDB's 256 MB while ingesting)."""
    if longest + 1024 <= _DEFAULT_OBJECT and total <= 2 * _EXPORT_BYTES:
        yield
        return
    needed = 4 * max(longest + 1024, total) + (256 << 20)
    with _setting(con, "memory_limit", f"{needed}B"):
        yield


def merge_across_files(
    con: duckdb.DuckDBPyConnection,
    digest: str,
    path: str,
    reporting_currency: str,
    scratch: Path,
    own_errors: list[RecordError],
    pool: Executor | None = None,
) -> tuple[int, int, int, list[RecordError]]:
    """Compile again the processes of file ``digest`` that earlier files hold releases of.

    Inside the file's transaction, after its rows and releases are in. ``own_errors`` are the
    file's record errors so far. Returns (processes merged, change in this file's lot rows:
    added minus its own rows replaced, rows of earlier files replaced, the file's record
    errors now: its own but those its compile of a merged process reported, then the
    merge's). ``scratch`` (and ``scratch`` + ``.releases``) are scratch files, removed at
    the end. With ``pool`` (worker processes), the processes are compiled there, in batches
    (:func:`merge_batch`), while this process reads the next ones and writes the rows.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE gp_touched AS SELECT DISTINCT ocid FROM gp_releases "
        "WHERE file_hash = ? AND ocid IN (SELECT ocid FROM gp_releases WHERE file_hash <> ?)",
        [digest, digest],
    )
    # (on an error the caller's ROLLBACK drops the table: dropping it here could fail in the
    # aborted transaction and hide the error)
    touched_row = con.execute("SELECT COUNT(*) FROM gp_touched").fetchone()
    touched = int(touched_row[0]) if touched_row else 0
    if not touched:
        con.execute("DROP TABLE gp_touched")
        return 0, 0, 0, own_errors
    export = Path(os.fspath(scratch) + ".releases")
    exports: list[Path] = []
    by_ocid: dict[str, list[int]] = {}
    for index, error in enumerate(own_errors):
        if error.ocid is not None:
            by_ocid.setdefault(error.ocid, []).append(index)
    replaced: set[int] = set()
    try:
        exports = _export_releases(con, digest, export)
        errors: list[RecordError] = []
        added = 0
        with open(scratch, "wb") as out:
            for batch in _compiled_batches(exports, path, reporting_currency, pool):
                for ocid, first, rows, count, failure in batch:
                    for index in by_ocid.get(ocid, ()):
                        if replaced_by_merge(own_errors[index], first):
                            replaced.add(index)
                    if failure is not None:
                        errors.append(RecordError(**failure))
                        continue
                    out.write(rows)
                    added += count
        own, others = _replace_rows(con, digest)
        _replace_errors(con, digest)
        if added:
            insert_lot_rows(con, digest, scratch)
    finally:
        scratch.unlink(missing_ok=True)
        for file in exports:
            file.unlink(missing_ok=True)
    con.execute("DROP TABLE gp_touched")
    kept = [error for index, error in enumerate(own_errors) if index not in replaced]
    return touched, added - own, others, kept + errors


def _export_releases(con: duckdb.DuckDBPyConnection, digest: str, export: Path) -> list[Path]:
    """The releases of the touched processes, in store order, to JSON Lines files (``export``
    with ``.0``, ``.1``, ...: read one after the other, they hold the processes in ``ocid``
    order): DuckDB sorts them within its memory limit and writes them out, so that Python
    reads one process at a time (a query result read with ``fetchmany`` may be held whole).

    Each file holds the processes of a range of ocids whose releases total about
    :data:`_EXPORT_BYTES` (a process is never split): DuckDB's sort of long text values needs
    several times their size (with releases of 12 KB, 85 MB sorted at once held 250 MB of
    its memory, 190 MB did not fit in 640 MB). The lines are made in SQL and written by the
    CSV writer, unquoted (DuckDB's JSON writer ran out of its 256 MB on 23 MB of such
    releases). Each line starts ``{"ocid":<the ocid as JSON>,"earlier":``:
    :func:`_process_key` reads the ocid's bytes from there.

    Each piece's releases' JSON is read only between the first and the last row holding its
    processes (found on the narrow columns first): a file mostly continues recent processes,
    and DuckDB skips the row groups outside that range (on 1.8 GB of stored releases, 0.11 s
    instead of 0.69 s for 3,000 processes of the last months)."""
    con.execute("SET preserve_insertion_order = true")
    # per piece: its ocids, bytes, longest release and the rows that hold it (one pass over
    # the narrow columns)
    chunks = con.execute(
        "SELECT MIN(ocid), MAX(ocid), SUM(bytes), MAX(longest), MIN(first), MAX(last) "
        "FROM (SELECT *, "
        f"(SUM(bytes) OVER (ORDER BY ocid) - bytes) // {_EXPORT_BYTES} AS chunk "
        "FROM (SELECT ocid, SUM(size) AS bytes, MAX(size) AS longest, MIN(rowid) AS first, "
        "MAX(rowid) AS last FROM gp_releases WHERE ocid IN (SELECT ocid FROM gp_touched) "
        "GROUP BY ocid)) GROUP BY chunk ORDER BY chunk"
    ).fetchall()
    where = "rowid BETWEEN ? AND ? AND ocid IN (SELECT ocid FROM gp_touched)"
    line = (
        """'{"ocid":' || to_json(ocid) || ',"earlier":' || """
        "CASE WHEN file_hash <> ? THEN 'true' ELSE 'false' END || "
        """',"source":' || coalesce(to_json(source), 'null') || """
        """',"location":' || coalesce(to_json(location), 'null') || """
        """',"release":' || release || '}'"""
    )
    files: list[Path] = []
    try:
        for number, (low, high, total, longest, first, last) in enumerate(chunks):
            target = Path(f"{os.fspath(export)}.{number}")
            files.append(target)
            parameters = [digest, first, last, low, high]
            _export_chunk(con, line, where, target, parameters, longest, total)
    except BaseException:
        # the caller removes the files only once they are all written
        for file in files:
            file.unlink(missing_ok=True)
        raise
    return files


def _export_chunk(
    con: duckdb.DuckDBPyConnection,
    line: str,
    where: str,
    target: Path,
    parameters: list[Any],
    longest: int | None,
    total: int | None,
) -> None:
    """Write the export lines (SQL ``line``) of the releases ``where`` says, of the ocids
    between the last two ``parameters``, sorted, to ``target``."""
    with _room(con, int(longest or 0), int(total or 0)):
        con.execute(
            f"COPY (SELECT {line} FROM gp_releases WHERE {where} "
            "AND ocid BETWEEN ? AND ? ORDER BY ocid, file_seq, pos) "
            f"TO '{os.fspath(target).replace(chr(39), chr(39) * 2)}' "
            "(FORMAT csv, header false, quote '', escape '', delimiter '\x01')",
            parameters,
        )


#: Bytes of releases sorted and written per export file (:func:`_export_releases`).
_EXPORT_BYTES = 32 << 20


#: What follows the ocid on each line of the export (:func:`_export_releases`). A JSON
#: string escapes every quote it holds, so these bytes cannot occur inside the ocid's text.
_AFTER_OCID = b',"earlier":'

#: A batch of processes sent to a worker: at most this many processes ...
_BATCH_PROCESSES = 2_000
#: ... or about this many bytes of releases (a process's releases are never split).
_BATCH_BYTES = 8 << 20
#: Batches compiled or waiting in the workers at a time (bounds this process's memory).
_IN_FLIGHT = 4

#: One merged process: (ocid, (file, location) of its first release in the new file, its
#: lot rows as JSON Lines, how many, its record error as a dict or None).
MergedProcess = tuple[str, tuple[str, str], bytes, int, "dict[str, Any] | None"]


def _process_key(line: bytes) -> bytes:
    """The ocid of an export line, as the JSON text DuckDB wrote (no parsing needed)."""
    return line[: line.index(_AFTER_OCID)]


def _batches(exports: list[Path]) -> Iterator[bytes]:
    """The lines of the export files, in order, in batches of whole processes
    (:data:`_BATCH_PROCESSES`, :data:`_BATCH_BYTES`)."""
    batch: list[bytes] = []
    size = processes = 0
    current: bytes | None = None
    for line in _lines(exports):
        key = _process_key(line)
        if key != current:
            if processes >= _BATCH_PROCESSES or size >= _BATCH_BYTES:
                yield b"".join(batch)
                batch, size, processes = [], 0, 0
            current = key
            processes += 1
        batch.append(line)
        size += len(line)
    if batch:
        yield b"".join(batch)


def _lines(exports: list[Path]) -> Iterator[bytes]:
    for export in exports:
        with open(export, "rb") as lines:
            yield from lines


def _compiled_batches(
    exports: list[Path], path: str, currency: str, pool: Executor | None
) -> Iterator[list[MergedProcess]]:
    """:func:`merge_batch` of each batch of the export, in order: in this process, or in
    ``pool`` with :data:`_IN_FLIGHT` batches at most submitted and not yet read."""
    if pool is None:
        for batch in _batches(exports):
            yield merge_batch(batch, path, currency)
        return
    pending: deque[Future[list[MergedProcess]]] = deque()
    try:
        for batch in _batches(exports):
            pending.append(pool.submit(merge_batch, batch, path, currency))
            if len(pending) >= _IN_FLIGHT:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


@functools.lru_cache(maxsize=4)
def _converter(currency: str) -> CurrencyConverter:
    return CurrencyConverter(currency)


def merge_batch(lines: bytes, path: str, currency: str) -> list[MergedProcess]:
    """Compile each process of a batch of export lines (:func:`_batches`: whole processes,
    in store order) from all its releases (:func:`~greenprocure.monitoring.lots.
    rows_across_files`); run in a worker process or in this one."""
    out: list[MergedProcess] = []
    converter = _converter(currency)
    group: list[tuple[dict[str, Any], str]] = []
    sources: list[str] = []
    current: str | None = None
    earlier = 0

    def flush() -> None:
        if current is None:
            return
        first = (sources[earlier], group[earlier][1])
        result = rows_across_files(current, group, earlier, path, converter)
        if isinstance(result, RecordError):
            out.append((current, first, b"", 0, result.to_dict()))
        else:
            rows = b"".join(row_json(row) + b"\n" for row in result)
            out.append((current, first, rows, len(result), None))

    for line in lines.split(b"\n"):
        if not line:
            continue
        entry = orjson.loads(line)
        ocid = entry["ocid"]
        if ocid != current:
            flush()
            current, group, sources, earlier = ocid, [], [], 0
        group.append((entry["release"], entry["location"]))
        sources.append(entry["source"])
        earlier += bool(entry["earlier"])
    flush()
    return out


def _replace_errors(con: duckdb.DuckDBPyConnection, digest: str) -> None:
    """Delete what earlier files' compiles of the touched processes reported (the error at
    the process's first release in that file, :func:`~greenprocure.monitoring.lots.
    replaced_by_merge`): this file's merge of the process replaces it, as it replaces their
    rows. Errors of single releases stay. Keep the files' error counts right."""
    # (a merge names the file it was made for, a zip archive's own compile the member)
    replaced = (
        "SELECT e.file_hash, e.file, e.location, e.ocid FROM record_errors e JOIN ("
        "  SELECT r.file_hash, r.ocid, arg_min(r.source, r.pos) AS source,"
        "    arg_min(r.location, r.pos) AS location"
        "  FROM gp_releases r JOIN gp_touched t ON r.ocid = t.ocid"
        "  WHERE r.file_hash <> ? GROUP BY r.file_hash, r.ocid"
        ") f ON e.file_hash = f.file_hash AND e.ocid = f.ocid"
        " JOIN gp_files g ON g.file_hash = e.file_hash"
        " AND (e.file = f.source"
        "  OR (e.file = g.path AND ends_with(e.location, ' of earlier files)')))"
        " AND (e.location = f.location OR starts_with(e.location, f.location || ' (+'))"
    )
    counts = con.execute(
        f"SELECT file_hash, COUNT(*) FROM ({replaced}) GROUP BY file_hash", [digest]
    ).fetchall()
    if not counts:
        return
    con.execute(
        f"DELETE FROM record_errors USING ({replaced}) x WHERE record_errors.file_hash = "
        "x.file_hash AND record_errors.ocid = x.ocid AND record_errors.file = x.file "
        "AND record_errors.location = x.location",
        [digest],
    )
    for file_hash, count in counts:
        con.execute(
            "UPDATE gp_files SET errors = errors - ? WHERE file_hash = ?",
            [int(count), file_hash],
        )


def _replace_rows(con: duckdb.DuckDBPyConnection, digest: str) -> tuple[int, int]:
    """Delete the touched processes' rows of every file with their releases; keep the files'
    row counts right; return how many were this file's own and how many earlier files'."""
    stale = (
        "SELECT DISTINCT r.file_hash, r.ocid FROM gp_releases r "
        "JOIN gp_touched t ON r.ocid = t.ocid"
    )
    counts = con.execute(
        f"SELECT l.file_hash, COUNT(*) FROM lot_rows l JOIN ({stale}) s "
        "ON l.file_hash = s.file_hash AND l.ocid = s.ocid GROUP BY l.file_hash"
    ).fetchall()
    con.execute(
        f"DELETE FROM lot_rows USING ({stale}) s "
        "WHERE lot_rows.file_hash = s.file_hash AND lot_rows.ocid = s.ocid"
    )
    own = others = 0
    for file_hash, count in counts:
        if file_hash == digest:
            own = int(count)
        else:
            others += int(count)
            con.execute(
                "UPDATE gp_files SET lot_rows = lot_rows - ? WHERE file_hash = ?",
                [int(count), file_hash],
            )
    return own, others
