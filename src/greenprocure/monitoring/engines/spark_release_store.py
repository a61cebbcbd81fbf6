"""Processes spread over several files, in the Spark store: kept releases, merged processes.

The rule is the DuckDB store's (:mod:`~greenprocure.monitoring.engines.duckdb_release_store`):
the lot rows of a file, for a process whose releases earlier files hold too, are compiled
from the releases of that file and of every file stored before it
(:func:`~greenprocure.monitoring.lots.rows_across_files`), and only the latest file's rows of
a process count. The Spark store never rewrites a stored file's rows (a file is in the store
whole or not at all, by its manifest): the rows an older file holds for a process that a
later file merged are left in place and left out when the indicators read the store
(:func:`current_rows`); so are the errors an older file's compile of such a process reported
(:func:`replaced_errors`). Every file has an ingest number (``seq`` in its manifest and in its
releases, ``releases/<hash>/*.parquet``); in one run the files are numbered in the order given.

:func:`merge_new_files` runs after the run's tasks and before the manifests of the files with
releases are written: it finds the processes of each new file that files numbered before it
hold, compiles them in Spark tasks, and puts their rows in place of the file's own rows for
them (the file's folder is not in the store yet, so it may be rewritten).
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as sf

from greenprocure.monitoring.engines._common import atomic_write

__all__ = ["MergeOutcome", "current_rows", "merge_new_files", "replaced_errors"]


@dataclass(frozen=True)
class MergeOutcome:
    """What merging did to one new file: processes merged, change in its lot rows, errors."""

    merged: int
    rows_delta: int
    errors: int


def _release_frame(spark: SparkSession, folders: list[str]) -> DataFrame:
    return spark.read.option("pathGlobFilter", "*.parquet").parquet(*folders)


def merge_new_files(
    spark: SparkSession,
    store: Path,
    new: dict[str, tuple[str, int]],
    stored: Iterable[str],
    currency: str,
) -> dict[str, MergeOutcome]:
    """Merge the processes of the ``new`` files (hash -> (path, seq), each with releases)
    with those of the files numbered before them (``stored`` hashes and other new files)."""
    folders = [
        os.fspath(store / "releases" / digest)
        for digest in sorted({*stored, *new})
        if (store / "releases" / digest).is_dir()
    ]
    if not new or len(folders) < 2:
        return {}
    releases = _release_frame(spark, folders)
    index = releases.select("file_hash", "seq", "ocid").distinct()
    later = index.filter(sf.col("file_hash").isin(list(new))).alias("n")
    earlier = index.alias("e")
    pairs = (
        later.join(
            earlier, (sf.col("n.ocid") == sf.col("e.ocid")) & (sf.col("e.seq") < sf.col("n.seq"))
        )
        .select(
            sf.col("n.file_hash").alias("target"),
            sf.col("n.seq").alias("target_seq"),
            sf.col("n.ocid").alias("ocid"),
        )
        .distinct()
    )
    scratch = store / "lots" / f".merge-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        stored_bytes = sum(
            part.stat().st_size for folder in folders for part in Path(folder).glob("*.parquet")
        )
        written = _compile_pairs(releases, pairs, scratch, new, currency, stored_bytes)
        if not scratch.is_dir():
            return {}  # no process of the new files is in files before them
        outcomes = {}
        for target in sorted(path.name for path in scratch.iterdir() if path.is_dir()):
            touched = _touched(scratch / target)
            removed = _drop_own_rows(store / "lots" / target, touched.column("ocid"))
            replaced = _drop_own_errors(store / "lots" / target, touched)
            added, errors = _move_parts(scratch / target, store / "lots" / target, written)
            outcomes[target] = MergeOutcome(touched.num_rows, added - removed, errors - replaced)
        return outcomes
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _compile_pairs(
    releases: DataFrame,
    pairs: DataFrame,
    scratch: Path,
    new: dict[str, tuple[str, int]],
    currency: str,
    stored_bytes: int,
) -> dict[str, tuple[int, int]]:
    """Compile every (new file, process) pair from the releases numbered up to that file;
    rows and errors written under ``scratch/<file hash>/`` with the list of the processes
    (``*.ocids``); return (rows, errors) per part."""
    joined = releases.alias("r").join(
        pairs.alias("p"),
        (sf.col("r.ocid") == sf.col("p.ocid")) & (sf.col("r.seq") <= sf.col("p.target_seq")),
    )
    columns = joined.select(
        sf.col("p.target").alias("target"),
        sf.col("r.ocid").alias("ocid"),
        sf.col("r.seq").alias("seq"),
        sf.col("r.pos").alias("pos"),
        (sf.col("r.file_hash") != sf.col("p.target")).alias("earlier"),
        sf.col("r.source").alias("source"),
        sf.col("r.location").alias("location"),
        sf.col("r.release").alias("release"),
    )
    # Sorted by Spark (which spills) rather than grouped in Python (whose workers may hold
    # 512 MiB each before they spill): each task then streams one process at a time.
    # About 8 MB of stored (compressed) releases per task, so that each sorts in little memory.
    partitions = max(2, min(2048, stored_bytes // (8 << 20) + 1))
    ordered = columns.repartition(partitions, "target", "ocid").sortWithinPartitions(
        "target", "ocid", "seq", "pos"
    )
    target = os.fspath(scratch.resolve())
    paths = {digest: path for digest, (path, _seq) in new.items()}
    results = ordered.rdd.mapPartitionsWithIndex(
        lambda index, rows: [_merge_task(index, _processes(rows), target, paths, currency)]
    ).collect()
    counts: dict[str, tuple[int, int]] = {}
    for result in results:
        for part, (rows, errors) in result.items():
            counts[part] = (rows, errors)
    return counts


def _processes(rows: Iterable[Any]) -> Iterator[tuple[tuple[str, str], list[tuple[Any, ...]]]]:
    """Consecutive rows of one (file, process), sorted, as one group."""
    key: tuple[str, str] | None = None
    group: list[tuple[Any, ...]] = []
    for row in rows:
        here = (row["target"], row["ocid"])
        if here != key:
            if key is not None:
                yield key, group
            key, group = here, []
        group.append(tuple(row)[2:])
    if key is not None:
        yield key, group


def _merge_task(
    index: int,
    groups: Iterable[tuple[tuple[str, str], Iterable[tuple[Any, ...]]]],
    folder: str,
    paths: dict[str, str],
    currency: str,
) -> dict[str, tuple[int, int]]:
    """In a Spark task: the rows of merged processes, one Parquet part per new file."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    from greenprocure.monitoring.currency import CurrencyConverter
    from greenprocure.monitoring.engines.spark_lots import _Writer
    from greenprocure.monitoring.lots import rows_across_files

    converter = CurrencyConverter(currency)
    counts: dict[str, tuple[int, int]] = {}
    # The rows come sorted by file: one writer open at a time (each buffers a batch of rows).
    writer: Any = None
    current = ""
    touched: list[str] = []
    # file and location of each process's first release in the new file
    first_files: list[str] = []
    firsts: list[str] = []

    def close() -> None:
        if writer is None:
            return
        listing = os.path.join(folder, current, f"part-merged-{index:05d}.ocids")
        table = pa.table(
            {
                "ocid": pa.array(touched, type=pa.string()),
                "first_file": pa.array(first_files, type=pa.string()),
                "first": pa.array(firsts, type=pa.string()),
            }
        )
        pq.write_table(table, listing)
        result = writer.close()
        name = os.path.basename(result["part"])
        counts[f"{current}/{name}"] = (sum(result["rows"].values()), sum(result["errors"].values()))

    for (digest, ocid), entries in groups:
        if digest != current:
            close()
            current, touched, first_files, firsts = digest, [], [], []
            os.makedirs(os.path.join(folder, digest), exist_ok=True)
            # (named to sort after the file's own parts: its errors file lists them first)
            writer = _Writer(os.path.join(folder, digest), f"part-merged-{index:05d}")
        ordered = sorted(entries, key=lambda entry: (entry[0], entry[1]))
        earlier = sum(1 for entry in ordered if entry[2])
        releases = [(orjson.loads(entry[5]), str(entry[4])) for entry in ordered]
        touched.append(ocid)
        first_files.append(str(ordered[earlier][3]))
        firsts.append(releases[earlier][1])
        path = paths[digest]
        writer.add_record(rows_across_files(ocid, releases, earlier, path, converter), path)
    close()
    return counts


def _touched(folder: Path) -> Any:
    """The processes merged for one file with the location of each one's first release in
    it, as an Arrow table (compact: a file's processes may number millions), from the
    ``*.ocids`` lists of the merge tasks (each process is in one task's list)."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    listings = sorted(folder.glob("*.ocids"))
    tables = [pq.read_table(listing) for listing in listings]
    for listing in listings:
        listing.unlink()
    return pa.concat_tables(tables).combine_chunks()


def _drop_own_errors(folder: Path, touched: Any) -> int:
    """Drop from the file's own errors files what its compile of a merged process reported
    (:func:`~greenprocure.monitoring.lots.replaced_by_merge`); return how many."""
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    from greenprocure.monitoring.lots import replaced_by_merge
    from greenprocure.monitoring.rows import RecordError

    files = sorted(folder.glob("*.errors.jsonl"))
    parsed = {
        part: [orjson.loads(line) for line in part.read_bytes().splitlines()] for part in files
    }
    ocids = {e["ocid"] for lines in parsed.values() for e in lines if e.get("ocid")}
    if not ocids:
        return 0
    found = touched.filter(pc.is_in(touched.column("ocid"), value_set=_strings(ocids)))
    firsts = dict(
        zip(
            found.column("ocid").to_pylist(),
            zip(
                found.column("first_file").to_pylist(),
                found.column("first").to_pylist(),
                strict=True,
            ),
            strict=True,
        )
    )
    dropped = 0
    for part, lines in parsed.items():
        kept = [
            e for e in lines
            if e.get("ocid") not in firsts
            or not replaced_by_merge(RecordError(**e), firsts[e["ocid"]])
        ]  # fmt: skip
        if len(kept) != len(lines):
            dropped += len(lines) - len(kept)
            atomic_write(part, b"".join(orjson.dumps(e) + b"\n" for e in kept))
    return dropped


def _strings(values: set[str]) -> Any:
    """``values`` as an Arrow array of strings."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    return pa.array(sorted(values), type=pa.string())


def _drop_own_rows(folder: Path, wanted: Any) -> int:
    """Rewrite the file's own Parquet parts without the rows of the processes ``wanted``
    (an Arrow array); return how many rows were dropped."""
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    dropped = 0
    for part in sorted(folder.glob("*.parquet")):
        source = pq.ParquetFile(part)
        temporary = part.with_name(f".{part.name}.tmp")
        with pq.ParquetWriter(temporary, source.schema_arrow) as out:
            for batch in source.iter_batches():
                keep = pc.invert(pc.is_in(batch.column("ocid"), value_set=wanted))
                kept = batch.filter(keep)
                dropped += batch.num_rows - kept.num_rows
                out.write_batch(kept)
        temporary.replace(part)
    return dropped


def _move_parts(source: Path, folder: Path, written: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """Move the merged parts of one file into its folder; return (rows, errors) they hold."""
    rows = errors = 0
    if not source.is_dir():
        return 0, 0
    # The merge's errors in one file, in ocid order as DuckDB lists them (after the file's
    # own errors: the name sorts after theirs).
    lines = [
        line
        for part in sorted(source.glob("*.errors.jsonl"))
        for line in part.read_bytes().splitlines()
        if line
    ]
    for part in source.glob("*.errors.jsonl"):
        part.unlink()
    lines.sort(key=lambda line: str(orjson.loads(line).get("ocid") or ""))
    atomic_write(folder / "part-merged.errors.jsonl", b"".join(line + b"\n" for line in lines))
    for item in sorted(source.iterdir()):
        item.replace(folder / item.name)
        counted = written.get(f"{source.name}/{item.name}")
        if counted is not None:
            rows += counted[0]
            errors += counted[1]
    return rows, errors


def current_rows(
    spark: SparkSession, store: Path, frame: DataFrame, manifests: list[dict[str, Any]]
) -> DataFrame:
    """``frame`` (the store's lot rows) without the rows a later file's merge replaced."""
    if not any(int(m.get("merged", 0)) for m in manifests):
        return frame
    folders = [
        os.fspath(store / "releases" / str(m["file_hash"]))
        for m in manifests
        if int(m.get("releases", 0)) and (store / "releases" / str(m["file_hash"])).is_dir()
    ]
    index = _release_frame(spark, folders).select("file_hash", "seq", "ocid").distinct()
    stale = (
        index.alias("a")
        .join(
            index.alias("b"),
            (sf.col("a.ocid") == sf.col("b.ocid")) & (sf.col("b.seq") > sf.col("a.seq")),
        )
        .select(
            sf.col("a.file_hash").alias("gp_stale_file"), sf.col("a.ocid").alias("gp_stale_ocid")
        )
        .distinct()
    )
    rows = frame.withColumn(
        "gp_file", sf.regexp_extract(sf.input_file_name(), r"/lots/([0-9a-f]+)/[^/]*$", 1)
    )
    kept = rows.join(
        stale,
        (sf.col("gp_file") == sf.col("gp_stale_file"))
        & (sf.col("ocid") == sf.col("gp_stale_ocid")),
        "left_anti",
    )
    return kept.drop("gp_file")


#: A record error as the store tells it apart: (file hash, file, location, ocid).
ErrorKey = tuple[str, str, str, str]


def replaced_errors(store: Path, manifests: list[dict[str, Any]]) -> Counter[ErrorKey]:
    """The record errors of stored files that a later file's merge replaced, each with how
    many stored lines it has: what a file's compile of a process reported (the error at the
    process's first release in that file, :func:`~greenprocure.monitoring.lots.
    replaced_by_merge`) when a file stored after it holds releases of the process too, and
    so merged it. The DuckDB store deletes them when
    it merges; here they stay in their files and are left out when read.

    Read with Arrow in this process: only the errors with an ocid, and the releases of those
    processes, are read."""
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    from greenprocure.monitoring.lots import replaced_by_merge
    from greenprocure.monitoring.rows import RecordError

    if not any(int(m.get("merged", 0)) for m in manifests):
        return Counter()
    seqs = {str(m["file_hash"]): int(m.get("seq", 0)) for m in manifests}
    paths = {str(m["file_hash"]): str(m["path"]) for m in manifests}
    candidates: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for digest in seqs:
        for part in sorted((store / "lots" / digest).glob("*.errors.jsonl")):
            for line in part.read_bytes().splitlines():
                error = orjson.loads(line) if line else {}
                if error.get("ocid"):
                    key = (digest, str(error["ocid"]))
                    candidates.setdefault(key, []).append((error["file"], error["location"]))
    if not candidates:
        return Counter()
    ocids = sorted({ocid for _, ocid in candidates})
    latest: dict[str, int] = {}  # ocid -> the last seq that holds a release of it
    firsts: dict[tuple[str, str], tuple[int, str, str]] = {}  # (file, ocid) -> first release
    for digest, seq in seqs.items():
        folder = store / "releases" / digest
        if not folder.is_dir():
            continue
        table = pq.read_table(folder, columns=["ocid", "pos", "source", "location"])
        table = table.filter(pc.is_in(table.column("ocid"), value_set=_strings(set(ocids))))
        for ocid, pos, source, location in zip(
            *(table.column(name).to_pylist() for name in ("ocid", "pos", "source", "location")),
            strict=True,
        ):
            latest[ocid] = max(latest.get(ocid, seq), seq)
            found = firsts.get((digest, ocid))
            if found is None or pos < found[0]:
                firsts[(digest, ocid)] = (pos, source, location)
    replaced: Counter[ErrorKey] = Counter()  # (each key: how many stored lines)
    for (digest, ocid), errors in candidates.items():
        first = firsts.get((digest, ocid))
        if first is None or latest.get(ocid, -1) <= seqs[digest]:
            continue
        for file, location in errors:
            # a merge names the file it was made for, a zip archive's own compile the member
            merged = file == paths[digest] and location.endswith(" of earlier files)")
            place = (file, first[2]) if merged else first[1:]
            if replaced_by_merge(RecordError(file, location, ocid, ""), place):
                replaced[(digest, file, location, ocid)] += 1
    return replaced
