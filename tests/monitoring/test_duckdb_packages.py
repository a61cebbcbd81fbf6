"""How ``monitor indicators --releases`` reads packages: JSON Lines through the line reader
(each package parsed once), anything else, and what the line reader cannot read, through
``read_json_objects``; the same packages give the same indicators either way."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
from indicator_checks import ALL_KEYS, assert_same

from greenprocure.errors import ParseError
from greenprocure.monitoring.engines import duckdb_releases
from greenprocure.monitoring.engines.duckdb_engine import indicators_from_releases
from greenprocure.monitoring.engines.duckdb_packages import (
    file_table,
    json_lines,
    package_sources,
)
from greenprocure.monitoring.indicators import IndicatorResult

GREEN = [{"goal": "environmental.climateChangeMitigation", "strategies": ["awardCriteria"]}]


def _packages() -> list[dict[str, Any]]:
    def release(n: int, month: int, **sections: Any) -> dict[str, Any]:
        ocid = f"ocds-p-{n}"
        return {
            "ocid": ocid,
            "id": f"{ocid}-{month}",
            "date": f"2023-{month:02d}-01T00:00:00Z",
            "buyer": {"id": f"B{n}"},
            **sections,
        }

    def tender(n: int) -> dict[str, Any]:
        lot = {"id": "L1", "value": {"amount": 100.0 * n, "currency": "EUR"}}
        if n % 2:
            lot["sustainability"] = GREEN
        return {"id": "T", "lots": [lot]}

    parties = [{"id": "B1", "roles": ["buyer"], "address": {"country": "FR"}}]
    award = {"id": "A1", "status": "active", "value": {"amount": 90.0, "currency": "EUR"}}
    return [
        {"uri": "p1", "releases": [release(1, 1, parties=parties, tender=tender(1)),
                                   release(2, 1, tender=tender(2))]},
        {"uri": "p2", "releases": [release(1, 3, awards=[award]), release(3, 2, tender=tender(3))]},
    ]  # fmt: skip


def _lines(path: Path, packages: list[dict[str, Any]], blank: bool = False) -> Path:
    separator = b"\n\n" if blank else b"\n"
    path.write_bytes(separator.join(orjson.dumps(p) for p in packages) + b"\n")
    return path


def _stored_and_read(files: list[Path], store: Path) -> tuple[IndicatorResult, IndicatorResult]:
    """The totals of ``files`` through a DuckDB store at ``store``.duckdb, and read by the
    pipeline (``--releases``)."""
    from greenprocure.monitoring.engines.duckdb_engine import compute_indicators, ingest

    store = store.with_name(store.name + ".duckdb")
    ingest(files, store)
    return compute_indicators(store, []), indicators_from_releases(files, [])


def _only_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read with the line reader alone (no fallback), to show that it did the reading."""

    def first(files: list[str], structure: str, file_hash: str) -> list[str]:
        sources = package_sources(files, structure, file_hash)
        assert len(sources) == 2
        return sources[:1]

    monkeypatch.setattr(duckdb_releases, "package_sources", first)


def test_json_lines_is_told_from_other_json(tmp_path: Path) -> None:
    plain = _lines(tmp_path / "a.jsonl", _packages())
    assert json_lines(str(plain))
    zipped = tmp_path / "a.jsonl.gz"
    zipped.write_bytes(gzip.compress(plain.read_bytes()))
    assert json_lines(str(zipped))
    spaced = tmp_path / "spaced.json"
    spaced.write_bytes(b"\n  " + plain.read_bytes())
    assert json_lines(str(spaced))
    array = tmp_path / "array.json"
    array.write_bytes(orjson.dumps(_packages()))
    assert not json_lines(str(array))
    empty = tmp_path / "empty.json"
    empty.write_bytes(b" \n")
    assert json_lines(str(empty))  # no line: it keeps no other file from the line reader
    assert not json_lines(str(tmp_path / "missing.jsonl"))
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(b"not gzip")
    assert not json_lines(str(broken))
    assert len(package_sources([str(plain), str(array)], "{}", "0")) == 1
    cut = tmp_path / "cut.jsonl"  # a first line cut at its start, over 64 KB long
    cut.write_bytes(b'ut": "' + b"x" * 100_000 + b'"}\n \n' + plain.read_bytes())
    assert json_lines(str(cut))
    cut.write_bytes(b'ut": "' + b"x" * 100_000 + b'"}\n \n[1]\n')
    assert not json_lines(str(cut))


def test_the_line_reader_gives_what_read_json_objects_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON Lines (with blank lines, and gzip) read by the line reader alone equal the same
    packages read by ``read_json_objects`` (a JSON array of packages, which the line reader
    is not tried on)."""
    array = tmp_path / "packages.json"
    array.write_bytes(orjson.dumps(_packages()))
    expected = {tuple(by): indicators_from_releases([array], by) for by in ([], ALL_KEYS)}
    assert expected[()].lot_rows == 3
    assert expected[()].totals["green_share"].records()[0]["green_lots"] == 2
    plain = _lines(tmp_path / "blank.jsonl", _packages(), blank=True)
    zipped = tmp_path / "packages.jsonl.gz"
    zipped.write_bytes(gzip.compress(_lines(tmp_path / "p.jsonl", _packages()).read_bytes()))
    _only_lines(monkeypatch)
    for path in (plain, zipped):
        for by, result in expected.items():
            got = indicators_from_releases([path], list(by))
            assert assert_same(result, got) > 0
            assert got.lot_rows == result.lot_rows


def test_what_the_line_reader_cannot_read_falls_back(tmp_path: Path) -> None:
    """A pretty-printed package starts like JSON Lines: the line reader fails on it and
    ``read_json_objects`` reads it; a malformed line is still reported with its file."""
    pretty = tmp_path / "pretty.json"
    pretty.write_bytes(b"\n".join(orjson.dumps(p, option=orjson.OPT_INDENT_2) for p in _packages()))
    assert json_lines(str(pretty))
    result = indicators_from_releases([pretty], ["country"])
    assert result.lot_rows == 3
    assert result.totals["green_share"].records()[0]["green_lots"] == 2
    # a pretty-printed file with a malformed part has no line of JSON: an error naming it
    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(pretty.read_bytes().replace(b'"uri"', b'"uri" "', 1))
    with pytest.raises(ParseError, match="cannot read the release packages") as caught:
        indicators_from_releases([damaged], ["country"])
    assert str(damaged) in str(caught.value)


def test_a_line_that_is_not_json_is_one_record_error_as_in_the_store_path(
    tmp_path: Path,
) -> None:
    """JSON Lines with a cut-off line and a line of text: the run goes on without them,
    each a record error as the store path counts it, and a warning names the file."""
    from greenprocure.monitoring.engines.duckdb_engine import compute_indicators, ingest

    first, second = (orjson.dumps(p) for p in _packages())
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(first + b'\n{"uri": "p3", "releases": [\nnot json\n' + second + b"\n")
    clean = _lines(tmp_path / "clean.jsonl", _packages())
    store = tmp_path / "m.duckdb"
    ingest([broken, clean], store)
    for by in ([], ["country", "year"]):
        result = indicators_from_releases([broken, clean], by)
        stored = compute_indicators(store, by)
        assert_same(stored, result)
        assert result.errors == stored.errors == 2
        assert result.lot_rows == stored.lot_rows
        (warning,) = result.warnings
        assert warning.file == str(broken)
        assert warning.params["count"] == 2


def test_a_pretty_printed_file_beside_damaged_json_lines_is_read_whole(tmp_path: Path) -> None:
    """JSON Lines with a damaged line and a pretty-printed package (no JSON Lines) in one
    run: the damaged file is read without its bad line, the other whole, as ingest reads
    them (before, the run stopped at the pretty-printed file's first line)."""
    from greenprocure.monitoring.engines.duckdb_engine import compute_indicators, ingest

    first, second = (orjson.dumps(p) for p in _packages())
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(first + b"\n{cut\n")
    pretty = tmp_path / "pretty.json"
    pretty.write_bytes(orjson.dumps(_packages()[1], option=orjson.OPT_INDENT_2))
    array = tmp_path / "array.json"  # an array of packages over several lines
    array.write_bytes(b"[\n" + second + b"\n]\n")
    minified = tmp_path / "minified.json"  # and on one line
    minified.write_bytes(b"[" + second + b"]")
    for inputs in ([broken, pretty], [pretty, broken], [array, broken], [minified, broken]):
        store = tmp_path / f"{inputs[0].stem}.duckdb"
        ingest(inputs, store)
        for by in ([], ["country", "year"]):
            result = indicators_from_releases(inputs, by)
            stored = compute_indicators(store, by)
            assert_same(stored, result)
            assert (result.errors, result.lot_rows) == (stored.errors, stored.lot_rows) == (1, 3)
            assert [(w.file, w.params["count"]) for w in result.warnings] == [(str(broken), 1)]


def test_the_file_table_holds_each_file_once_with_distinct_hashes() -> None:
    con = duckdb.connect()
    expression = file_table(con, ["a.jsonl", "b.jsonl", "a.jsonl"], "files")
    rows = con.execute(f"SELECT filename, fh, {expression} FROM files ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == ["a.jsonl", "b.jsonl"]
    assert rows[0][1] != rows[1][1]
    assert all(r[1] == r[2] for r in rows)


def test_blank_lines_a_byte_order_mark_and_a_damaged_first_line_read_as_ingest_reads_them(
    tmp_path: Path,
) -> None:
    """Lines of spaces or tabs are blank, not errors; a file that starts with a byte-order
    mark or with its damaged line is still read line by line: the counts of the store
    path."""

    first, second = (orjson.dumps(p) for p in _packages())
    (tmp_path / "empty.json").write_bytes(b"")
    files = {
        "spaces.jsonl": first + b"\n   \n\t\n{cut\n" + second + b"\n",
        "bom.jsonl": b"\xef\xbb\xbf" + first + b"\nnot json\n" + second + b"\n",
        "first.jsonl": b"not json\n" + first + b"\n" + second + b"\n",
        # a damaged first line that opens an array, and one that is an array
        "bracket.jsonl": b"[1, 2\n" + first + b"\n" + second + b"\n",
        "array-line.jsonl": b"[1, 2]\n" + first + b"\n" + second + b"\n",
        # a first line cut at its start, longer than what is read at a time to tell JSON
        # Lines
        "long.jsonl": b'ut": "' + b"x" * 200_000 + b"\n\n" + first + b"\n" + second + b"\n",
    }
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        # (with an empty file beside it: one record error, which keeps no file from the
        # line reader)
        stored, result = _stored_and_read([path, tmp_path / "empty.json"], tmp_path / name)
        assert (result.errors, result.lot_rows) == (stored.errors, stored.lot_rows) == (2, 3), name
        assert [w.params.get("count") for w in result.warnings] == [1, None], name


def test_a_damaged_json_array_of_packages_is_an_error_not_lines(tmp_path: Path) -> None:
    """A JSON array with one package per line is no JSON Lines, damaged or not: when it
    cannot be read, the run stops with an error naming it (no package counted as an error
    line by line)."""
    first, second = (orjson.dumps(p) for p in _packages())
    damaged = tmp_path / "array.json"
    damaged.write_bytes(b"[\n" + first + b",\n{cut,\n" + second + b"\n]\n")
    assert not json_lines(str(damaged))
    with pytest.raises(ParseError, match="cannot read the release packages") as caught:
        indicators_from_releases([damaged], [])
    assert str(damaged) in str(caught.value)


def test_values_that_are_not_objects_and_mixed_line_ends_read_as_ingest_reads_them(
    tmp_path: Path,
) -> None:
    """JSON values that are not objects (lines `[1]`, `123`, a file of a number or of
    arrays), with or without a damaged file beside them, and lines ending in a mix of
    newlines and carriage returns: the run goes on with the store path's counts, each
    file's warning naming it."""
    from greenprocure.monitoring.engines.duckdb_engine import compute_indicators, ingest

    first, second = (orjson.dumps(p) for p in _packages())
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(first + b"\n{cut\n")
    files = {
        "values.jsonl": (first + b"\n[1]\n123\n" + second + b"\n", 2),
        "number.json": (b"123\n", 1),
        "arrays.json": (b"[1, 2]", 2),
        "nested.json": (b"[[" + first + b"], [" + second + b"]]", 2),
        "crlf.jsonl": (first + b"\r\n{cut\n" + second + b"\n", 1),
    }
    for name, (content, errors) in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        for inputs in ([path], [path, broken]):
            store = tmp_path / f"{name}-{len(inputs)}.duckdb"
            ingest(inputs, store)
            stored = compute_indicators(store, [])
            result = indicators_from_releases(inputs, [])
            assert_same(stored, result)
            assert (result.errors, result.lot_rows) == (stored.errors, stored.lot_rows), name
            assert result.errors == errors + len(inputs) - 1, name
            warned = {w.file: w.params["count"] for w in result.warnings}
            assert warned.get(str(path)) == errors, name


def test_a_damaged_array_after_many_blank_lines_is_still_an_error(tmp_path: Path) -> None:
    """More than a chunk of blank lines before a damaged JSON array: not JSON Lines, so the
    run stops with an error naming the file (no line read as a package)."""
    first, second = (orjson.dumps(p) for p in _packages())
    damaged = tmp_path / "array.json"
    damaged.write_bytes(b" " * 70_000 + b"\n[\n" + first + b",\n{cut,\n" + second + b"\n]\n")
    assert not json_lines(str(damaged))
    with pytest.raises(ParseError, match="cannot read the release packages") as caught:
        indicators_from_releases([damaged], [])
    assert str(damaged) in str(caught.value)


def test_a_byte_order_mark_before_values_that_are_not_objects(tmp_path: Path) -> None:
    """JSON Lines with a byte-order mark and a line `42` read as the store path reads them;
    an array of packages after a byte-order mark (which DuckDB reads as one value) stops
    the run with an error naming the file instead of losing its packages."""

    first, second = (orjson.dumps(p) for p in _packages())
    lines = tmp_path / "bom.jsonl"
    lines.write_bytes(b"\xef\xbb\xbf" + first + b"\n42\n" + second + b"\n")
    stored, result = _stored_and_read([lines], tmp_path / "m")
    assert_same(stored, result)
    assert (result.errors, result.lot_rows) == (stored.errors, stored.lot_rows) == (1, 3)
    # lines [1], [] or "s" (which read_json_objects reads as values beside the mark)
    others = tmp_path / "bom-others.jsonl"
    others.write_bytes(b"\xef\xbb\xbf" + first + b'\n[1]\n[]\n"s"\n' + second + b"\n")
    stored, result = _stored_and_read([others], tmp_path / "others")
    assert (result.errors, result.lot_rows) == (stored.errors, stored.lot_rows) == (3, 3)
    array = tmp_path / "bom-array.json"
    array.write_bytes(b"\xef\xbb\xbf[" + first + b", " + second + b"]")
    with pytest.raises(ParseError, match="byte-order mark") as caught:
        indicators_from_releases([array], [])
    assert caught.value.file == str(array)
