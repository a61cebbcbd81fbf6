"""Valid files of unusual shape and records that broke the readers (a review's findings):
each file is read as what it is, and each bad record is one RecordError, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from greenprocure.errors import InputError
from greenprocure.monitoring import Document, iter_documents
from greenprocure.monitoring.engines import expand_inputs
from greenprocure.monitoring.engines.duckdb_engine import ingest
from greenprocure.monitoring.readers._source import _detect


def _release(ocid: str, rid: str = "1", date: str = "2020-01-01") -> dict[str, object]:
    return {"ocid": ocid, "id": rid, "date": date, "tag": ["tender"], "tender": {"id": "t"}}


def _compiled(ocid: str) -> dict[str, object]:
    return {**_release(ocid), "tag": ["compiled"]}


def test_a_pretty_printed_record_keeps_its_compiled_release(tmp_path: Path) -> None:
    record = {
        "ocid": "o-r",
        "releases": [{"url": "https://x/1", "date": "2020-01-01", "tag": ["tender"]}],
        "compiledRelease": _compiled("o-r"),
    }
    path = tmp_path / "record.json"
    path.write_bytes(orjson.dumps(record, option=orjson.OPT_INDENT_2))
    (item,) = list(iter_documents(path))
    assert isinstance(item, Document)
    assert item.kind == "compiled"
    assert item.ocid == "o-r"


@pytest.mark.parametrize(
    "opening", [b'{"version":"1.1","releases":[\n', b'{"uri":"x",\n"releases":[\n']
)
def test_a_package_with_one_release_per_line_is_one_document(
    tmp_path: Path, opening: bytes
) -> None:
    path = tmp_path / "package.json"
    first, second = orjson.dumps(_release("o-a")), orjson.dumps(_release("o-b"))
    path.write_bytes(opening + first + b",\n" + second + b"\n]}\n")
    items = list(iter_documents(path))
    assert [type(i).__name__ for i in items] == ["Document", "Document"]
    assert [i.ocid for i in items] == ["o-a", "o-b"]


def test_leading_blank_lines_do_not_hide_the_data(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_bytes(
        b"\n" * 120 + orjson.dumps(_release("o-1")) + b"\n\n" + orjson.dumps(_release("o-2"))
    )
    items = list(iter_documents(path))
    assert [type(i).__name__ for i in items] == ["Document", "Document"]
    # the lines are counted as they are in the file
    assert [i.location for i in items] == ["line 121", "line 123"]


def test_a_short_latin_1_file_is_not_taken_for_utf_8(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"ocid":"o-1","t":"\xe9"}\n')
    assert _detect(lambda: path.open("rb")) == "cp1252"
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b'{"ocid":"o-1","t":"caf\xc3')  # a whole file, its last character unfinished
    assert _detect(lambda: cut.open("rb")) == "cp1252"


def test_bad_records_are_record_errors_and_the_file_goes_on(tmp_path: Path) -> None:
    deep: object = "x"
    for _ in range(1500):
        deep = {"a": deep}
    package = {
        "records": [
            {"ocid": "o-bad", "releases": 5},
            {"ocid": "o-deep", "releases": [{**_release("o-deep"), "deep": deep}]},
            {"ocid": "o-null", "compiledRelease": {**_compiled("o-x"), "ocid": None}},
            {"ocid": "o-good", "releases": [_release("o-good")]},
        ]
    }
    path = tmp_path / "records.json"
    path.write_text(
        orjson.dumps({"records": package["records"][:1]}).decode()[:-2]
        + ","
        + ",".join(_dumps(r) for r in package["records"][1:])
        + "]}",
        encoding="utf-8",
    )
    items = list(iter_documents(path))
    kinds = [(type(i).__name__, i.ocid) for i in items]
    assert kinds == [
        ("RecordError", "o-bad"),
        ("RecordError", "o-deep"),
        ("Document", "o-null"),  # a null ocid is the record's
        ("Document", "o-good"),
    ]
    assert "releases: not an array" in items[0].reason  # type: ignore[union-attr]


def _dumps(value: object) -> str:
    """JSON of ``value``, which may be nested deeper than orjson writes."""
    import json
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)
    try:
        return json.dumps(value)
    finally:
        sys.setrecursionlimit(limit)


def test_an_amount_beyond_floating_point_is_a_record_error(tmp_path: Path) -> None:
    compiled = _compiled("o-big")
    compiled["tender"] = {"id": "t", "value": {"amount": 10**400, "currency": "EUR"}}
    path = tmp_path / "big.json"
    path.write_text(_dumps(compiled) + "\n" + _dumps(_compiled("o-fine")), encoding="utf-8")
    summary = ingest([path], tmp_path / "m.duckdb")
    assert summary.files_ingested == (str(path),)
    assert summary.errors == 1
    assert summary.errors_file is not None
    errors = [orjson.loads(line) for line in Path(summary.errors_file).read_bytes().splitlines()]
    assert [e["ocid"] for e in errors] == ["o-big"]


def test_folders_leave_out_hidden_files_and_patterns_walk_matched_folders(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    for month in ("2023-01", "2023-02"):
        (data / month).mkdir(parents=True)
        (data / month / "a.jsonl").write_bytes(orjson.dumps(_release("o")))
        (data / month / "._a.jsonl").write_bytes(b"\x00\x05\x16\x07")  # macOS metadata
    (data / ".greenprocure").mkdir()
    (data / ".greenprocure" / "monitoring.duckdb.errors.jsonl").write_bytes(b"{}")
    expected = [data / "2023-01" / "a.jsonl", data / "2023-02" / "a.jsonl"]
    assert expand_inputs([data]) == expected
    assert expand_inputs([str(data / "*")]) == expected
    with pytest.raises(InputError, match="no file matches this pattern"):
        expand_inputs([str(tmp_path / "nothing-*")])


def test_an_empty_zip_archive_is_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("folder/", b"")
    with pytest.raises(InputError, match="holds no file"):
        list(iter_documents(path))
    summary = ingest([path], tmp_path / "m.duckdb")
    assert summary.files_failed == (str(path),)


def test_a_read_error_part_way_keeps_nothing_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fails part way through a file: the file fails whole (a run again reads it
    whole), rather than its first part being kept under the file's hash."""
    from greenprocure.monitoring.readers import ocds

    path = tmp_path / "releases.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(_compiled(f"o-{n}")) for n in range(5)))
    real = ocds._read_source

    def failing(source: Any) -> Iterator[Any]:
        items = real(source)
        yield next(items)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(ocds, "_read_source", failing)
    with pytest.raises(InputError, match="cannot read the file after"):
        list(iter_documents(path))
    summary = ingest([path], tmp_path / "m.duckdb")
    assert summary.files_failed == (str(path),)
    assert summary.lot_rows == 0
    monkeypatch.setattr(ocds, "_read_source", real)
    again = ingest([path], tmp_path / "m.duckdb")
    assert again.files_ingested == (str(path),)
    assert again.lot_rows == 5


@pytest.mark.parametrize("cut", [b'{"ocid": "o0", "tender": {', b'{"ocid": "o0", "parties": ['])
def test_a_json_lines_file_whose_first_line_is_cut_keeps_its_other_lines(
    tmp_path: Path, cut: bytes
) -> None:
    path = tmp_path / "cut.jsonl"
    lines = [orjson.dumps(_release(f"o-{n}")) for n in range(1, 5)]
    path.write_bytes(b"\n".join([cut, *lines]) + b"\n")
    items = list(iter_documents(path))
    assert [type(i).__name__ for i in items] == ["RecordError"] + ["Document"] * 4


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_a_line_nested_too_deep_is_one_record_error(tmp_path: Path) -> None:
    # orjson parses 1,000 levels, but neither the store nor the standard library's writer
    # keeps them: the line is a record error, the next line is read
    deep = orjson.dumps(_release("o-deep"))[:-1] + b',"extra":' + _deep(1000) + b"}"
    path = tmp_path / "deep.jsonl"
    path.write_bytes(deep + b"\n" + orjson.dumps(_release("o-ok")) + b"\n")
    first, second = list(iter_documents(path))
    assert not isinstance(first, Document)
    assert (first.location, first.ocid) == ("line 1", "o-deep")
    assert "nested deeper than 254 levels" in first.reason
    assert isinstance(second, Document)
    assert second.ocid == "o-ok"


def test_a_line_with_many_brackets_but_little_depth_is_read(tmp_path: Path) -> None:
    wide = {**_release("o-wide"), "tender": {"id": "t", "items": [{"a": []}] * 400}}
    path = tmp_path / "wide.jsonl"
    path.write_bytes(orjson.dumps(wide) + b"\n")
    (item,) = list(iter_documents(path))
    assert isinstance(item, Document)
    assert item.ocid == "o-wide"


def test_a_document_nested_too_deep_stops_in_bounded_memory(tmp_path: Path) -> None:
    # ijson keeps a path per level: 100,000 levels took more than 20 GB before the guard
    path = tmp_path / "deep.json"
    release = orjson.dumps(_release("o-deep"))[:-1] + b',"extra":' + _deep(100_000) + b"}"
    path.write_bytes(b'{"releases":[' + orjson.dumps(_release("o-ok")) + b"," + release + b"]}")
    with pytest.raises(InputError, match="nested deeper than 4096 levels by byte") as caught:
        list(iter_documents(path))
    assert caught.value.file == str(path)


@pytest.mark.parametrize("name", ["package.json", "concatenated.json"])
def test_a_release_of_a_document_nested_too_deep_is_one_record_error(
    tmp_path: Path, name: str
) -> None:
    # 1,000 levels: the document is read, the release is a record error, the next is kept
    deep = orjson.dumps(_release("o-deep"))[:-1] + b',"extra":' + _deep(1000) + b"}"
    ok = orjson.dumps(_release("o-ok"))
    path = tmp_path / name
    if name == "package.json":
        path.write_bytes(b'{"releases":[' + deep + b"," + ok + b"]}")
    else:
        path.write_bytes(b'{"releases":[' + ok + b"]}\n" + deep + b"\n" + ok)
    items = list(iter_documents(path))
    errors = [i for i in items if not isinstance(i, Document)]
    assert [(e.ocid, "nested deeper than 254 levels" in e.reason) for e in errors] == [
        ("o-deep", True)
    ]
    assert [i.ocid for i in items if isinstance(i, Document)] == ["o-ok"] * (len(items) - 1)


def _at_depth(ocid: str, depth: int) -> bytes:
    """A release nested ``depth`` levels deep (itself the first)."""
    return orjson.dumps(_release(ocid))[:-1] + b',"extra":' + _deep(depth - 1) + b"}"


@pytest.mark.parametrize("layout", ["one line", "over lines"])
def test_the_depth_limit_is_per_release_and_exact(tmp_path: Path, layout: str) -> None:
    """254 levels are kept (orjson writes them), 255 are a record error naming that
    release; the package around them adds no level, on one line or over several."""
    releases = [_at_depth("o-254", 254), _at_depth("o-255", 255), _at_depth("o-3", 3)]
    separator = b"," if layout == "one line" else b",\n"
    path = tmp_path / "package.jsonl"
    path.write_bytes(b'{"uri":"u","releases":[' + separator.join(releases) + b"]}\n")
    items = list(iter_documents(path))
    assert [(type(i).__name__, i.ocid) for i in items] == [
        ("Document", "o-254"),
        ("RecordError", "o-255"),
        ("Document", "o-3"),
    ]
    assert "nested deeper than 254 levels" in items[1].reason  # type: ignore[union-attr]
