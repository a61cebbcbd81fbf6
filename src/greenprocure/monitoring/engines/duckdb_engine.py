"""The DuckDB engine: a local store of lot rows and the indicators computed over it.

The store is one DuckDB database file (default ``.greenprocure/monitoring.duckdb``) with
four tables:

``gp_meta``        schema version and the store's reporting currency
``gp_files``       one row per ingested file: content hash (BLAKE2b-256), path, size, counts
``lot_rows``       the lot rows (:data:`~greenprocure.monitoring.rows.LOT_COLUMNS`) with the
                   hash of the file they come from
``record_errors``  the records that were skipped, with file, location, ocid and reason
``gp_releases``    every release read, to merge a process whose releases are in several
                   files (:mod:`~greenprocure.monitoring.engines.duckdb_release_store`)

A file is identified by the hash of its content: ingesting it again (under any name) adds
nothing. Each file is ingested in one transaction: its rows, its releases, the processes it
merges with earlier files, its errors and its ``gp_files`` entry are committed together, so
an ingest interrupted inside a file leaves the store as it was before that file. Rows are
streamed from the readers in batches through a temporary JSON Lines file that DuckDB's
``read_json`` loads with the declared column types (fast, and no dependency beyond DuckDB).
Several large files can be read in worker processes while this process commits them in
order (``workers``).

Indicators run the shared SQL of :mod:`greenprocure.monitoring.indicators` over the store
(:func:`compute_indicators`). The module also offers the two paths that skip the store:
:func:`indicators_from_compiled` (compiled-release JSON Lines, lot rows built in SQL) and
:func:`indicators_from_releases` (release packages compiled in SQL first). DuckDB works in
at most :data:`MEMORY_LIMIT` and spills to a temporary folder beyond it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import orjson

from greenprocure.errors import (
    FailureEntry,
    GreenProcureError,
    StoreError,
    failure_entry,
    failure_reason,
)
from greenprocure.i18n import N_, get_language, use_language
from greenprocure.monitoring.engines._common import (
    IngestTally,
    ProgressCallback,
    atomic_write,
    currency_conflict,
    file_hash,
    layout_mismatch,
    no_store,
)
from greenprocure.monitoring.engines.duckdb_compiled import (
    duckdb_indicator_tables,
    indicators_from_compiled,
)
from greenprocure.monitoring.engines.duckdb_release_store import (
    CheckpointPacer,
    ReleaseLog,
    create_release_table,
    merge_across_files,
    store_releases,
)
from greenprocure.monitoring.engines.duckdb_releases import indicators_from_releases
from greenprocure.monitoring.engines.duckdb_rows import insert_lot_rows, row_json, struct_columns
from greenprocure.monitoring.indicators import (
    INDICATOR_COLUMNS,
    IndicatorResult,
    IndicatorTable,
    IngestSummary,
    deduplicated_sql,
    parse_group_keys,
)
from greenprocure.monitoring.lots import lot_rows
from greenprocure.monitoring.readers._source import text_encoding
from greenprocure.monitoring.rows import (
    ERROR_COLUMNS,
    LOT_COLUMNS,
    UNCONVERTED_FROM_COLUMNS_SQL,
    RecordError,
)

__all__ = [
    "DEFAULT_STORE",
    "MEMORY_LIMIT",
    "PARALLEL_MIN_BYTES",
    "SCHEMA_VERSION",
    "compute_indicators",
    "connect_store",
    "file_hash",
    "indicators_from_compiled",
    "indicators_from_releases",
    "ingest",
    "limit_resources",
    "run_indicators",
    "store_currency",
    "stored_errors",
    "struct_columns",
]

#: Where the store lives unless ``--store`` says otherwise (relative to the working folder).
DEFAULT_STORE = Path(".greenprocure") / "monitoring.duckdb"

#: Version of the store's table layout; a store of another version is refused (2: releases
#: are kept, processes merged across files; 3: lot rows say whether an amount is
#: ``unconverted``; 4: lot rows carry their ``release_date``). A store of version 2 or 3
#: is brought to 4 when opened (:func:`_upgrade`).
SCHEMA_VERSION = "4"

#: The layout versions :func:`_upgrade` brings to :data:`SCHEMA_VERSION`.
_UPGRADABLE = ("2", "3")

_BATCH = 20_000


#: Why a file read in a worker could not be stored: in the run's language, and as the
#: errors file lists it.
_Failure = tuple[str, FailureEntry]


def connect_store(
    store: Path, *, reporting_currency: str | None = None, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (and if needed create) the store; check its version and reporting currency."""
    if read_only and not store.is_file():
        raise no_store(store)
    if "?" in os.fspath(store):
        # DuckDB takes what follows ? for a URL's query: the store's write-ahead log would
        # be looked for elsewhere and the first commit fail
        raise StoreError(
            N_("DuckDB cannot keep a store whose path holds ?: choose another: {store}"),
            store=os.fspath(store),
        )
    if not _duckdb_file(store):
        # DuckDB opens a CSV, Parquet or JSON file as a database in memory: what the run
        # stored would be lost without a word, and the file would not be a store after it
        raise StoreError(
            N_("{store} is not a monitoring store (a DuckDB database file): choose another path"),
            store=os.fspath(store),
        )
    if not read_only:
        store.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(os.fspath(store), read_only=read_only)
    except duckdb.Error as error:
        raise StoreError(
            N_("cannot open the monitoring store {store}: {reason}"),
            store=os.fspath(store),
            reason=str(error),
        ) from error
    if not read_only:
        _create_tables(con)
    meta = dict(con.execute("SELECT key, value FROM gp_meta").fetchall())
    if meta.get("schema_version") in _UPGRADABLE:
        con = _upgrade(con, store, meta["schema_version"], read_only=read_only)
        meta["schema_version"] = SCHEMA_VERSION
    if meta.get("schema_version") != SCHEMA_VERSION:
        con.close()
        raise layout_mismatch(store, meta.get("schema_version", "?"), SCHEMA_VERSION)
    stored = meta.get("reporting_currency")
    if reporting_currency and stored and stored != reporting_currency.upper():
        con.close()
        raise currency_conflict(store, stored, reporting_currency)
    if reporting_currency and not stored:
        con.execute(
            "INSERT INTO gp_meta VALUES ('reporting_currency', ?)", [reporting_currency.upper()]
        )
    return con


def store_currency(store: Path) -> str | None:
    """The reporting currency of the store at ``store``, or None (no store there, or none
    that can be read now: opening it for the run says why)."""
    if not store.is_file() or not _duckdb_file(store) or "?" in os.fspath(store):
        return None
    try:
        with duckdb.connect(os.fspath(store), read_only=True) as con:
            found = con.execute(
                "SELECT value FROM gp_meta WHERE key = 'reporting_currency'"
            ).fetchone()
    except duckdb.Error:
        return None
    return str(found[0]) if found and found[0] else None


def _duckdb_file(store: Path) -> bool:
    """Whether ``store`` is absent, empty or a DuckDB database file (``DUCK`` after the first
    8 bytes); an empty file is left for DuckDB to refuse with its own reason."""
    try:
        with open(store, "rb") as handle:
            head = handle.read(12)
    except OSError:
        return True  # absent, a folder, unreadable: DuckDB creates it or says why
    return not head or head[8:12] == b"DUCK"


def _upgrade(
    con: duckdb.DuckDBPyConnection, store: Path, version: str, *, read_only: bool
) -> duckdb.DuckDBPyConnection:
    """Bring a store of layout ``version`` (2 or 3) to 4 in one transaction: from 2, column
    ``unconverted`` of the lot rows, filled from their other columns (:data:`~greenprocure.
    monitoring.rows.UNCONVERTED_FROM_COLUMNS_SQL`); from 2 or 3, column ``release_date``,
    NULL in the rows stored before (the deduplication dates them by their lot's date, as
    before). A store opened read-only is upgraded once through a writable connection, then
    opened read-only again; if it cannot be written (a read-only file, another program
    using it) the error says that the upgrade needs it."""
    if read_only:
        con.close()
        try:
            connect_store(store).close()
        except StoreError as error:
            raise StoreError(
                N_(
                    "the store {store} has layout version {version}: it is upgraded to "
                    "{current} once, which needs it writable and not in use by another "
                    "program ({reason})"
                ),
                store=os.fspath(store),
                version=version,
                current=SCHEMA_VERSION,
                reason=error.params.get("reason", ""),
            ) from error
        return connect_store(store, read_only=True)
    try:
        limit_resources(con)
        con.execute("BEGIN TRANSACTION")
        if version == "2":
            con.execute("ALTER TABLE lot_rows ADD COLUMN IF NOT EXISTS unconverted BOOLEAN")
            con.execute(f"UPDATE lot_rows SET unconverted = {UNCONVERTED_FROM_COLUMNS_SQL}")
        con.execute("ALTER TABLE lot_rows ADD COLUMN IF NOT EXISTS release_date DATE")
        con.execute("UPDATE gp_meta SET value = ? WHERE key = 'schema_version'", [SCHEMA_VERSION])
        con.execute("COMMIT")
    except duckdb.Error as error:
        con.close()
        raise StoreError(
            N_("cannot upgrade the monitoring store {store}: {reason}"),
            store=os.fspath(store),
            reason=str(error),
        ) from error
    return con


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    lot_columns = ", ".join(f"{name} {kind}" for name, kind in LOT_COLUMNS)
    error_columns = ", ".join(f"{name} {kind}" for name, kind in ERROR_COLUMNS)
    con.execute("BEGIN TRANSACTION")
    con.execute("CREATE TABLE IF NOT EXISTS gp_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute(
        "CREATE TABLE IF NOT EXISTS gp_files (file_hash VARCHAR PRIMARY KEY, path VARCHAR, "
        "size BIGINT, reporting_currency VARCHAR, lot_rows BIGINT, errors BIGINT, "
        "ingested_at TIMESTAMP)"
    )
    con.execute(f"CREATE TABLE IF NOT EXISTS lot_rows (file_hash VARCHAR, {lot_columns})")
    con.execute(f"CREATE TABLE IF NOT EXISTS record_errors (file_hash VARCHAR, {error_columns})")
    create_release_table(con)
    con.execute(
        "INSERT INTO gp_meta SELECT 'schema_version', ? "
        "WHERE NOT EXISTS (SELECT 1 FROM gp_meta WHERE key = 'schema_version')",
        [SCHEMA_VERSION],
    )
    con.execute("COMMIT")


class _Batcher:
    """Rows of one file, flushed in batches into ``lot_rows`` inside the open transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, digest: str, scratch: Path) -> None:
        self.con = con
        self.digest = digest
        self.scratch = scratch
        self.lines: list[bytes] = []
        self.count = 0

    def add(self, row: Any) -> None:
        self.lines.append(row_json(row))
        if len(self.lines) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        self.scratch.write_bytes(b"\n".join(self.lines) + b"\n")
        insert_lot_rows(self.con, self.digest, self.scratch)
        self.count += len(self.lines)
        self.lines = []


class _Meter:
    """Turns the reader's byte counts and the rows seen into progress calls."""

    __slots__ = ("done", "progress", "size")

    def __init__(self, progress: ProgressCallback | None, size: int) -> None:
        self.progress = progress
        self.size = size
        self.done = 0

    def read(self, count: int) -> None:
        step = max(0, min(count, self.size - self.done))
        self.done += step
        if self.progress is not None and step:
            self.progress(step, 0)

    def records(self, count: int) -> None:
        if self.progress is not None and count:
            self.progress(0, count)

    def finish(self) -> None:
        self.read(self.size - self.done)


def _record_file(
    con: duckdb.DuckDBPyConnection,
    digest: str,
    path: Path,
    size: int,
    reporting_currency: str,
    lot_rows: int,
    errors: int,
) -> None:
    """The store's record of a file ingested (inside the caller's transaction)."""
    con.execute(
        "INSERT INTO gp_files VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            digest,
            os.fspath(path),
            size,
            reporting_currency,
            lot_rows,
            errors,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        ],
    )


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    digest: str,
    size: int,
    reporting_currency: str,
    rows: Iterable[Any],
    release_log: ReleaseLog,
    errors_out: list[bytes],
    meter: _Meter,
    scratch_folder: Path,
    pacer: CheckpointPacer,
) -> tuple[int, int, tuple[int, int]]:
    """Add one file in one transaction; return (lot rows, record errors, (processes merged,
    earlier files' rows they replaced)).

    ``rows`` are the file's rows, read while this runs; ``release_log`` is the scratch file
    its reader writes the file's releases to.
    """
    scratch = _scratch(scratch_folder)
    errors: list[RecordError] = []
    records = 0
    con.execute("BEGIN TRANSACTION")
    try:
        batcher = _Batcher(con, digest, scratch)
        for item in rows:
            if isinstance(item, RecordError):
                errors.append(item)
            else:
                batcher.add(item)
            records += 1
            if records % 1000 == 0:
                meter.records(1000)
        batcher.flush()
        release_log.close()
        count, merged = _merge(
            con, digest, path, reporting_currency, release_log, scratch, batcher.count, errors
        )
        _store_errors(con, digest, errors)
        _record_file(con, digest, path, size, reporting_currency, count, len(errors))
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise
    finally:
        scratch.unlink(missing_ok=True)
    pacer.committed(release_log.scratch)
    errors_out.extend(orjson.dumps(e.to_dict()) for e in errors)
    meter.records(records % 1000)
    meter.finish()
    return count, len(errors), merged


def _scratch(folder: Path, suffix: str = "") -> Path:
    return folder / f"gp-ingest-{os.getpid()}-{time.monotonic_ns()}{suffix}.jsonl"


def _merge(
    con: duckdb.DuckDBPyConnection,
    digest: str,
    path: Path,
    reporting_currency: str,
    release_log: ReleaseLog,
    scratch: Path,
    count: int,
    errors: list[RecordError],
    pool: Executor | None = None,
) -> tuple[int, tuple[int, int]]:
    """Keep the file's releases and merge its processes with earlier files' (in the file's
    transaction; compiled in ``pool`` if given); return (the file's lot rows now,
    (processes merged, earlier files' rows they replaced))."""
    if not release_log.count:
        return count, (0, 0)
    store_releases(con, digest, release_log.scratch, release_log.longest)
    merged, delta, replaced, errors[:] = merge_across_files(
        con, digest, os.fspath(path), reporting_currency, scratch, errors, pool
    )
    return count + delta, (merged, replaced)


def _store_errors(
    con: duckdb.DuckDBPyConnection, digest: str, errors: Sequence[RecordError]
) -> None:
    if errors:
        con.executemany(
            "INSERT INTO record_errors VALUES (?, ?, ?, ?, ?)",
            [[digest, e.file, e.location, e.ocid, e.reason] for e in errors],
        )


def _rows(
    path: Path,
    reporting_currency: str,
    encoding: str | None,
    release_log: ReleaseLog,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Any]:
    yield from lot_rows(
        path,
        reporting_currency=reporting_currency,
        encoding=encoding,
        progress=on_bytes,
        releases=release_log,
    )


#: Below this many bytes to read, ``ingest`` works in one process whatever ``workers`` says
#: (starting worker processes costs more than it saves).
PARALLEL_MIN_BYTES = 128 * 1024 * 1024


def _prepare_file(
    path: str, currency: str, scratch: str, encoding: str | None = None, language: str = "en"
) -> tuple[int, list[dict[str, Any]], _Failure | None, tuple[int, int]]:
    """In a worker process: write the lot rows of ``path`` to ``scratch`` (JSON Lines) and
    its releases to ``scratch`` + ``.releases`` (:class:`ReleaseLog`).

    Returns (rows written, record errors, why the file cannot be read (in ``language``, and
    for the errors file) or None, (releases, longest release line)).
    """
    count = 0
    errors: list[dict[str, Any]] = []
    log = ReleaseLog(Path(scratch + ".releases"))
    try:
        with open(scratch, "wb") as out:
            for item in lot_rows(
                path, reporting_currency=currency, encoding=encoding, releases=log
            ):
                if isinstance(item, RecordError):
                    errors.append(item.to_dict())
                else:
                    out.write(row_json(item) + b"\n")
                    count += 1
    except MemoryError:
        Path(scratch).unlink(missing_ok=True)
        log.discard()
        raise
    except Exception as error:  # any other failure fails this file, not the run
        Path(scratch).unlink(missing_ok=True)
        log.discard()
        if isinstance(error, GreenProcureError):
            with use_language(language):
                return 0, [], (failure_reason(error, path), failure_entry(error, path)), (0, 0)
        return 0, [], (failure_reason(error, path), failure_entry(error, path)), (0, 0)
    log.close()
    return count, errors, None, (log.count, log.longest)


def _commit_prepared(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    digest: str,
    size: int,
    reporting_currency: str,
    scratch: Path,
    count: int,
    errors: list[RecordError],
    releases: tuple[int, int],
    pacer: CheckpointPacer,
    pool: Executor | None = None,
) -> tuple[int, tuple[int, int]]:
    """Add a file prepared by a worker in one transaction (its processes merged across
    files compiled in ``pool``); return (lot rows, (merged, replaced))."""
    log = ReleaseLog(Path(os.fspath(scratch) + ".releases"))
    log.count, log.longest = releases
    merge_scratch = _scratch(scratch.parent, "-merge")
    con.execute("BEGIN TRANSACTION")
    try:
        if count:
            insert_lot_rows(con, digest, scratch)
        count, merged = _merge(
            con, digest, path, reporting_currency, log, merge_scratch, count, errors, pool
        )
        _store_errors(con, digest, errors)
        _record_file(con, digest, path, size, reporting_currency, count, len(errors))
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise
    finally:
        merge_scratch.unlink(missing_ok=True)
    try:
        pacer.committed(log.scratch)
    finally:
        log.discard()
    return count, merged


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll the current file back after an error or an interrupt, which is then raised: if
    the transaction is already gone (an interrupted ``COMMIT`` ends it), DuckDB's complaint
    about that must not replace it."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def ingest(
    paths: Sequence[str | Path],
    store: Path = DEFAULT_STORE,
    *,
    reporting_currency: str = "EUR",
    errors_file: Path | None = None,
    progress: ProgressCallback | None = None,
    workers: int = 1,
    encoding: str | None = None,
) -> IngestSummary:
    """Read ``paths`` (files) into the store; see the module docstring for the guarantees.

    ``encoding`` declares the text encoding of the JSON files (e.g. ``iso-8859-2``,
    ``shift_jis``); ``None`` detects it per file (UTF-8 or a byte-order mark, else
    ``cp1252``). XML notices declare their own.

    Record errors are written to ``errors_file`` (default: the store's name with
    ``.errors.jsonl``) as JSON Lines with file, location, ocid and reason; the file is
    replaced at the end of the run and lists the errors of the files ingested in this run.
    A file that cannot be read at all (e.g. unreadable) is rolled back, listed in
    ``failures`` and the run goes on; any other exception rolls the current file back and
    is raised.

    With ``workers`` > 1 and at least two new files holding :data:`PARALLEL_MIN_BYTES` or
    more, the files are read in that many worker processes while this process commits them,
    one transaction per file, in the order given: the guarantees are the same. The workers
    are started with ``spawn``: a script calling this must guard its entry point with
    ``if __name__ == "__main__":`` (the ``greenprocure`` command does).
    """
    started = time.perf_counter()
    currency = reporting_currency.upper()
    encoding = text_encoding(encoding)
    errors_path = errors_file or store.with_name(store.name + ".errors.jsonl")
    con = connect_store(store, reporting_currency=currency)
    # The releases' JSON goes through DuckDB's buffers: bounded, so that the process (whose
    # readers hold up to a memory budget of releases) stays well under 1 GiB.
    con.execute(f"SET memory_limit = '{INGEST_MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{quote_path(temp_folder())}'")
    tally = IngestTally()
    pacer = CheckpointPacer(con)
    try:
        todo: list[tuple[Path, str, int]] = []
        first: dict[str, str] = {}  # the file of this run read for each content
        for item in paths:
            path = Path(item)
            try:
                digest, size = file_hash(path)
            except OSError as error:
                tally.fail(os.fspath(path), str(error), error_line=False)
                continue
            known = con.execute("SELECT 1 FROM gp_files WHERE file_hash = ?", [digest]).fetchone()
            if known or digest in first:
                tally.skip(os.fspath(path), None if known else first[digest])
                if progress is not None:
                    progress(size, 0)
                continue
            first[digest] = os.fspath(path)
            todo.append((path, digest, size))
        if workers > 1 and len(todo) > 1 and sum(t[2] for t in todo) >= PARALLEL_MIN_BYTES:
            done = _ingest_parallel(
                con, todo, currency, workers, store.parent, progress, pacer, encoding
            )
            for path, count, record_errors, failed, merged in done:
                if failed is not None:
                    tally.fail(os.fspath(path), failed[0], entry=failed[1])
                    continue
                tally.stored(
                    os.fspath(path), count, len(record_errors), path.stat().st_size, *merged
                )
                tally.error_lines.extend(orjson.dumps(e.to_dict()) for e in record_errors)
            todo = []
        for path, digest, size in todo:
            meter = _Meter(progress, size)
            log = ReleaseLog(_scratch(store.parent, "-releases"))
            try:
                count, errors, merged = _ingest_file(
                    con,
                    path,
                    digest,
                    size,
                    currency,
                    _rows(path, currency, encoding, log, meter.read),
                    log,
                    tally.error_lines,
                    meter,
                    store.parent,
                    pacer,
                )
            except (MemoryError, duckdb.FatalException):
                raise  # the store or the process cannot go on: stop the run
            except Exception as error:  # any other failure fails this file, not the run
                # (its transaction is rolled back: the store is as it was before the file)
                tally.fail(
                    os.fspath(path),
                    failure_reason(error, os.fspath(path)),
                    entry=failure_entry(error, os.fspath(path)),
                )
                continue
            finally:
                log.discard()
            tally.stored(os.fspath(path), count, errors, size, *merged)
    finally:
        con.close()
        _write_errors(errors_path, tally.error_lines)
    return tally.summary(store, errors_path, started)


def _ingest_parallel(
    con: duckdb.DuckDBPyConnection,
    todo: list[tuple[Path, str, int]],
    currency: str,
    workers: int,
    scratch_folder: Path,
    progress: ProgressCallback | None,
    pacer: CheckpointPacer,
    encoding: str | None = None,
) -> list[tuple[Path, int, list[RecordError], _Failure | None, tuple[int, int]]]:
    """Read files in worker processes; commit each here, in order, one transaction each.

    Returns per file (path, lot rows, record errors, why it failed or None, (processes
    merged, earlier files' rows replaced)).
    """
    results: list[tuple[Path, int, list[RecordError], _Failure | None, tuple[int, int]]] = []
    stamp = f"{os.getpid()}-{time.monotonic_ns()}"
    scratches = [scratch_folder / f"gp-ingest-{stamp}-{n}.jsonl" for n in range(len(todo))]
    context = multiprocessing.get_context("spawn")
    try:
        # the files are read in one pool; the processes their files continue are compiled
        # again in another (its workers start when a file first merges): a batch of merges
        # is not queued behind every file still to read
        with (
            ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool,
            ProcessPoolExecutor(max_workers=workers, mp_context=context) as merges,
        ):
            futures = [
                pool.submit(
                    _prepare_file,
                    os.fspath(path),
                    currency,
                    os.fspath(scratch),
                    encoding,
                    get_language(),
                )
                for (path, _digest, _size), scratch in zip(todo, scratches, strict=True)
            ]
            try:
                reading = True
                pending = 0  # futures before it are done
                for (path, digest, size), scratch, future in zip(
                    todo, scratches, futures, strict=True
                ):
                    count, found, reason, releases = future.result()
                    while pending < len(futures) and futures[pending].done():
                        pending += 1
                    if reading and pending == len(futures):
                        # every file is read: the readers' processes go, and the memory
                        # they kept (a few hundred MB after large releases) with them,
                        # while the merges of the files still to commit run
                        pool.shutdown(wait=True)
                        reading = False
                    errors = [RecordError(**e) for e in found]
                    merged = (0, 0)
                    if reason is None:
                        count, merged = _commit_prepared(
                            con,
                            path,
                            digest,
                            size,
                            currency,
                            scratch,
                            count,
                            errors,
                            releases,
                            pacer,
                            merges,
                        )
                    scratch.unlink(missing_ok=True)
                    results.append((path, count, errors, reason, merged))
                    if progress is not None:
                        progress(size, count + len(errors))
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    finally:
        for scratch in scratches:
            scratch.unlink(missing_ok=True)
            Path(os.fspath(scratch) + ".releases").unlink(missing_ok=True)
    return results


def _write_errors(path: Path, lines: list[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, b"".join(line + b"\n" for line in lines))


#: Memory DuckDB may use before it spills to disk (the issue asks for < 1 GiB in all).
MEMORY_LIMIT = "640MB"

#: The same while ingesting, beside the readers' memory.
INGEST_MEMORY_LIMIT = "256MB"


def temp_folder() -> Path:
    """The folder DuckDB spills to (made when missing)."""
    folder = Path(tempfile.gettempdir()) / "greenprocure"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def limit_resources(con: duckdb.DuckDBPyConnection, *, threads: int | None = None) -> None:
    """Bound DuckDB's memory (spilling to a temporary folder) and optionally its threads."""
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{quote_path(temp_folder())}'")
    con.execute("SET preserve_insertion_order = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")


def quote_path(path: Path) -> str:
    """``path`` as the text of an SQL string literal (quotes doubled)."""
    return os.fspath(path).replace("'", "''")


def run_indicators(
    con: duckdb.DuckDBPyConnection, table: str, by: Sequence[str]
) -> tuple[dict[str, IndicatorTable], dict[str, IndicatorTable]]:
    """Every indicator over ``table`` grouped by ``by``, and with no key (the totals).

    The deduplicated lots are materialised once in a temporary table, then each indicator
    query runs over it.
    """
    keys = parse_group_keys(by)
    unique = con.execute(
        f"SELECT COUNT(*) = COUNT(DISTINCT (ocid, lot_id)) FROM {table}"
    ).fetchone()
    if unique and unique[0]:
        # Every lot once already: the window of the deduplication would keep every row.
        plain = ", ".join(c for c in INDICATOR_COLUMNS if c not in ("goals", "strategies"))
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE gp_lots AS SELECT {plain}, "
            f"list_distinct(goals) AS goals, list_distinct(strategies) AS strategies "
            f"FROM {table}"
        )
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE gp_lots AS {deduplicated_sql(table)}")
    try:
        return duckdb_indicator_tables(con, keys, "gp_lots")
    finally:
        con.execute("DROP TABLE IF EXISTS gp_lots")


def stored_errors(store: Path = DEFAULT_STORE) -> Iterator[dict[str, Any]]:
    """Every record error the store holds (those of every run, in the order they were
    stored), as dicts with the keys of ``ERROR_COLUMNS``: each run's errors file lists that
    run's only."""
    con = connect_store(store, read_only=True)
    try:
        names = [name for name, _kind in ERROR_COLUMNS]
        cursor = con.execute(f"SELECT {', '.join(names)} FROM record_errors ORDER BY rowid")
        while batch := cursor.fetchmany(10_000):
            yield from (dict(zip(names, row, strict=True)) for row in batch)
    finally:
        con.close()


def compute_indicators(store: Path = DEFAULT_STORE, by: Sequence[str] = ()) -> IndicatorResult:
    """Every indicator over the store, grouped by ``by``, with totals."""
    keys = parse_group_keys(by)
    con = connect_store(store, read_only=True)
    try:
        limit_resources(con)
        tables, totals = run_indicators(con, "lot_rows", keys)
        meta = dict(con.execute("SELECT key, value FROM gp_meta").fetchall())
        counts = con.execute(
            "SELECT COUNT(*), COALESCE(SUM(lot_rows), 0), COALESCE(SUM(errors), 0) FROM gp_files"
        ).fetchone()
        sources = tuple(
            r[0] for r in con.execute("SELECT path FROM gp_files ORDER BY path").fetchall()
        )
    finally:
        con.close()
    files, rows, errors = counts if counts else (0, 0, 0)
    return IndicatorResult(
        by=keys,
        reporting_currency=meta.get("reporting_currency", "EUR"),
        engine="duckdb",
        tables=tables,
        totals=totals,
        files=int(files),
        lot_rows=int(rows),
        errors=int(errors),
        sources=sources,
        computed_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )
