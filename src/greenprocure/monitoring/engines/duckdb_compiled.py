"""The fast path: indicators straight from compiled-release JSON Lines, in DuckDB SQL.

DuckDB's ``read_json`` parses the files in parallel with a declared schema holding only the
fields the indicators read; the lot rows are built in SQL by
:func:`~greenprocure.monitoring.engines.duckdb_lot_sql.compiled_lot_rows_sql` (lots, buyer,
CPV, dates, green detection, money attribution, currency conversion, following the rules of
the Python path) and the shared indicator queries of
:mod:`greenprocure.monitoring.indicators` run over them. No Python object is made per
record, which is what makes this path fast.

Differences from the Python path, stated: records that are not JSON objects with the
declared field types make DuckDB stop with a parse error naming the file (the Python path
reports them one by one); between two copies of one lot with the same date in the same
file, the copy on the later line is kept as on the store path (``record_ref`` =
``line N``), but lines are counted without blank lines, and finding them costs a second,
single-threaded read of the input (only when there are such copies).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from greenprocure.errors import InputError, ParseError
from greenprocure.i18n import N_
from greenprocure.monitoring.currency import CurrencyConverter
from greenprocure.monitoring.engines.duckdb_lot_sql import (
    COMPILED_COLUMNS,
    CPV_COLUMNS,
    NAME_COLUMNS,
    ROW_COLUMNS,
    compiled_columns,
    compiled_lot_rows_sql,
    sql_string,
)
from greenprocure.monitoring.engines.duckdb_paths import literal_path
from greenprocure.monitoring.engines.duckdb_spill import rows_of
from greenprocure.monitoring.indicators import (
    INDICATOR_COLUMNS,
    INDICATORS,
    KEY_COLUMNS,
    IndicatorResult,
    IndicatorTable,
    deduplicated_sql,
    indicator_sql,
    key_columns,
    parse_group_keys,
    totals_sql,
)
from greenprocure.monitoring.lots import country_names
from greenprocure.monitoring.rows import LOT_COLUMNS
from greenprocure.reference.library import ReferenceLibrary, default_library

__all__ = [
    "COMPILED_COLUMNS",
    "COUNTRY_TABLE",
    "ROW_COLUMNS",
    "RowCounts",
    "RowQueries",
    "compiled_columns",
    "compiled_lot_rows_sql",
    "create_country_table",
    "duckdb_indicator_tables",
    "empty_placeholder",
    "existing_files",
    "indicators_from_compiled",
    "indicators_from_made_rows",
    "make_rows",
    "needed_columns",
    "read_compiled_sql",
    "read_error",
    "reference_rates",
    "resolve_country_names",
    "sql_file_list",
    "with_empty_files",
]

#: The temporary table of country names (casefolded) and their ISO codes.
COUNTRY_TABLE = "gp_country"

_DEDUPLICATION_COLUMNS = ("ocid", "lot_id", "release_date", "date", "source_file", "record_ref")

#: The message of the error raised when DuckDB cannot read the compiled releases.
_FAILURE = N_("cannot read the compiled releases: {reason}")

#: The warning of a file with lines that are not JSON objects (see :func:`read_compiled_sql`).
_LENIENT = N_(
    "{count} line(s) of this file are not JSON objects: each is counted as a record error "
    "and the input was read again leniently, a value of an unexpected type read as missing; "
    "monitor ingest lists each such record"
)

#: Why a file none of whose lines is a JSON object cannot be read.
_NO_OBJECT = N_("not JSON Lines: no line of the file is a JSON object")

#: The error of release or record packages given as compiled releases.
_PACKAGES = N_(
    "not compiled releases: {count} JSON object(s) with a releases or records "
    "array (release packages: --releases; record packages: use monitor ingest)"
)


def _fx_rates(
    reporting_currency: str, library: ReferenceLibrary
) -> tuple[list[tuple[str, int, float]], list[str]]:
    """Every (currency, year, rate) the reference rates convert, and the known currencies
    (those with rates, and every other code CLDR knows)."""
    from greenprocure.monitoring.currency import world_currencies
    from greenprocure.reference import currencies

    converter = CurrencyConverter(reporting_currency, library)
    table = library.table("fx", "rates")
    years = sorted(
        {
            year
            for factor in table.factors
            if factor.period_start is not None
            for year in range(factor.period_start, (factor.period_end or factor.period_start) + 1)
        }
    )
    rated = sorted(currencies(library))
    rates: list[tuple[str, int, float]] = []
    for code in rated:
        for year in years:
            rate, _note = converter.rate(code, year)
            if rate is not None:
                rates.append((code, year, rate))
    return rates, sorted({*rated, *world_currencies()})


def reference_rates(
    reporting_currency: str, library: ReferenceLibrary | None
) -> tuple[list[tuple[str, int, float]], list[str]]:
    """Every (currency, year, rate) the reference rates convert to ``reporting_currency``,
    and the known currencies (the country names are made on demand by
    :func:`create_country_table`)."""
    lib = library if library is not None else default_library()
    return _fx_rates(reporting_currency, lib)


def create_country_table(con: duckdb.DuckDBPyConnection) -> str:
    """Create :data:`COUNTRY_TABLE` (CLDR country names in 13 languages, casefolded, and
    their codes) unless it exists; return its name. Only rows whose buyer gives a country
    name instead of a code need it, so it is made when they turn up."""
    found = con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE temporary AND table_name = ?", [COUNTRY_TABLE]
    ).fetchone()
    if found is None:
        names = sorted(country_names().items())
        con.execute(f"CREATE TEMP TABLE {COUNTRY_TABLE} (name VARCHAR, code VARCHAR)")
        con.execute(
            f"INSERT INTO {COUNTRY_TABLE} SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [[n for n, _code in names], [code for _n, code in names]],
        )
    return COUNTRY_TABLE


def read_compiled_sql(
    files: Sequence[str],
    columns: Sequence[str] | None = None,
    *,
    numbered: bool = False,
    lenient: bool = False,
) -> str:
    """A relation with the compiled releases of JSON Lines ``files``: ``read_json`` with only
    the fields that the lot-row ``columns`` (default: all) read, ``filename`` and
    ``file_row_number`` (the record's number in its file from 0, NULL unless ``numbered``).

    DuckDB's JSON reader does not number records, so ``numbered`` reads each file in
    order and numbers it with a window: run it with one thread and insertion order kept.
    ``lenient`` reads a line that is not a JSON object as a record whose fields are all
    NULL (which has no ``ocid``, so it is skipped and counted) and a value of an unexpected
    type as NULL, instead of failing.
    """
    from greenprocure.monitoring.engines.duckdb_engine import struct_columns

    wanted = set(columns) if columns is not None else set(ROW_COLUMNS)
    schema = struct_columns(
        compiled_columns(
            bool(CPV_COLUMNS & wanted), bool(NAME_COLUMNS & wanted), "main_category" in wanted
        )
    )

    options = ", ignore_errors=true" if lenient else ""

    def scan(listing: str) -> str:
        return (
            f"read_json({listing}, format='newline_delimited', filename=true, "
            f"columns={schema}{options})"
        )

    if not numbered:
        return f"(SELECT *, NULL::BIGINT AS file_row_number FROM {scan(sql_file_list(files))})"
    parts = [
        f"SELECT *, row_number() OVER () - 1 AS file_row_number FROM {scan(sql_string(f))}"
        for f in files
    ]
    return "(" + " UNION ALL ".join(parts) + ")"


def existing_files(paths: Sequence[str | Path]) -> list[str]:
    """``paths`` as the readers are given them: each an existing file, each once (by its
    resolved path). A name that DuckDB reads as a pattern (:mod:`.duckdb_paths`) is given
    with ``.``, ``..`` and repeated separators resolved, as DuckDB names the file it
    reads (its ``filename``), so that the names agree. A gzip file whose path holds ``?``
    is refused: DuckDB takes what follows ``?`` for a URL's query and would not
    decompress it."""
    files: dict[str, str] = {}
    for path in paths:
        file = os.fspath(path)
        if not Path(file).is_file():
            raise InputError(N_("no such file or folder"), file=file)
        if "?" in file and file.lower().endswith(".gz"):
            raise InputError(
                N_(
                    "DuckDB cannot read a gzip file whose path holds ?: rename it, or use "
                    "monitor ingest"
                ),
                file=file,
            )
        if literal_path(file) != file:
            file = os.path.normpath(file)
        files.setdefault(os.path.realpath(file), file)
    return list(files.values())


def sql_file_list(files: Sequence[str]) -> str:
    """``files`` as an SQL list of string literals for DuckDB's readers (each read as
    itself: :func:`~.duckdb_paths.literal_path`)."""
    return "[" + ", ".join(sql_string(literal_path(f)) for f in files) + "]"


def needed_columns(keys: Sequence[str], *, lean: bool = False) -> tuple[str, ...]:
    """The lot-row columns that the indicators grouped by ``keys`` (and their totals) read,
    with those of the skip count and of the deduplication: the lot's key columns, or with
    ``lean`` only a hash of them (``lot_key``), which tells whether any lot repeats."""
    measures = [c for c in INDICATOR_COLUMNS if c not in _GROUP_COLUMNS]
    identity = (
        ("lot_key",) if lean else ("ocid", "lot_id", "release_date", "date", "source_file", "line")
    )
    return tuple(
        dict.fromkeys(
            (
                *identity,
                *key_columns(keys),
                *(("country_lookup",) if "country" in key_columns(keys) else ()),
                *measures,
                *("skip_reason", "first_lot"),
            )
        )
    )


_GROUP_COLUMNS = frozenset(c for columns in KEY_COLUMNS.values() for c in columns)

#: One query, or several whose rows go together (made one after the other).
Queries = str | Sequence[str]


@dataclass(frozen=True)
class RowQueries:
    """The queries giving the lot rows of one run, each with :func:`needed_columns`.

    ``lean`` (``lean=True`` columns) is made first: when no lot repeats, the indicators
    need nothing else. Otherwise the rows are made again with ``full`` (the lots' key
    columns, for the deduplication), and with ``numbered`` (the same with each record's
    line, made in one thread) if two copies of a lot share their date and file.
    """

    lean: Queries
    full: Queries
    numbered: Queries | None = None


@dataclass(frozen=True)
class RowCounts:
    """What :func:`make_rows` counted: lot rows kept, records skipped, and distinct lots
    (``distinct < rows``: some lot repeats and the rows hold the columns to deduplicate)."""

    rows: int
    skipped: int
    distinct: int


def make_rows(
    con: duckdb.DuckDBPyConnection, queries: RowQueries, files: Sequence[str], failure: str
) -> RowCounts:
    """Materialise the narrow lot rows of ``queries`` once, as table ``gp_rows``.

    ``lean`` first; when some (``ocid``, ``lot_id``) repeats, the rows are made again with
    the lots' key columns (``full``), and, if two copies of a lot share their date and
    file, with each record's line (``numbered``, in one thread: rare, as a file of compiled
    releases normally has each ``ocid`` once). ``failure`` is the message of the error
    raised if DuckDB cannot read the input.
    """
    _create_rows(con, queries.lean, files, failure)
    rows, skipped, distinct = _counts(con, "lot_key")
    if distinct != rows:
        con.execute("DROP TABLE gp_rows")
        _create_rows(con, queries.full, files, failure)
        if queries.numbered is not None and _has_ties(con):
            con.execute("DROP TABLE gp_rows")
            con.execute("SET threads = 1")
            con.execute("SET preserve_insertion_order = true")
            _create_rows(con, queries.numbered, files, failure)
    return RowCounts(rows, skipped, distinct)


def indicators_from_made_rows(
    con: duckdb.DuckDBPyConnection,
    counts: RowCounts,
    keys: tuple[str, ...],
    *,
    reporting_currency: str,
    files: Sequence[str],
) -> IndicatorResult:
    """Every indicator over the lot rows of table ``gp_rows`` (:func:`make_rows`).

    Rows with a ``skip_reason`` are counted (once per record) and left out. Each lot counts
    once: when some (``ocid``, ``lot_id``) repeats, the row of the latest release is kept
    (:func:`~greenprocure.monitoring.indicators.deduplicated_sql`); otherwise the rows are
    used as they are. Between copies of a lot with the same date in the same file, the
    store path keeps the one with the largest location (``line N``).
    """
    resolve_country_names(con, "gp_rows")
    present = {d[0] for d in con.execute("SELECT * FROM gp_rows LIMIT 0").description or ()}
    # columns no indicator of this run reads are NULL (the shared SQL names them all)
    filled = ", ".join(
        name if name in present else f"NULL::{kind} AS {name}"
        for name, kind in LOT_COLUMNS
        if name in (*_DEDUPLICATION_COLUMNS, *INDICATOR_COLUMNS) and name != "record_ref"
    )
    # the record's location as the store path writes it (ties between copies of a lot with
    # the same date and file are broken by it)
    filled += ", 'line ' || line AS record_ref" if "line" in present else ", NULL AS record_ref"
    con.execute(
        f"CREATE TEMP VIEW gp_kept AS SELECT {filled} FROM gp_rows WHERE skip_reason IS NULL"
    )
    if counts.distinct == counts.rows:
        # every (ocid, lot_id) once (their hashes differ): nothing to deduplicate, and
        # goals and strategies hold no duplicates
        source = "gp_kept"
    else:
        con.execute(f"CREATE TEMP TABLE gp_lots AS {deduplicated_sql('gp_kept')}")
        source = "gp_lots"
    tables, totals = duckdb_indicator_tables(con, keys, source)
    return IndicatorResult(
        by=keys,
        reporting_currency=reporting_currency,
        engine="duckdb",
        tables=tables,
        totals=totals,
        files=len(files),
        lot_rows=counts.rows,
        errors=counts.skipped,
        sources=tuple(files),
        computed_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


def _create_rows(
    con: duckdb.DuckDBPyConnection, query: str | Sequence[str], files: Sequence[str], failure: str
) -> None:
    queries = [query] if isinstance(query, str) else list(query)
    try:
        for number, part in enumerate(queries):
            if number == 0:
                con.execute(f"CREATE TEMP TABLE gp_rows AS {part}")
            else:
                con.execute(f"INSERT INTO gp_rows {part}")
    except duckdb.Error as error:
        raise read_error(failure, files, error) from error


def read_error(failure: str, files: Sequence[str], error: duckdb.Error) -> ParseError:
    """The error to raise when DuckDB fails on ``files``: message ``failure`` with the
    first line of DuckDB's message as ``reason``, naming the file DuckDB names (else the
    files, the first three and how many more)."""
    text = str(error)
    named = [f for f in files if f in text]
    if named:
        where = max(named, key=len)  # a name can begin another's
    elif len(files) > 3:
        where = f"{', '.join(files[:3])} (+{len(files) - 3})"
    else:
        where = ", ".join(files)
    return ParseError(failure, file=where, reason=text.splitlines()[0] if text else "")


def resolve_country_names(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Fill ``country`` of the rows of ``table`` that have a ``country_lookup``: the buyer's
    country name looked up, else the party's code, else the party's name looked up.

    Done after the rows are made, on the few rows that need it, instead of joining every
    row with the country names (two joins cost about a sixth of the whole run).
    """
    present = {d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description or ()}
    if "country_lookup" not in present:
        return
    needed = con.execute(
        f"SELECT 1 FROM {table} WHERE country_lookup IS NOT NULL LIMIT 1"
    ).fetchone()
    if needed is None:
        return
    country_table = create_country_table(con)
    con.execute(
        f"UPDATE {table} SET country = coalesce("
        f"(SELECT c.code FROM {country_table} c WHERE c.name = country_lookup[1]), "
        f"country_lookup[2], "
        f"(SELECT c.code FROM {country_table} c WHERE c.name = country_lookup[3])) "
        "WHERE country_lookup IS NOT NULL"
    )


def _counts(con: duckdb.DuckDBPyConnection, lot_key: str) -> tuple[int, int, int]:
    """Rows kept, records skipped, and distinct (ocid, lot_id) hashes (``lot_key``, an
    expression) of the kept rows."""
    counts = con.execute(
        "SELECT COUNT(*) FILTER (WHERE skip_reason IS NULL), "
        "COUNT(*) FILTER (WHERE skip_reason IS NOT NULL AND first_lot), "
        f"COUNT(DISTINCT {lot_key}) FILTER (WHERE skip_reason IS NULL) "
        "FROM gp_rows"
    ).fetchone()
    rows, skipped, distinct = counts if counts else (0, 0, 0)
    return int(rows), int(skipped), int(distinct)


def _has_ties(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether two kept rows are the same lot with the same date from the same file."""
    found = con.execute(
        "SELECT 1 FROM gp_rows WHERE skip_reason IS NULL "
        # (copies of one lot date: more ties than the ranking has, which is safe)
        "GROUP BY ocid, lot_id, date, source_file HAVING COUNT(*) > 1 LIMIT 1"
    ).fetchone()
    return found is not None


def duckdb_indicator_tables(
    con: duckdb.DuckDBPyConnection, keys: tuple[str, ...], table: str
) -> tuple[dict[str, IndicatorTable], dict[str, IndicatorTable]]:
    """Every indicator over the deduplicated lots ``table``, grouped by ``keys`` and totals.

    The lots are read once per indicator: the grouped rows are kept in a temporary table
    and the totals summed from them (:func:`~greenprocure.monitoring.indicators.totals_sql`).
    A grouped table of very many rows is handed over on disk
    (:mod:`~greenprocure.monitoring.engines.duckdb_spill`).
    """
    tables: dict[str, IndicatorTable] = {}
    totals: dict[str, IndicatorTable] = {}
    # the grouped tables keep the order of their query
    con.execute("SET preserve_insertion_order = true")
    for name in INDICATORS:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE gp_grouped AS "
            + indicator_sql(name, keys, table=table, deduplicated=True)
        )
        columns = _columns(con, "SELECT * FROM gp_grouped LIMIT 0")
        grouped = rows_of(con, "gp_grouped")
        tables[name] = IndicatorTable(name=name, by=keys, columns=columns, rows=grouped)
        total_rows: Sequence[tuple[Any, ...]]
        if keys:
            query = totals_sql(name, "gp_grouped")
            total_columns = _columns(con, f"SELECT * FROM ({query}) LIMIT 0")
            total_rows = tuple(tuple(row) for row in con.execute(query).fetchall())
        else:
            total_columns, total_rows = columns, grouped
        totals[name] = IndicatorTable(name=name, by=(), columns=total_columns, rows=total_rows)
    con.execute("DROP TABLE IF EXISTS gp_grouped")
    return tables, totals


def _columns(con: duckdb.DuckDBPyConnection, query: str) -> tuple[str, ...]:
    return tuple(d[0] for d in con.execute(query).description or ())


def indicators_from_compiled(
    paths: Sequence[str | Path],
    by: Sequence[str] = (),
    *,
    reporting_currency: str = "EUR",
    library: ReferenceLibrary | None = None,
    threads: int | None = None,
) -> IndicatorResult:
    """Every indicator over compiled-release JSON Lines ``paths`` (plain or ``.gz``).

    Records skipped (a date that cannot be read, a code that is no currency) are counted
    in ``errors``; ``lot_rows`` counts the lots of the other records.
    """
    from greenprocure.monitoring.engines.duckdb_engine import limit_resources
    from greenprocure.monitoring.engines.duckdb_packages import empty_files

    keys = parse_group_keys(by)
    currency = reporting_currency.strip().upper()
    given = existing_files(paths)
    # empty files are not read (DuckDB fails on some: an empty gzip file, a byte-order mark
    # alone): each is a record error; with no other file, an empty file of ours is read
    empty = empty_files(given)
    files = [f for f in given if f not in empty]
    nothing = None if files else empty_placeholder()
    con = duckdb.connect()
    try:
        limit_resources(con, threads=threads)
        rates, known = reference_rates(currency, library)
        if nothing is not None:
            files = [nothing]

        def queries(lenient: bool) -> RowQueries:
            def query(lean: bool = False, numbered: bool = False) -> str:
                columns = needed_columns(keys, lean=lean)
                source = read_compiled_sql(files, columns, numbered=numbered, lenient=lenient)
                return compiled_lot_rows_sql(source, currency, rates, known, COUNTRY_TABLE, columns)

            return RowQueries(lean=query(lean=True), full=query(), numbered=query(numbered=True))

        warnings: list[ParseError] = []
        try:
            counts = make_rows(con, queries(lenient=False), files, _FAILURE)
        except ParseError as error:
            # a package spread over several lines is not JSON Lines either: say what it is
            _refuse_packages(con, files, given=True)
            if _encoding(error):
                raise  # a byte-order mark or text that is not UTF-8: monitor ingest reads it
            # if some lines are not JSON objects: read again leniently (each such line a
            # record without an ocid, skipped and counted) and say so, file by file
            warnings = _lenient_warnings(con, files, error)
            con.execute("DROP TABLE IF EXISTS gp_rows")
            counts = make_rows(con, queries(lenient=True), files, _FAILURE)
        if counts.skipped and not warnings:  # (a lenient read looked for packages by line)
            _refuse_packages(con, files)
        counts, warnings = with_empty_files(counts, warnings, empty)
        result = indicators_from_made_rows(
            con, counts, keys, reporting_currency=currency, files=given
        )
        return dataclasses.replace(result, warnings=tuple(warnings)) if warnings else result
    finally:
        con.close()
        if nothing is not None:
            os.unlink(nothing)


def empty_placeholder(folder: Path | None = None) -> str:
    """A new empty file in ``folder`` (default: DuckDB's temporary folder) for DuckDB to
    read when every file given is empty; the caller removes it."""
    from greenprocure.monitoring.engines.duckdb_engine import temp_folder

    handle, name = tempfile.mkstemp(suffix=".jsonl", dir=folder or temp_folder())
    os.close(handle)
    return name


#: The warning of an empty file (one record error, as the store path counts it).
_EMPTY_FILE = N_(
    "this file is empty: it is counted as one record error, as monitor ingest counts it"
)


def with_empty_files(
    counts: RowCounts, warnings: list[ParseError], empty: Sequence[str]
) -> tuple[RowCounts, list[ParseError]]:
    """``counts`` and ``warnings`` with each of files ``empty`` (left unread) counted as one
    skipped record and warned of, as the store path and Spark count an empty file."""
    if not empty:
        return counts, warnings
    counts = dataclasses.replace(counts, skipped=counts.skipped + len(empty))
    return counts, warnings + [ParseError(_EMPTY_FILE, file=file) for file in empty]


def _encoding(error: ParseError) -> bool:
    """Whether DuckDB's strict read failed on the file's encoding (a byte-order mark, text
    that is not UTF-8), which a lenient read would take as malformed lines."""
    reason = str(error.params.get("reason", ""))
    return "byte order mark (BOM) is not supported" in reason or "invalid UTF-8" in reason


def _lenient_warnings(
    con: duckdb.DuckDBPyConnection, files: Sequence[str], error: ParseError
) -> list[ParseError]:
    """The warnings of a lenient read, one per file with lines that are not JSON objects.
    A file none of whose lines is a JSON object is not JSON Lines, and a file with
    packages holds no compiled releases: either stops the run with an error naming it; so
    does ``error``, the strict read's, when every line is a JSON object (the strict read
    failed on a value of the wrong type, which the store path reports record by record)."""
    from greenprocure.monitoring.engines.duckdb_packages import (
        damaged_files,
        line_counts,
        unreadable_file,
        without_objects,
    )

    try:
        counts = line_counts(con, files)
    except duckdb.Error:
        # not even lines of text: the first such file, with its own error
        found = unreadable_file(con, files)
        if found is None:
            raise error from None
        raise read_error(_FAILURE, [found[0]], found[1]) from found[1]
    for file in files:
        if file in counts and counts[file].packages:
            raise ParseError(_PACKAGES, file=file, count=counts[file].packages)
    unreadable = without_objects(counts, files)
    if unreadable is not None:
        raise ParseError(_NO_OBJECT, file=unreadable)
    damaged = damaged_files(counts, files)
    if not damaged:
        raise error  # every line is an object: a value of the wrong type, say
    return [ParseError(_LENIENT, file=file, count=count) for file, count in damaged]


def _refuse_packages(
    con: duckdb.DuckDBPyConnection, files: Sequence[str], *, given: bool = False
) -> None:
    """Raise an error naming the first file that holds release or record packages (read
    as compiled releases, each would be one record without an ocid, skipped without saying
    why; a package written over several lines cannot be read as JSON Lines at all).

    Looked for only when some record has no ocid or no date (a record, one per line, has
    an ocid but no date of its own), or (``given``) when the files could not be read, so
    that the usual run does not read its input twice. When the files cannot be read as
    JSON objects either, nothing is raised here (the caller's error stands)."""
    if (
        not given
        and con.execute(
            "SELECT 1 FROM gp_rows WHERE skip_reason IN ('no ocid', 'no release date') LIMIT 1"
        ).fetchone()
        is None
    ):
        return
    try:
        found = con.execute(
            "SELECT filename, count(*) FROM read_json_objects(?, format='auto', filename=true) "
            "WHERE json_type(json, '$.releases') = 'ARRAY' "
            "OR json_type(json, '$.records') = 'ARRAY' "
            "GROUP BY filename ORDER BY filename LIMIT 1",
            [[literal_path(f) for f in files]],
        ).fetchone()
    except duckdb.Error as error:
        if given:
            return
        raise read_error(_FAILURE, files, error) from error
    if found is not None:
        raise ParseError(_PACKAGES, file=str(found[0]), count=int(found[1]))
