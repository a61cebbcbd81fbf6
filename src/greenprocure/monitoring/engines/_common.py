"""Engine selection and input expansion (re-exported by :mod:`greenprocure.monitoring.engines`)."""

from __future__ import annotations

import glob
import hashlib
import importlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson

from greenprocure.errors import (
    ConfigurationError,
    InputError,
    StoreError,
    ValidationError,
)
from greenprocure.i18n import N_
from greenprocure.monitoring.indicators import (
    INDICATORS,
    IndicatorTable,
    IngestSummary,
    MonitoringReportData,
    parse_group_keys,
)

__all__ = [
    "ENGINES",
    "IndicatorQuery",
    "IngestTally",
    "ProgressCallback",
    "atomic_write",
    "currency_conflict",
    "expand_inputs",
    "file_hash",
    "indicator_tables",
    "layout_mismatch",
    "load_engine",
    "no_store",
    "report_data",
]

#: Engine name -> module implementing it.
ENGINES: dict[str, str] = {
    "duckdb": "greenprocure.monitoring.engines.duckdb_engine",
    "spark": "greenprocure.monitoring.engines.spark_engine",
}

#: Runs the query of indicator ``name`` grouped by ``keys``: (column names, rows).
IndicatorQuery = Callable[[str, tuple[str, ...]], tuple[tuple[str, ...], Sequence[tuple[Any, ...]]]]

#: Called while ingesting with (bytes read since the last call, records since the last call).
ProgressCallback = Callable[[int, int], None]

_SUFFIXES = (".json", ".jsonl", ".ndjson", ".xml", ".gz", ".zip")
_CHUNK = 1 << 20


def file_hash(path: Path) -> tuple[str, int]:
    """BLAKE2b-256 of the file's bytes (hex) and its size: how a store knows a file."""
    digest = hashlib.blake2b(digest_size=32)
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@dataclass
class IngestTally:
    """What an ingest run has done so far, file by file; :meth:`summary` makes its result."""

    ingested: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    #: JSON Lines of the errors file (record errors and files that failed).
    error_lines: list[bytes] = field(default_factory=list)
    lot_rows: int = 0
    errors: int = 0
    bytes_read: int = 0
    processes_merged: int = 0
    #: files of this run skipped as copies (same content) of a file read in this run
    copies: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, path: str, copy_of: str | None = None) -> None:
        """File ``path`` is already in the store, or (``copy_of``) has the content of a file
        this run reads: skipped, unless that file turns out not to be readable (then it
        fails as that file does)."""
        self.skipped.append(path)
        if copy_of is not None:
            self.copies.setdefault(copy_of, []).append(path)

    def fail(
        self,
        path: str,
        reason: str,
        *,
        error_line: bool = True,
        entry: tuple[str, str] | None = None,
    ) -> None:
        """A file that could not be stored (``reason``: in the run's language); with
        ``error_line``, also a line of the errors file, with ``entry`` (location, reason in
        English: :func:`~greenprocure.errors.failure_entry`) when given. Its copies in this
        run fail with it (not "already in the store")."""
        self.failed.append(path)
        self.failures.append((path, reason))
        if error_line:
            location, logged = entry if entry is not None else ("", reason)
            line = {"file": path, "location": location, "ocid": None, "reason": logged}
            self.error_lines.append(orjson.dumps(line))
        for copy in self.copies.pop(path, ()):
            self.skipped.remove(copy)
            self.fail(copy, reason, error_line=error_line, entry=entry)

    def stored(
        self, path: str, lot_rows: int, errors: int, size: int, merged: int = 0, replaced: int = 0
    ) -> None:
        """A file stored whole, with its lot rows, record errors, bytes, the processes it
        merged with releases of files stored before it and those files' rows it replaced
        (the run's ``lot_rows`` is the change in the store's rows)."""
        self.ingested.append(path)
        self.lot_rows += lot_rows - replaced
        self.errors += errors
        self.bytes_read += size
        self.processes_merged += merged

    def summary(self, store: Path, errors_path: Path, started: float) -> IngestSummary:
        """The run's result; ``started`` is its :func:`time.perf_counter` at the start."""
        return IngestSummary(
            store=os.fspath(store),
            files_ingested=tuple(self.ingested),
            files_skipped=tuple(self.skipped),
            files_failed=tuple(self.failed),
            lot_rows=self.lot_rows,
            errors=self.errors,
            bytes_read=self.bytes_read,
            seconds=time.perf_counter() - started,
            errors_file=os.fspath(errors_path),
            failures=tuple(self.failures),
            processes_merged=self.processes_merged,
        )


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (a hidden temporary file, then renamed)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def no_store(store: Path) -> StoreError:
    """The error for reading a store that does not exist yet."""
    return StoreError(
        N_("no monitoring store at {store}; run 'greenprocure monitor ingest' first"),
        store=os.fspath(store),
    )


def layout_mismatch(store: Path, found: object, expected: object) -> StoreError:
    """The error for a store written in another layout version."""
    return StoreError(
        N_("the store {store} has layout version {found}; this version reads {expected}"),
        store=os.fspath(store),
        found=found,
        expected=expected,
    )


def currency_conflict(store: Path, stored: str, currency: str) -> ValidationError:
    """The error for adding values in ``currency`` to a store that holds ``stored``."""
    return ValidationError(
        N_(
            "the store {store} holds values in {stored}; it cannot take values in "
            "{currency} (use another --store)"
        ),
        field="reporting_currency",
        store=os.fspath(store),
        stored=stored,
        currency=currency,
    )


def load_engine(name: str) -> ModuleType:
    """The engine module called ``name``; a clear error if it or its library is missing."""
    if name not in ENGINES:
        raise ValidationError(
            N_("unknown engine {engine}; use one of {known}"),
            field="engine",
            engine=name,
            known=", ".join(ENGINES),
        )
    try:
        return importlib.import_module(ENGINES[name])
    except ModuleNotFoundError as error:
        missing = error.name or name
        raise ConfigurationError(
            N_(
                "the {engine} engine needs the Python package {package}, which is not "
                "installed; install the extra: pip install 'greenprocure[{engine}]'"
            ),
            engine=name,
            package=missing,
        ) from error


def indicator_tables(
    keys: tuple[str, ...], query: IndicatorQuery
) -> tuple[dict[str, IndicatorTable], dict[str, IndicatorTable]]:
    """Every indicator grouped by ``keys``, and with no key (the totals), each run by ``query``."""
    tables: dict[str, IndicatorTable] = {}
    totals: dict[str, IndicatorTable] = {}
    for name in INDICATORS:
        for group, target in ((keys, tables), ((), totals)):
            columns, rows = query(name, group)
            target[name] = IndicatorTable(name=name, by=group, columns=columns, rows=rows)
    return tables, totals


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named by ``paths``: files as given, folders walked, glob patterns expanded.

    Folders (given, or matched by a pattern) contribute their data files (``.json``,
    ``.jsonl``, ``.ndjson``, ``.xml``, ``.gz``, ``.zip``), sorted, leaving out hidden files
    and folders (names starting with ``.``); a folder given without any is an error, as a
    pattern that matches no file is. The result has no repeats and keeps the order given.
    """
    found: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(path)

    def walk(folder: Path, text: str, *, required: bool = True) -> int:
        children = [
            child
            for child in sorted(folder.rglob("*"))
            if child.is_file()
            and child.name.lower().endswith(_SUFFIXES)
            # hidden files and folders (a store's own folder, macOS's ``._`` copies) are not data
            and not any(part.startswith(".") for part in child.relative_to(folder).parts)
        ]
        if not children and required:
            # as for a pattern that matches nothing: a run that reads nothing is a mistake
            raise InputError(
                N_("no data file in this folder (.json, .jsonl, .ndjson, .xml, .gz, .zip)"),
                file=text,
            )
        for child in children:
            add(child)
        return len(children)

    for item in paths:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            walk(path, text)
        elif path.is_file():
            add(path)
        elif glob.has_magic(text):
            matched = 0
            for match in sorted(Path(m) for m in glob.glob(text, recursive=True)):
                if match.is_dir():  # a matched folder gives its data files, as one given does
                    matched += walk(match, os.fspath(match), required=False)
                elif match.is_file():
                    add(match)
                    matched += 1
            if not matched:
                raise InputError(N_("no file matches this pattern"), file=text)
        else:
            raise InputError(N_("no such file or folder"), file=text)
    return found


def report_data(
    store: Path | None = None,
    by: Iterable[str] = ("cpv2",),
    *,
    engine: str = "duckdb",
    period: str = "year",
) -> MonitoringReportData:
    """The indicators the HTML report shows: by ``period`` (year or month) and by ``by``."""
    if period not in ("year", "month"):
        raise ValidationError(
            N_("the period of a time series is year or month, not {period}"),
            field="period",
            period=period,
        )
    module = load_engine(engine)
    location = store if store is not None else module.DEFAULT_STORE
    series = module.compute_indicators(location, (period,))
    breakdown = module.compute_indicators(location, parse_group_keys(list(by)))
    return MonitoringReportData(time_series=series, breakdown=breakdown)
