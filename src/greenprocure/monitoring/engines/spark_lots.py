"""Lot rows on Spark: files are cut into tasks, each task writes its rows as Parquet.

The rows are made by the pure readers (:mod:`greenprocure.monitoring.lots`,
:func:`~greenprocure.monitoring.lots.rows_from_compiled`), run inside Spark tasks, so that both
engines derive exactly the same rows; Spark distributes the work and aggregates. Rows never
travel through the driver: each task writes a Parquet part (pyarrow) and a JSON Lines file
of its record errors, and returns only counts.

How files become tasks:

* JSON Lines of compiled releases (plain, not compressed) are cut into byte ranges of about
  ``split_bytes`` on line boundaries, one task per range: a large file is read by all cores.
* JSON Lines of release packages or bare releases (plain) are cut the same way; each task
  sends every release to the partition of its ``ocid`` (CRC-32, Spark's shuffle), then each
  partition groups its releases by ``ocid``, compiles them
  (:func:`~greenprocure.monitoring.compile.compile_releases`) and writes the rows. Releases of
  one process may be anywhere in the input.
* Everything else (one JSON document, record packages, ``.gz``, ``.zip``, eForms XML) is one
  task per file through :func:`~greenprocure.monitoring.lots.lot_rows`.

Locations of records read from byte ranges are ``"byte N"`` (the offset of the line).

For the store (``releases_folder``), tasks also write every release they read, with its file's
ingest number and its position in the file, as Parquet (:class:`ReleaseWriter`): the store
merges processes whose releases are in several files from them
(:mod:`~greenprocure.monitoring.engines.spark_release_store`).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pyspark.sql import SparkSession

from greenprocure.monitoring import reasons
from greenprocure.monitoring.rows import LOT_COLUMNS, RecordError

__all__ = ["Materialised", "materialise", "materialise_file", "plan_tasks"]

_BATCH = 5_000
#: Bytes of release JSON a task holds before it writes them: releases of 40 KB in batches
#: of :data:`_BATCH` held 200 MB (three times over while they were written), and a worker
#: reading such a file grew to 300 MiB beside the JVM.
_BATCH_BYTES = 16 * 1024 * 1024
_FIRST_LINE_LIMIT = 16 << 20

#: Task kinds.
COMPILED = "compiled"
RELEASES = "releases"
WHOLE = "whole"


@dataclass(frozen=True)
class Materialised:
    """What a :func:`materialise` run wrote: Parquet parts and counts per input file."""

    parts: tuple[str, ...]
    error_files: tuple[str, ...]
    rows: dict[str, int]
    errors: dict[str, int]
    releases: int = 0


def _arrow_schema() -> Any:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    kinds = {
        "VARCHAR": pa.string(),
        "DATE": pa.date32(),
        "INTEGER": pa.int32(),
        "BOOLEAN": pa.bool_(),
        "DOUBLE": pa.float64(),
        "VARCHAR[]": pa.list_(pa.string()),
    }
    return pa.schema([(name, kinds[kind]) for name, kind in LOT_COLUMNS])


def release_schema() -> Any:
    """The Arrow schema of the store's releases (one row per release read)."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    return pa.schema(
        [
            ("file_hash", pa.string()),
            ("seq", pa.int64()),
            ("pos", pa.int64()),
            ("ocid", pa.string()),
            ("source", pa.string()),
            ("location", pa.string()),
            ("release", pa.string()),
        ]
    )


class ReleaseWriter:
    """Releases of one task, to ``<folder>/<name>.parquet`` (made only if there is one)."""

    def __init__(self, folder: str, name: str, digest: str, seq: int) -> None:
        self.path = os.path.join(folder, f"{name}.parquet")
        self.folder = folder
        self.digest = digest
        self.seq = seq
        self.count = 0
        self.batch: list[tuple[int, str, str, str, bytes]] = []
        self.batch_bytes = 0
        self.writer: Any = None

    def add(self, pos: int, ocid: str, source: str, location: str, release: bytes) -> None:
        """A release: its position in the file, ocid, file (a zip member's name, for one),
        location and JSON."""
        self.batch.append((pos, ocid, source, location, release))
        self.count += 1
        self.batch_bytes += len(release)
        if len(self.batch) >= _BATCH or self.batch_bytes >= _BATCH_BYTES:
            self._flush()

    def document(self, document: Any) -> None:
        """A release from the readers (:class:`~greenprocure.monitoring.readers.Document`)."""
        from greenprocure.monitoring.lots import json_bytes

        self.add(
            self.count, document.ocid, document.file, document.location, json_bytes(document.data)
        )

    def _flush(self) -> None:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

        if not self.batch:
            return
        schema = release_schema()
        if self.writer is None:
            os.makedirs(self.folder, exist_ok=True)
            self.writer = pq.ParquetWriter(self.path + ".tmp", schema)
        size = len(self.batch)
        columns = [
            pa.array([self.digest] * size, type=pa.string()),
            pa.array([self.seq] * size, type=pa.int64()),
            pa.array([entry[0] for entry in self.batch], type=pa.int64()),
            pa.array([entry[1] for entry in self.batch], type=pa.string()),
            pa.array([entry[2] for entry in self.batch], type=pa.string()),
            pa.array([entry[3] for entry in self.batch], type=pa.string()),
            pa.array([entry[4].decode("utf-8") for entry in self.batch], type=pa.string()),
        ]
        self.writer.write_table(pa.Table.from_arrays(columns, schema=schema))
        self.batch = []
        self.batch_bytes = 0

    def close(self) -> int:
        """Finish the part (renamed into place); return how many releases it holds."""
        self._flush()
        if self.writer is not None:
            self.writer.close()
            os.replace(self.path + ".tmp", self.path)
        return self.count


#: Where a task writes releases for the store: (folder, file hash, ingest number), or None.
ReleaseTarget = tuple[str, str, int] | None


def _layout(path: Path) -> str:
    """COMPILED, RELEASES or WHOLE, from the first line of a plain file."""
    name = path.name.lower()
    if name.endswith((".gz", ".zip", ".xml", ".bz2")):
        return WHOLE
    try:
        with path.open("rb") as handle:
            first = handle.readline(_FIRST_LINE_LIMIT)
            while first and not first.strip():
                first = handle.readline(_FIRST_LINE_LIMIT)
    except OSError:
        return WHOLE
    if not first.endswith(b"\n"):
        return WHOLE
    try:
        value = orjson.loads(first)
    except orjson.JSONDecodeError:
        return WHOLE
    if not isinstance(value, dict):
        return WHOLE
    if "ocid" in value and (
        isinstance(value.get("releases"), list)
        or "compiledRelease" in value
        or "versionedRelease" in value
    ):
        return WHOLE  # records: the readers take their compiled release
    if isinstance(value.get("releases"), list):
        return RELEASES
    if "ocid" in value and not isinstance(value.get("records"), list):
        tag = value.get("tag")
        if isinstance(tag, list) and "compiled" in tag:
            return COMPILED
        if _looks_versioned(value):
            return WHOLE  # versioned releases: the readers know how to read them
        return RELEASES
    return WHOLE


def _looks_versioned(value: dict[str, Any]) -> bool:
    for section in value.values():
        if isinstance(section, dict):
            for field in section.values():
                if isinstance(field, list) and field and isinstance(field[0], dict):  # noqa: SIM102
                    if "releaseID" in field[0]:
                        return True
    return False


def plan_tasks(paths: Iterable[str | Path], split_bytes: int) -> list[tuple[str, str, int, int]]:
    """``(kind, path, start, end)`` for every task; ``end == -1`` means to the end."""
    tasks: list[tuple[str, str, int, int]] = []
    for item in paths:
        path = Path(item)
        kind = _layout(path)
        if kind == WHOLE:
            tasks.append((WHOLE, os.fspath(path), 0, -1))
            continue
        size = path.stat().st_size
        start = 0
        while start < size:
            end = min(size, start + split_bytes)
            tasks.append((kind, os.fspath(path), start, end if end < size else -1))
            start = end
    return tasks


def _lines(path: str, start: int, end: int) -> Iterator[tuple[int, bytes]]:
    """``(offset, line)`` of every line that starts in ``[start, end)`` (``end=-1``: to EOF)."""
    with open(path, "rb") as handle:
        if start > 0:
            handle.seek(start - 1)
            if handle.read(1) != b"\n":
                handle.readline()  # the line under way belongs to the previous range
        offset = handle.tell()
        while end < 0 or offset < end:
            line = handle.readline()
            if not line:
                break
            yield offset, line
            offset += len(line)


def _json_lines(path: str, start: int, end: int) -> Iterator[tuple[str, Any, str | None]]:
    """``(location, value, None)`` of every non-blank line of a range that is JSON, and
    ``(location, None, reason)`` of every one that is not."""
    for offset, line in _lines(path, start, end):
        text = line.strip()
        if not text:
            continue
        location = f"byte {offset}"
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            yield location, None, reasons.MALFORMED_JSON.format(detail=error)
            continue
        yield location, value, None


class _Writer:
    """Lot rows and errors of one task, to a Parquet part and a JSON Lines file."""

    def __init__(self, folder: str, name: str) -> None:
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

        self.schema = _arrow_schema()
        self.part = os.path.join(folder, f"{name}.parquet")
        self.errors_path = os.path.join(folder, f"{name}.errors.jsonl")
        self.writer = pq.ParquetWriter(self.part + ".tmp", self.schema)
        self.errors_out = open(self.errors_path + ".tmp", "wb")  # noqa: SIM115
        self.batch: list[Any] = []
        self.rows: dict[str, int] = {}
        self.errors: dict[str, int] = {}
        self.written = 0

    def add_record(self, result: RecordError | Iterable[Any], file: str) -> None:
        """What one record gave: its error, or its lot rows."""
        if isinstance(result, RecordError):
            self.add(result, file)
        else:
            for row in result:
                self.add(row, file)

    def add(self, item: Any, file: str) -> None:
        if isinstance(item, RecordError):
            self.errors_out.write(orjson.dumps(item.to_dict()) + b"\n")
            self.errors[file] = self.errors.get(file, 0) + 1
            return
        self.batch.append(item)
        self.rows[file] = self.rows.get(file, 0) + 1
        if len(self.batch) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

        # Column by column: twice as fast as Table.from_pylist on these rows.
        batch = self.batch
        columns = [
            pa.array([row[field.name] for row in batch], type=field.type) for field in self.schema
        ]
        self.writer.write_table(pa.Table.from_arrays(columns, schema=self.schema))
        self.written += len(self.batch)
        self.batch = []

    def close(self) -> dict[str, Any]:
        if self.batch or self.written == 0:
            self._flush()
        self.writer.close()
        self.errors_out.close()
        os.replace(self.part + ".tmp", self.part)
        os.replace(self.errors_path + ".tmp", self.errors_path)
        return {
            "part": self.part,
            "errors_file": self.errors_path,
            "rows": self.rows,
            "errors": self.errors,
        }


def _converter(currency: str) -> Any:
    from greenprocure.monitoring.currency import CurrencyConverter

    return CurrencyConverter(currency)


def _compiled_task(
    index: int,
    task: tuple[str, str, int, int],
    folder: str,
    currency: str,
    encoding: str | None = None,
    releases: ReleaseTarget = None,
) -> dict[str, Any]:
    from greenprocure.monitoring.lots import lot_rows, rows_from_compiled

    kind, path, start, end = task
    writer = _Writer(folder, f"part-{index:05d}")
    if kind == WHOLE:
        log = (
            None
            if releases is None
            else ReleaseWriter(releases[0], f"part-{index:05d}", *releases[1:])
        )
        for item in lot_rows(
            path,
            reporting_currency=currency,
            encoding=encoding,
            releases=None if log is None else log.document,
        ):
            writer.add(item, path)
        result = writer.close()
        result["releases"] = 0 if log is None else log.close()
        return result
    converter = _converter(currency)
    for location, value, malformed in _json_lines(path, start, end):
        if malformed is not None:
            writer.add(RecordError(path, location, None, malformed), path)
            continue
        if not isinstance(value, dict) or not isinstance(value.get("ocid"), str):
            reason = reasons.NOT_COMPILED
            writer.add(RecordError(path, location, None, reason), path)
            continue
        writer.add_record(rows_from_compiled(value, path, location, converter), path)
    return writer.close()


def _release_items(task: tuple[str, str, int, int]) -> Iterator[tuple[str, Any]]:
    """``(ocid, (path, location, JSON bytes | None, error | None, compiled))`` of every
    release in a range, checked as the readers check them (an ocid; a date, unless it is a
    compiled release, which needs no grouping)."""
    from greenprocure.monitoring.lots import json_bytes
    from greenprocure.monitoring.readers.ocds import read_release

    _kind, path, start, end = task
    for location, value, malformed in _json_lines(path, start, end):
        if malformed is not None:
            yield "", (path, location, None, malformed, False)
            continue
        releases = value.get("releases") if isinstance(value, dict) else None
        if not isinstance(releases, list):
            releases = [value]
        for number, release in enumerate(releases):
            where = f"{location} release {number}" if "releases" in value else location
            item = read_release(release, path, where)
            if isinstance(item, RecordError):
                yield item.ocid or "", (path, where, None, item.reason, False)
                continue
            compiled = item.kind == "compiled"
            yield item.ocid, (path, where, json_bytes(item.data), None, compiled)


def _partition_of(ocid: str) -> int:
    return zlib.crc32(ocid.encode("utf-8"))


def _grouped_task(
    index: int,
    items: Iterable[tuple[str, Any]],
    folder: str,
    currency: str,
    releases: ReleaseTarget = None,
) -> dict[str, Any]:
    from greenprocure.errors import GreenProcureError
    from greenprocure.monitoring.compile import compile_releases
    from greenprocure.monitoring.lots import rows_from_compiled

    writer = _Writer(folder, f"group-{index:05d}")
    log = (
        None
        if releases is None
        else ReleaseWriter(releases[0], f"group-{index:05d}", *releases[1:])
    )
    groups: dict[str, list[tuple[str, str, bytes]]] = {}
    converter = _converter(currency)
    for ocid, (path, location, data, reason, compiled) in items:
        if data is None:
            writer.add(RecordError(path, location, ocid or None, reason), path)
            continue
        if compiled:
            rows = rows_from_compiled(orjson.loads(data), path, location, converter)
            writer.add_record(rows, path)
            continue
        groups.setdefault(ocid, []).append((path, location, data))
        if log is not None:
            log.add(_position(location), ocid, path, location, data)
    for ocid in sorted(groups):
        group = groups.pop(ocid)
        group.sort(key=lambda entry: (entry[0], _offset(entry[1])))
        path, location, _data = group[0]
        if len(group) > 1:
            location = f"{location} (+{len(group) - 1} releases)"
        try:
            parsed = [orjson.loads(entry[2]) for entry in group]
            compiled = compile_releases(parsed, indicator_fields_only=True)
        except (GreenProcureError, TypeError, ValueError) as error:
            writer.add(
                RecordError(path, location, ocid, reasons.CANNOT_COMPILE.format(detail=error)), path
            )
            continue
        writer.add_record(rows_from_compiled(compiled, path, location, converter), path)
    result = writer.close()
    result["releases"] = 0 if log is None else log.close()
    return result


def _offset(location: str) -> int:
    try:
        return int(location.split()[1])
    except (IndexError, ValueError):
        return 0


def _position(location: str) -> int:
    """A release's order in its file from its location (``byte N`` or ``byte N release K``):
    the line's offset, then the release's number in the package."""
    parts = location.split()
    number = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else 0
    return (_offset(location) << 20) + number


def materialise_file(
    path: str,
    folder: str,
    currency: str,
    encoding: str | None = None,
    releases: ReleaseTarget = None,
) -> dict[str, Any]:
    """In the calling process: the lot rows of one whole file (any format, JSON in the
    declared text ``encoding`` or, with ``None``, the detected one) into ``folder``, and its
    releases as ``releases`` says."""
    os.makedirs(folder, exist_ok=True)
    return _compiled_task(0, (WHOLE, path, 0, -1), folder, currency, encoding, releases)


def materialise(
    spark: SparkSession,
    paths: Iterable[str | Path],
    folder: str | Path,
    *,
    reporting_currency: str = "EUR",
    split_bytes: int = 64 << 20,
    releases: ReleaseTarget = None,
) -> Materialised:
    """Write the lot rows of ``paths`` as Parquet parts (and error files) into ``folder``;
    with ``releases`` (one file of the store), its releases too."""
    target = os.fspath(Path(folder).resolve())
    os.makedirs(target, exist_ok=True)
    currency = reporting_currency.upper()
    tasks = plan_tasks(paths, split_bytes)
    context = spark.sparkContext
    results: list[dict[str, Any]] = []
    direct = [t for t in tasks if t[0] in (COMPILED, WHOLE)]
    grouped = [t for t in tasks if t[0] == RELEASES]
    if direct:
        rdd = context.parallelize(list(enumerate(direct)), numSlices=len(direct))
        results += rdd.map(
            lambda pair: _compiled_task(pair[0], pair[1], target, currency, None, releases)
        ).collect()
    if grouped:
        size = sum(
            (t[3] if t[3] >= 0 else os.path.getsize(t[1])) - t[2] for t in grouped
        )  # fmt: skip
        partitions = max(2, min(512, size // (32 << 20) + 1))
        shuffled = (
            context.parallelize(grouped, numSlices=len(grouped))
            .flatMap(_release_items)
            .partitionBy(partitions, _partition_of)
        )
        results += shuffled.mapPartitionsWithIndex(
            lambda index, items: [_grouped_task(index, items, target, currency, releases)]
        ).collect()
    rows: dict[str, int] = {}
    errors: dict[str, int] = {}
    for result in results:
        for path, count in result["rows"].items():
            rows[path] = rows.get(path, 0) + count
        for path, count in result["errors"].items():
            errors[path] = errors.get(path, 0) + count
    return Materialised(
        parts=tuple(sorted(r["part"] for r in results)),
        error_files=tuple(sorted(r["errors_file"] for r in results)),
        rows=rows,
        errors=errors,
        releases=sum(int(r.get("releases", 0)) for r in results),
    )
