"""How the release pipeline (:mod:`.duckdb_releases`) reads release packages in DuckDB.

Two readers give the same rows (``fh``: a hash of the file's name, ``releases``: the parsed
releases of a package), one JSON object at a time:

- JSON Lines files (one package per line, which is how large publishers' bulk files come)
  are split into lines by DuckDB's CSV reader, with no delimiter or quote that JSON text can
  hold, and each line is parsed once, by ``json_transform``. ``read_json_objects`` parses
  every object to find where it ends and ``json_transform`` parses it again: on 2 GB of the
  benchmark's packages, reading and transforming took 6.9-7.2 s this way against 7.8-10.1 s.
- Anything else (one document, concatenated or pretty-printed JSON), and any JSON Lines
  file the first reader fails on, is read by ``read_json_objects``, which also gives the
  error reported for malformed input.
- When both fail, each file that ``read_json_objects`` cannot read whole is told
  (:func:`whole_files`): if it is JSON Lines, it is read a third time by the line reader,
  without the lines that are not JSON objects (:func:`line_counts` counts them, file by
  file, so that each is one record error, as in the store path), and the other files by
  ``read_json_objects`` (:func:`lenient_source`).

Why written by hand: DuckDB offers both readers; choosing between them per input is ours.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import duckdb
import orjson

from greenprocure.monitoring.engines.duckdb_compiled import sql_file_list
from greenprocure.monitoring.engines.duckdb_paths import literal_path
from greenprocure.monitoring.readers._source import plain_opener

__all__ = [
    "LineCounts",
    "damaged_files",
    "empty_files",
    "file_table",
    "json_lines",
    "lenient_source",
    "line_counts",
    "package_sources",
    "starts_with_bom",
    "unreadable_file",
    "whole_files",
    "without_objects",
]

#: The longest line the JSON Lines reader takes (``read_json_objects``'s default largest
#: object); its buffer is twice that (DuckDB's default, 16 times the line, ran out of the
#: 640 MB memory limit on two threads).
MAX_LINE_BYTES = 16 * 1024 * 1024

#: How much of a file is read at a time to tell JSON Lines.
_SNIFF_BYTES = 64 * 1024


def json_lines(path: str) -> bool:
    """Whether file ``path`` (plain or gzip) starts like a JSON Lines file of objects: its
    first non-blank character opens an object, or (a damaged first line, up to 16 MiB
    long, as the store path looks) the next line that is not blank does (a first line
    that opens an array: see :func:`_damaged_first_line`); or it is empty.
    The reader of JSON Lines is then tried first; what it cannot read falls back to
    ``read_json_objects``."""
    try:
        with plain_opener(Path(path))() as stream:
            # (a byte-order mark is skipped: DuckDB's CSV reader skips it too)
            chunk = stream.read(_SNIFF_BYTES).removeprefix(_BOM)
            text = chunk.lstrip(_BLANK)
            while chunk and not text:  # blank lines, perhaps more than a chunk of them
                chunk = stream.read(_SNIFF_BYTES)
                text = chunk.lstrip(_BLANK)
            if not text or text.startswith(b"{"):
                return True  # (an empty file is no line at all: it keeps no file from it)
            if text.startswith(b"["):
                # a JSON array (of packages, one per line or not), unless, as the store
                # path tells it, a damaged first line of JSON Lines: not a lone "[", nor an
                # array going on (ending in "," or ":"), the next line (within the first
                # 64 KB) a whole JSON object
                return _damaged_first_line(text)
            # a damaged first line: the next line that is not blank opens an object
            seen = len(text)
            while (newline := text.find(b"\n")) < 0:
                text = stream.read(_SNIFF_BYTES)
                seen += len(text)
                if not text or seen > MAX_LINE_BYTES:
                    return False
            text = text[newline + 1 :].lstrip(_BLANK)
            while not text:
                text = stream.read(_SNIFF_BYTES)
                if not text:
                    return False
                text = text.lstrip(_BLANK)
            return text.startswith(b"{")
    except (OSError, EOFError, zlib.error):
        return False


def _damaged_first_line(text: bytes) -> bool:
    """Whether ``text``, which starts with "[", starts with a damaged line of JSON Lines
    (see :func:`json_lines`)."""
    end = text.find(b"\n")
    first = text[: max(end, 0)].strip()
    if end < 0 or first == b"[" or first.endswith((b",", b":")):
        return False
    rest = text[end + 1 :].lstrip(_BLANK)
    line = rest.split(b"\n", 1)[0]
    try:
        return type(orjson.loads(line)) is dict
    except orjson.JSONDecodeError:
        return False


#: What separates lines of JSON Lines without being part of one.
_BLANK = b" \t\r\n"

#: UTF-8's byte-order mark.
_BOM = b"\xef\xbb\xbf"


def empty_files(files: Sequence[str]) -> list[str]:
    """The files of ``files`` (plain or gzip, each once) that hold nothing but white space:
    the store path counts each as one record error (``reasons.EMPTY_FILE``), where DuckDB's
    readers read no row from it (or fail: an empty gzip file, a byte-order mark alone)."""
    empty: list[str] = []
    for file in dict.fromkeys(files):
        try:
            with plain_opener(Path(file))() as stream:
                # (a byte-order mark alone is empty too)
                chunk = stream.read(_SNIFF_BYTES).removeprefix(_BOM)
                while chunk:
                    if chunk.strip():
                        break
                    chunk = stream.read(_SNIFF_BYTES)
                else:
                    empty.append(file)
        except (OSError, EOFError, zlib.error):
            continue  # unreadable: the readers say so
    return empty


def starts_with_bom(path: str) -> bool:
    """Whether file ``path`` (plain or gzip) starts with UTF-8's byte-order mark."""
    try:
        with plain_opener(Path(path))() as stream:
            return bool(stream.read(len(_BOM)) == _BOM)
    except (OSError, EOFError, zlib.error):
        return False


def package_sources(files: Sequence[str], structure: str, file_hash: str) -> list[str]:
    """The relations (``fh``, ``releases``) of packages ``files`` to try in turn: when every
    file looks like JSON Lines, the JSON Lines reader, then ``read_json_objects``;
    otherwise ``read_json_objects`` (should all fail, :func:`lenient_source`).

    ``structure`` is the ``json_transform`` structure of a package (quoted for SQL) and
    ``file_hash`` the SQL of ``fh`` from ``filename``."""
    objects = _objects(files, structure, file_hash)
    if not all(json_lines(f) for f in files):
        return [objects]
    return [_lines(files, structure, file_hash), objects]


def lenient_source(
    whole: Sequence[str], by_lines: Sequence[str], structure: str, file_hash: str
) -> str:
    """The relation (``fh``, ``releases``) of the packages of files ``whole`` (each read
    by ``read_json_objects``, without the values that are not objects) and of JSON Lines
    files ``by_lines`` read without their lines that are not JSON objects
    (:func:`whole_files` tells them apart)."""
    parts = [_lines(by_lines, structure, file_hash, lenient=True)] if by_lines else []
    if whole:
        parts.append(_objects(whole, structure, file_hash, lenient=True))
    return "(" + " UNION ALL ".join(f"SELECT * FROM {part}" for part in parts) + ")"


def whole_files(
    con: duckdb.DuckDBPyConnection, files: Sequence[str]
) -> dict[str, duckdb.Error | int]:
    """The files of ``files`` that ``read_json_objects`` does not read as JSON objects
    alone, file by file: with its error, or with how many of its values (JSON) are not
    objects. Only run once a strict read failed, or read objects without releases: each
    file is parsed once more."""
    broken: dict[str, duckdb.Error | int] = {}
    for file in dict.fromkeys(files):
        try:
            row = con.execute(
                "SELECT count(*) FROM read_json_objects(?, format='auto') "
                "WHERE json_type(json) <> 'OBJECT'",
                [literal_path(file)],
            ).fetchone()
        except duckdb.Error as error:
            broken[file] = error
            continue
        if row is not None and row[0]:
            broken[file] = int(row[0])
    return broken


def _objects(files: Sequence[str], structure: str, file_hash: str, *, lenient: bool = False) -> str:
    """``read_json_objects``'s relation (``fh``, ``releases``) of ``files`` (``lenient``:
    without the values that are not objects)."""
    where = " WHERE json_type(json) = 'OBJECT'" if lenient else ""
    return (
        f"(SELECT {file_hash} AS fh, {_transform(structure)} "
        f"FROM read_json_objects({sql_file_list(files)}, format='auto', filename=true){where})"
    )


def _lines(files: Sequence[str], structure: str, file_hash: str, *, lenient: bool = False) -> str:
    """The JSON Lines reader's relation (``fh``, ``releases``) of ``files``: blank lines
    skipped (``read_json_objects`` skips them too) and, ``lenient``, lines that are not
    JSON objects."""
    where = f"{_NOT_BLANK} AND {_IS_OBJECT}" if lenient else _NOT_BLANK
    return (
        f"(SELECT {file_hash} AS fh, {_transform(structure)} "
        f"FROM {_line_reader(sql_file_list(files), lenient=lenient)} WHERE {where})"
    )


def _transform(structure: str) -> str:
    return f"json_transform(json, '{structure}').releases AS releases"


def _line_reader(listing: str, *, lenient: bool = False) -> str:
    """DuckDB's CSV reader splitting ``listing``'s files into lines (``filename``, ``json``),
    with no delimiter or quote that JSON text can hold; ``lenient``, also files whose lines
    end in a mix of ``\\n`` and ``\\r\\n`` (which the strict reader refuses)."""
    return (
        f"read_csv({listing}, columns={{'json': 'VARCHAR'}}, delim=chr(1), quote='', "
        f"escape='', header=false, auto_detect=false, max_line_size={MAX_LINE_BYTES}, "
        f"buffer_size={2 * MAX_LINE_BYTES}, filename=true"
        + (", strict_mode=false)" if lenient else ")")
    )


#: A line (``json``) that is not blank (the CSV reader gives an empty line as NULL).
_NOT_BLANK = (
    "json IS NOT NULL AND CASE WHEN ascii(json) IN (32, 9, 13) "
    "THEN trim(json, ' \t\r') <> '' ELSE true END"
)

#: A line (``json``) that is a JSON object: valid JSON that opens with a brace.
_IS_OBJECT = "(json_valid(json) AND starts_with(ltrim(json, ' \t\r'), '{'))"


class LineCounts(NamedTuple):
    """The lines of a JSON Lines file that are not blank: JSON objects, other lines (not
    JSON, or JSON but no object), and the objects with a ``releases`` or ``records`` array
    (packages)."""

    objects: int
    others: int
    packages: int


def line_counts(con: duckdb.DuckDBPyConnection, files: Sequence[str]) -> dict[str, LineCounts]:
    """:class:`LineCounts` of each of JSON Lines ``files`` (plain or compressed)."""
    package = (
        "CASE WHEN json_valid(json) THEN json_type(json, '$.releases') = 'ARRAY' "
        "OR json_type(json, '$.records') = 'ARRAY' END"
    )
    rows = con.execute(
        f"SELECT filename, count(*) FILTER (WHERE {_IS_OBJECT}), "
        f"count(*) FILTER (WHERE NOT {_IS_OBJECT}), count(*) FILTER (WHERE {package}) "
        f"FROM {_line_reader(sql_file_list(files), lenient=True)} WHERE {_NOT_BLANK} "
        "GROUP BY filename"
    ).fetchall()
    return {str(row[0]): LineCounts(int(row[1]), int(row[2]), int(row[3])) for row in rows}


def unreadable_file(
    con: duckdb.DuckDBPyConnection, files: Sequence[str]
) -> tuple[str, duckdb.Error] | None:
    """The first of ``files``, in the order given, that is not even lines of text (its
    lines cannot be counted: :func:`line_counts` failed on them all), with the error that
    says best why: ``read_json_objects``'s (which names encodings), else the line
    reader's. DuckDB reads files in parallel: its error on them all may name any."""
    for file in dict.fromkeys(files):
        try:
            line_counts(con, [file])
        except duckdb.Error as error:
            try:
                con.execute(
                    "SELECT count(*) FROM read_json_objects(?, format='auto')",
                    [literal_path(file)],
                ).fetchone()
            except duckdb.Error as reason:
                return file, reason
            return file, error
    return None


def damaged_files(counts: dict[str, LineCounts], files: Sequence[str]) -> list[tuple[str, int]]:
    """(file, lines that are not JSON objects) of each of ``files`` that has such lines, once
    each, in the order given (``counts``: :func:`line_counts`)."""
    return [
        (file, counts[file].others)
        for file in dict.fromkeys(files)
        if file in counts and counts[file].others
    ]


def without_objects(counts: dict[str, LineCounts], files: Sequence[str]) -> str | None:
    """The first of ``files`` whose lines are none of them a JSON object (not JSON Lines)."""
    return next(
        (f for f in files if f in counts and counts[f].others and not counts[f].objects), None
    )


def file_table(con: duckdb.DuckDBPyConnection, files: Sequence[str], table: str) -> str:
    """Make table ``table`` (``filename``, ``fh``) of ``files`` and return the SQL of
    ``fh`` from a row's ``filename``: a 64-bit hash of the name (the releases carry it
    instead of the name, which DuckDB would write out in full for each of them), salted
    until the names' hashes differ."""
    con.execute(f"CREATE TABLE {table} (filename VARCHAR)")
    con.executemany(f"INSERT INTO {table} VALUES (?)", [(f,) for f in dict.fromkeys(files)])
    salt = 0
    while True:
        distinct = con.execute(
            f"SELECT count(DISTINCT hash(filename, {salt})) = count(*) FROM {table}"
        ).fetchone()
        if distinct is None or distinct[0]:
            break
        salt += 1
    con.execute(f"ALTER TABLE {table} ADD COLUMN fh UBIGINT")
    con.execute(f"UPDATE {table} SET fh = hash(filename, {salt})")
    return f"hash(filename, {salt})"
