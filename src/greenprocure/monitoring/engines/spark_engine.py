"""The Spark engine: the monitoring pipeline on Apache Spark (pyspark, extra ``spark``).

Same interface as the DuckDB engine (see :mod:`greenprocure.monitoring.engines`), for data
beyond one machine. The store is a folder that any Spark cluster can read:

``meta.json``            layout version and the store's reporting currency
``files/<hash>.json``    one manifest per ingested file: path, size, counts (BLAKE2b-256 of the
                         file's content, as in the DuckDB store)
``lots/<hash>/*.parquet`` the lot rows of that file (:data:`~greenprocure.monitoring.rows.
                         LOT_COLUMNS`, same column names and types)
``errors/<hash>.jsonl``  the records of that file that were skipped (file, location, ocid, reason)
``releases/<hash>/*.parquet`` the releases read from that file, to merge a process whose
                         releases are in several files
                         (:mod:`~greenprocure.monitoring.engines.spark_release_store`)

Ingesting runs one Spark task per file: the task reads the file with the pure readers
(:func:`greenprocure.monitoring.lots.lot_rows`) and writes its Parquet and errors files under
temporary names, then renames them; the manifest is written last, also by rename. A file is in
the store if and only if its manifest exists, so an interrupted ingest leaves the store as it
was before that file, and a file already stored (same content) adds nothing.

Indicators are the SQL of :mod:`greenprocure.monitoring.indicators` in the Spark dialect, run
over the Parquet files of the manifests. :func:`indicators_from_compiled` computes the same
indicators straight from compiled-release JSON Lines (or release packages), with the lot rows
made in Spark tasks by the pure readers (:mod:`greenprocure.monitoring.engines.spark_lots`).

The session is local (``local[2]`` unless ``GREENPROCURE_SPARK_MASTER`` names another master),
with the web UI off, few shuffle partitions and a modest driver memory
(``GREENPROCURE_SPARK_DRIVER_MEMORY``, default ``384m``, with Spark's reserve for its own
objects lowered to match). For the whole process tree to stay under 1 GiB on one machine,
the JVM's heap starts small and gives memory back, a JVM started to ingest compiles with C1
only, and Python workers end with their task (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from pyspark.sql import DataFrame, SparkSession, functions
from pyspark.sql import types as spark_types

from greenprocure.errors import failure_entry, failure_reason
from greenprocure.i18n import get_language, use_language
from greenprocure.monitoring.engines._common import (
    IngestTally,
    ProgressCallback,
    atomic_write,
    currency_conflict,
    file_hash,
    indicator_tables,
    layout_mismatch,
    no_store,
)
from greenprocure.monitoring.engines.spark_release_store import (
    current_rows,
    merge_new_files,
    replaced_errors,
)
from greenprocure.monitoring.indicators import (
    INDICATORS,
    IndicatorResult,
    IndicatorTable,
    IngestSummary,
    indicator_sql,
    parse_group_keys,
)
from greenprocure.monitoring.readers._source import text_encoding
from greenprocure.monitoring.rows import LOT_COLUMNS, UNCONVERTED_FROM_COLUMNS_SQL

__all__ = [
    "DEFAULT_STORE",
    "LAYOUT_VERSION",
    "compute_indicators",
    "indicators_from_compiled",
    "ingest",
    "lot_schema",
    "run_indicators",
    "spark_session",
    "store_currency",
    "stored_errors",
]

#: Where the store lives unless ``--store`` says otherwise (relative to the working folder).
DEFAULT_STORE = Path(".greenprocure") / "monitoring-spark"

#: Version of the store's folder layout; a store of another version is refused (2: releases
#: are kept, processes merged across files).
LAYOUT_VERSION = "2"


_SPARK_TYPES: dict[str, spark_types.DataType] = {
    "VARCHAR": spark_types.StringType(),
    "DATE": spark_types.DateType(),
    "INTEGER": spark_types.IntegerType(),
    "BOOLEAN": spark_types.BooleanType(),
    "DOUBLE": spark_types.DoubleType(),
    "VARCHAR[]": spark_types.ArrayType(spark_types.StringType()),
}


def lot_schema() -> spark_types.StructType:
    """The Spark schema of a lot row (from :data:`LOT_COLUMNS`)."""
    return spark_types.StructType(
        [spark_types.StructField(name, _SPARK_TYPES[kind]) for name, kind in LOT_COLUMNS]
    )


#: Options of the driver's JVM (local mode runs the executors in it).
_JAVA_OPTIONS = (
    "-XX:+UseSerialGC",
    "-XX:ReservedCodeCacheSize=64m",
    "-XX:MaxMetaspaceSize=256m",
    "-Xss1m",
    "-Xms160m",
    "-Xmn128m",
    "-XX:MinHeapFreeRatio=10",
    "-XX:MaxHeapFreeRatio=30",
)


#: The JVM's options when the process's session is started to ingest: the C1 compiler
#: only. Ingesting runs many short tasks, for which C2's compilations cost memory and time
#: they do not earn back; the indicators over 2 GB ran about 10 % slower with C1 alone, so a
#: session started for them keeps both compilers. Measured on releases of 40 KB
#: (``benchmarks/large_releases_bench.py``): 35 s and 989-998 MiB against 42 s and
#: 1,037-1,051 MiB.
_INGEST_JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1",)

#: Heap Spark keeps for its own objects, outside the memory it manages (its default, 300 MiB,
#: makes it refuse a heap under 450 MiB). With 150 MiB and a heap of 384 MiB it manages
#: 140 MiB, as much as with its defaults and 512 MiB (127 MiB), and the JVM holds about
#: 80 MiB less at the peak of an ingest. The setting is read by Spark's memory manager under
#: a name meant for its tests; no other setting lowers the reserve.
_RESERVED_MEMORY = str(150 * 1024 * 1024)

_session: SparkSession | None = None


def spark_session(*, for_ingest: bool = False) -> SparkSession:
    """The engine's Spark session (created once per process; local mode unless configured).

    ``for_ingest``: if the session is started now, it is started for ingesting
    (:data:`_INGEST_JAVA_OPTIONS`); a session already running is returned as it is."""
    global _session
    if _session is None:
        _session = _start_session(for_ingest)
    return _session


def _start_session(for_ingest: bool) -> SparkSession:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    master = os.environ.get("GREENPROCURE_SPARK_MASTER", "local[2]")
    memory = os.environ.get("GREENPROCURE_SPARK_DRIVER_MEMORY", "384m")
    java_options = _JAVA_OPTIONS + (_INGEST_JAVA_OPTIONS if for_ingest else ())
    # glibc's malloc keeps up to 8 arenas per core in a JVM's many threads: two are enough;
    # Arrow's own allocator (in the Python workers that write Parquet) keeps freed memory
    # for reuse, the system's gives it back (measured: 25 MiB less per worker)
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    builder = (
        SparkSession.builder.master(master)
        .appName("greenprocure-monitoring")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", memory)
        # A small JVM: serial GC, bounded code cache and metaspace; the heap starts small
        # (the JVM's default is 1/64 of the machine's memory) with a young generation large
        # enough for the Parquet reader's buffers to die young, and is given back when free.
        .config("spark.driver.extraJavaOptions", " ".join(java_options))
        .config("spark.testing.reservedMemory", _RESERVED_MEMORY)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.files.maxPartitionBytes", str(64 << 20))
        # On one machine, Python workers end with their task, so they do not sit idle beside
        # the JVM while it computes the indicators (a worker holds 150-190 MiB); a cluster's
        # executors keep them (their memory is not the driver's machine's).
        .config("spark.python.worker.reuse", "false" if master.startswith("local") else "true")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


# --- the store -----------------------------------------------------------------------------


def _open_store(store: Path, reporting_currency: str | None, *, create: bool) -> dict[str, Any]:
    meta_path = store / "meta.json"
    if not meta_path.is_file():
        if not create:
            raise no_store(store)
        for folder in ("files", "lots", "errors", "releases"):
            (store / folder).mkdir(parents=True, exist_ok=True)
        meta: dict[str, Any] = {
            "layout_version": LAYOUT_VERSION,
            "reporting_currency": reporting_currency,
            # every lot row of this store says ``unconverted`` (see _lot_frame)
            _ROWS_SAY_UNCONVERTED: True,
        }
        atomic_write(meta_path, orjson.dumps(meta))
        return meta
    meta = dict(orjson.loads(meta_path.read_bytes()))
    if meta.get("layout_version") != LAYOUT_VERSION:
        raise layout_mismatch(store, meta.get("layout_version", "?"), LAYOUT_VERSION)
    stored = meta.get("reporting_currency")
    if reporting_currency and stored and stored != reporting_currency:
        raise currency_conflict(store, str(stored), reporting_currency)
    return meta


def store_currency(store: Path) -> str | None:
    """The reporting currency of the store at ``store``, or None (no store there, or its
    ``meta.json`` cannot be read now: opening it for the run says why)."""
    try:
        meta = orjson.loads((store / "meta.json").read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    found = meta.get("reporting_currency") if isinstance(meta, dict) else None
    return str(found) if found else None


def _manifests(store: Path) -> list[dict[str, Any]]:
    folder = store / "files"
    if not folder.is_dir():
        return []
    return [orjson.loads(path.read_bytes()) for path in sorted(folder.glob("*.json"))]


#: A file to ingest: path, content hash, size, reporting currency, store folder, the
#: declared text encoding (or None) and the file's ingest number.
_FileTask = tuple[str, str, int, str, str, str | None, int]


def _release_folder(store_text: str, digest: str) -> Path:
    folder = Path(store_text) / "releases" / digest
    shutil.rmtree(folder, ignore_errors=True)  # of a stopped ingest of the same file
    return folder


def _whole_file_task(task: _FileTask, language: str = "en") -> dict[str, Any]:
    """Runs in a Spark task: one file's lot rows (any format) into ``lots/<hash>/``; why the
    file cannot be read, if so, in ``language`` (the run's: Spark's workers have their own)
    and in English for the errors file."""
    from greenprocure.monitoring.engines.spark_lots import materialise_file

    path, digest, _size, currency, store_text, encoding, seq = task
    final = Path(store_text) / "lots" / digest
    scratch = Path(store_text) / "lots" / f".{digest}.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    releases = _release_folder(store_text, digest)
    try:
        written = materialise_file(
            path, os.fspath(scratch), currency, encoding, (os.fspath(releases), digest, seq)
        )
    except Exception as error:  # any failure but running out of memory fails this file
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(releases, ignore_errors=True)
        if isinstance(error, MemoryError):
            raise
        with use_language(language):
            shown = failure_reason(error, os.fspath(path))
        return {"path": path, "failed": shown, "entry": tuple(failure_entry(error, path))}
    shutil.rmtree(final, ignore_errors=True)
    scratch.replace(final)
    return _manifest(task, written["rows"], written["errors"], int(written.get("releases", 0)))


def _manifest(
    task: _FileTask, rows: dict[str, int], errors: dict[str, int], releases: int
) -> dict[str, Any]:
    path, digest, size, currency, _store, _encoding, seq = task
    return {
        "file_hash": digest,
        "path": path,
        "size": size,
        "reporting_currency": currency,
        "lot_rows": sum(rows.values()),
        "errors": sum(errors.values()),
        "ingested_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "seq": seq,
        "releases": releases,
        "merged": 0,
    }


def _split_file(spark: SparkSession, task: _FileTask, split_bytes: int) -> dict[str, Any]:
    """A large file: its byte ranges in parallel Spark tasks into ``lots/<hash>/``."""
    from greenprocure.monitoring.engines.spark_lots import materialise

    path, digest, _size, currency, store_text, _encoding, seq = task
    final = Path(store_text) / "lots" / digest
    scratch = Path(store_text) / "lots" / f".{digest}.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    releases = _release_folder(store_text, digest)
    try:
        written = materialise(
            spark,
            [path],
            scratch,
            reporting_currency=currency,
            split_bytes=split_bytes,
            releases=(os.fspath(releases), digest, seq),
        )
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(releases, ignore_errors=True)
        raise
    shutil.rmtree(final, ignore_errors=True)
    scratch.replace(final)
    return _manifest(task, written.rows, written.errors, written.releases)


def ingest(
    paths: Sequence[str | Path],
    store: Path = DEFAULT_STORE,
    *,
    reporting_currency: str = "EUR",
    errors_file: Path | None = None,
    progress: ProgressCallback | None = None,
    split_bytes: int = 64 << 20,
    encoding: str | None = None,
) -> IngestSummary:
    """Read ``paths`` (files) into the Spark store.

    Files smaller than ``split_bytes`` (and compressed or XML files) are read one Spark task
    per file; a larger JSON Lines file is cut into byte ranges read in parallel (see
    :mod:`~greenprocure.monitoring.engines.spark_lots`). Guarantees as the DuckDB engine: the
    same content is stored once; a file is stored whole or not at all (its manifest is
    written last); record errors are written to ``errors_file`` (default: next to the store,
    ``<store>.errors.jsonl``) and counted; a file that cannot be read is listed in
    ``failures`` and the run goes on. ``encoding`` declares the JSON files' text encoding
    (``None``: detected per file); files in a declared encoding other than UTF-8 are read
    whole, one task each.
    """
    started = time.perf_counter()
    currency = reporting_currency.upper()
    encoding = text_encoding(encoding)
    store = Path(store)
    _open_store(store, currency, create=True)
    errors_path = errors_file or store.with_name(store.name + ".errors.jsonl")
    manifests = _manifests(store)
    known = {m["file_hash"] for m in manifests}
    with_releases = [str(m["file_hash"]) for m in manifests if int(m.get("releases", 0))]
    seq = max((int(m.get("seq", 0)) for m in manifests), default=0)
    for kind in ("lots", "releases"):
        for folder in (store / kind).iterdir():
            if folder.is_dir() and folder.name not in known:
                shutil.rmtree(folder, ignore_errors=True)  # rows of a stopped ingest
    for folder in store.glob(".gp-current-*"):
        shutil.rmtree(folder, ignore_errors=True)  # the copy of a stopped indicators run
    tally = IngestTally()
    first: dict[str, str] = {}  # the file of this run read for each content
    small: list[_FileTask] = []
    large: list[_FileTask] = []
    for item in paths:
        path = Path(item)
        try:
            digest, size = file_hash(path)
        except OSError as error:
            tally.fail(os.fspath(path), str(error), error_line=False)
            continue
        if digest in known:
            tally.skip(os.fspath(path), first.get(digest))
            if progress is not None:
                progress(size, 0)
            continue
        known.add(digest)
        first[digest] = os.fspath(path)
        seq += 1
        task = (os.fspath(path), digest, size, currency, os.fspath(store.resolve()), encoding, seq)
        # byte ranges of plain UTF-8 JSON Lines only (the ranges are parsed as UTF-8)
        splittable = encoding in (None, "utf-8") and not path.name.lower().endswith(
            (".gz", ".zip", ".xml")
        )
        (large if splittable and size > split_bytes else small).append(task)
    pending: list[dict[str, Any]] = []  # files with releases: stored after the merge
    try:
        try:
            for manifest in _run_tasks(small, large, split_bytes):
                if "failed" in manifest:
                    tally.fail(manifest["path"], manifest["failed"], entry=manifest["entry"])
                elif manifest["releases"]:
                    pending.append(manifest)
                else:
                    _store_file(store, manifest, tally, progress)
        except Exception as error:
            # A later file's failure keeps the files read before it, merged among
            # themselves and with the store (as each file is kept without releases).
            try:
                _store_pending(store, pending, with_releases, manifests, currency, tally, progress)
            except Exception as merge_error:  # the first failure is the one to report
                error.add_note(f"the files read before it were not stored: {merge_error}")
            raise
        _store_pending(store, pending, with_releases, manifests, currency, tally, progress)
    finally:
        errors_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(errors_path, b"".join(line + b"\n" for line in tally.error_lines))
    order = {os.fspath(Path(item)): index for index, item in enumerate(paths)}
    tally.ingested.sort(key=lambda text: order.get(text, len(order)))
    tally.failed.sort(key=lambda text: order.get(text, len(order)))
    tally.failures.sort(key=lambda pair: order.get(pair[0], len(order)))
    return tally.summary(store, errors_path, started)


def _store_pending(
    store: Path,
    pending: list[dict[str, Any]],
    with_releases: list[str],
    before: list[dict[str, Any]],
    currency: str,
    tally: IngestTally,
    progress: ProgressCallback | None,
) -> None:
    """Merge the run's files with releases (``pending``) with the store and with each other,
    then store them; ``before`` are the manifests of the store before the run."""
    if not pending:
        return
    new = {m["file_hash"]: (m["path"], m["seq"]) for m in pending}
    outcomes = merge_new_files(spark_session(for_ingest=True), store, new, with_releases, currency)
    for manifest in sorted(pending, key=lambda m: int(m["seq"])):
        outcome = outcomes.get(manifest["file_hash"])
        if outcome is not None:
            manifest["lot_rows"] += outcome.rows_delta
            manifest["errors"] += outcome.errors
            manifest["merged"] = outcome.merged
        _store_file(store, manifest, tally, progress)
    if outcomes:
        # The run's rows: the change in the rows that count (merges replace some of the
        # earlier files' rows, which stay in place but count no more).
        spark = spark_session()
        tally.lot_rows = _live_rows(spark, store, _manifests(store)) - _live_rows(
            spark, store, before
        )


def _store_file(
    store: Path, manifest: dict[str, Any], tally: IngestTally, progress: ProgressCallback | None
) -> None:
    """Put a file in the store (its manifest, written last) and count it."""
    digest = manifest["file_hash"]
    for part in sorted((store / "lots" / digest).glob("*.errors.jsonl")):
        lines = part.read_bytes().splitlines()
        tally.error_lines.extend(line for line in lines if line)
    atomic_write(store / "files" / f"{digest}.json", orjson.dumps(manifest))
    tally.stored(
        manifest["path"],
        manifest["lot_rows"],
        manifest["errors"],
        manifest["size"],
        int(manifest.get("merged", 0)),
    )
    if progress is not None:
        progress(manifest["size"], manifest["lot_rows"] + manifest["errors"])


def _run_tasks(
    small: list[_FileTask],
    large: list[_FileTask],
    split_bytes: int,
) -> Iterator[dict[str, Any]]:
    """Manifests of the files as they are done: small files one task each, then large ones."""
    if not small and not large:
        return
    spark = spark_session(for_ingest=True)
    if small:
        # A few slices (each one Spark job when iterated), balanced by size: small files
        # cost more in per-job overhead than in reading.
        slices = min(len(small), 4 * spark.sparkContext.defaultParallelism)
        ordered = sorted(small, key=lambda task: -task[2])
        buckets: list[list[_FileTask]] = [[] for _ in range(slices)]
        for index, task in enumerate(ordered):
            buckets[index % slices].append(task)
        rdd = spark.sparkContext.parallelize(buckets, numSlices=slices)
        language = get_language()
        tasks = rdd.flatMap(lambda bucket: [_whole_file_task(task, language) for task in bucket])
        yield from tasks.toLocalIterator(prefetchPartitions=True)
    for task in large:
        yield _split_file(spark, task, split_bytes)


# --- indicators ----------------------------------------------------------------------------


def run_indicators(
    spark: SparkSession, frame: DataFrame, by: Sequence[str]
) -> tuple[dict[str, IndicatorTable], dict[str, IndicatorTable]]:
    """Every indicator over the lot rows ``frame`` grouped by ``by``, and the totals."""
    keys = parse_group_keys(by)
    view = f"gp_lot_rows_{os.getpid()}_{time.monotonic_ns()}"
    # Each query reads only the columns it uses from the Parquet files (reading them once into
    # a DISK_ONLY copy was slower, and filled the JVM's heap to its limit while it was written).
    texts = " ".join(
        indicator_sql(name, group, table=view, dialect="spark")
        for name in INDICATORS
        for group in (keys, ())
    )
    used = [name for name, _kind in LOT_COLUMNS if re.search(rf"\b{name}\b", texts)]
    frame.select(*used).createOrReplaceTempView(view)

    def query(
        name: str, group: tuple[str, ...]
    ) -> tuple[tuple[str, ...], Sequence[tuple[Any, ...]]]:
        result = spark.sql(indicator_sql(name, group, table=view, dialect="spark"))
        if not group or not (spark.sparkContext.master or "").startswith("local"):
            # (a cluster's executors would write to their own disks, not the driver's)
            return tuple(result.columns), tuple(tuple(row) for row in result.collect())
        # Grouped by several keys a result can have a million rows: Spark writes them to
        # Parquet (one file per partition of the sorted result, in order), read back in
        # batches when there are many, so that the driver does not hold them as objects.
        # (DuckDB reads them back: imported only now, as it adds 20 MiB to the driver,
        # whose memory counts beside the JVM's and the workers' while they compute)
        from greenprocure.monitoring.engines.duckdb_spill import parquet_rows

        folder = Path(tempfile.mkdtemp(prefix="gp-indicators-"))
        try:
            result.write.mode("overwrite").parquet(folder.as_uri())
            return tuple(result.columns), parquet_rows(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    try:
        return indicator_tables(keys, query)
    finally:
        spark.catalog.dropTempView(view)


#: Key of ``meta.json``: the store was made when lot rows had ``unconverted``.
_ROWS_SAY_UNCONVERTED = "rows_say_unconverted"


def _lot_frame(
    spark: SparkSession,
    store: Path,
    manifests: list[dict[str, Any]],
    *,
    older_rows: bool = False,
) -> DataFrame:
    """The lot rows of the files of ``manifests`` (merged rows replaced included);
    ``older_rows``: the store may hold rows written before they had ``unconverted``."""
    stored = {str(m["file_hash"]) for m in manifests}
    folders = {p.name for p in (store / "lots").iterdir() if p.is_dir()}
    reader = spark.read.schema(lot_schema()).option("pathGlobFilter", "*.parquet")
    if not stored:
        return spark.createDataFrame([], lot_schema())
    if folders <= stored:
        # The usual case: one listing of the whole folder (hidden .tmp folders are skipped).
        frame = reader.option("recursiveFileLookup", "true").parquet(os.fspath(store / "lots"))
    else:
        # Rows of a stopped ingest (or of this run's files) are there without a manifest:
        # read the stored files only.
        parts = [os.fspath(store / "lots" / digest) for digest in sorted(stored & folders)]
        frame = reader.option("recursiveFileLookup", "true").parquet(*parts)
    if not older_rows:
        return frame
    # rows written before lot rows had ``unconverted`` (read as NULL): from their other
    # columns, as the DuckDB store's upgrade fills them (only in stores made before: the
    # fill reads four more columns)
    return frame.withColumn(
        "unconverted",
        functions.coalesce(
            functions.col("unconverted"), functions.expr(UNCONVERTED_FROM_COLUMNS_SQL)
        ),
    )


def _live_rows(spark: SparkSession, store: Path, manifests: list[dict[str, Any]]) -> int:
    """How many lot rows of ``manifests``' files count (rows a later merge replaced not)."""
    if not any(int(m.get("merged", 0)) for m in manifests):
        return sum(int(m["lot_rows"]) for m in manifests)
    return int(current_rows(spark, store, _lot_frame(spark, store, manifests), manifests).count())


def stored_errors(store: Path = DEFAULT_STORE) -> Iterator[dict[str, Any]]:
    """Every record error the Spark store holds (those of every run, file by file in the
    order they were stored), as the DuckDB engine's :func:`stored_errors` gives them."""
    store = Path(store)
    _open_store(store, None, create=False)
    manifests = _manifests(store)
    replaced = replaced_errors(store, manifests)
    for manifest in sorted(manifests, key=lambda m: int(m.get("seq", 0))):
        digest = str(manifest["file_hash"])
        for part in sorted((store / "lots" / digest).glob("*.errors.jsonl")):
            for line in part.read_bytes().splitlines():
                if not line:
                    continue
                error = orjson.loads(line)
                key = (digest, error["file"], error["location"], str(error.get("ocid")))
                if key not in replaced:
                    yield error


def compute_indicators(store: Path = DEFAULT_STORE, by: Sequence[str] = ()) -> IndicatorResult:
    """Every indicator over the Spark store, grouped by ``by``, with totals."""
    keys = parse_group_keys(by)
    store = Path(store)
    meta = _open_store(store, None, create=False)
    manifests = _manifests(store)
    spark = spark_session()
    frame = _lot_frame(
        spark, store, manifests, older_rows=not meta.get(_ROWS_SAY_UNCONVERTED, False)
    )
    merged = any(int(m.get("merged", 0)) for m in manifests)
    scratch: Path | None = None
    try:
        if merged:
            # Rows that later files' merges replaced are left out once, into a scratch copy:
            # every indicator query then scans it instead of repeating the join (3x quicker).
            local = (spark.sparkContext.master or "").startswith("local")
            # (a cluster's executors write where all of them can: beside the store)
            where = None if local else store.resolve()
            scratch = Path(tempfile.mkdtemp(prefix=".gp-current-", dir=where)).resolve()
            current_rows(spark, store, frame, manifests).write.mode("overwrite").parquet(
                scratch.as_uri()
            )
            frame = spark.read.schema(lot_schema()).parquet(scratch.as_uri())
        tables, totals = run_indicators(spark, frame, keys)
        rows = frame.count() if merged else sum(int(m["lot_rows"]) for m in manifests)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return IndicatorResult(
        by=keys,
        reporting_currency=str(meta.get("reporting_currency") or "EUR"),
        engine="spark",
        tables=tables,
        totals=totals,
        files=len(manifests),
        lot_rows=rows,
        errors=sum(int(m["errors"]) for m in manifests)
        - sum(replaced_errors(store, manifests).values()),
        sources=tuple(sorted(str(m["path"]) for m in manifests)),
        computed_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


def indicators_from_compiled(
    paths: Sequence[str | Path],
    by: Sequence[str] = (),
    *,
    reporting_currency: str = "EUR",
    split_bytes: int = 64 << 20,
) -> IndicatorResult:
    """The indicators straight from OCDS JSON Lines (compiled releases, or release packages
    compiled on the way), without a store: the lot rows go to a temporary Parquet folder that
    is deleted afterwards."""
    from greenprocure.monitoring.engines.spark_lots import materialise

    keys = parse_group_keys(by)
    currency = reporting_currency.upper()
    files = [os.fspath(Path(p)) for p in paths]
    spark = spark_session()
    with tempfile.TemporaryDirectory(prefix="gp-spark-") as scratch:
        written = materialise(
            spark, files, scratch, reporting_currency=currency, split_bytes=split_bytes
        )
        frame = spark.read.schema(lot_schema()).parquet(*written.parts)
        tables, totals = run_indicators(spark, frame, keys)
    return IndicatorResult(
        by=keys,
        reporting_currency=currency,
        engine="spark",
        tables=tables,
        totals=totals,
        files=len(files),
        lot_rows=sum(written.rows.values()),
        errors=sum(written.errors.values()),
        sources=tuple(sorted(files)),
        computed_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )
