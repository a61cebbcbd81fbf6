"""OCDS readers: every layout, compression and encoding; bad input is a RecordError."""

from __future__ import annotations

import codecs
import gzip
import zipfile
from pathlib import Path

import orjson
import pytest

from greenprocure.monitoring import Document, RecordError, iter_documents


def _release(ocid: str, rid: str, date: str, **extra: object) -> dict[str, object]:
    return {"ocid": ocid, "id": rid, "date": date, "tag": ["tender"], **extra}


def _split(items: list[Document | RecordError]) -> tuple[list[Document], list[RecordError]]:
    docs = [item for item in items if isinstance(item, Document)]
    errors = [item for item in items if isinstance(item, RecordError)]
    return docs, errors


def test_all_real_ocds_files_read_without_errors(shared_data: Path) -> None:
    files = [
        p
        for p in sorted((shared_data / "ocds").rglob("*.json"))
        if "schema" not in p.name and p.parent.name in ("realdata", "fictional-example", "record")
    ]
    assert len(files) >= 30
    for path in files:
        docs, errors = _split(list(iter_documents(path)))
        assert docs, path
        assert errors == [], path
        assert all(doc.ocid for doc in docs)


def test_release_package_streams_releases_with_item_location(shared_data: Path) -> None:
    docs, _ = _split(list(iter_documents(shared_data / "ocds/realdata/release-package-1-2.json")))
    assert [doc.kind for doc in docs] == ["release"] * 4
    assert docs[2].location.endswith("releases[2]")


def test_record_package_gives_compiled_releases(shared_data: Path) -> None:
    docs, _ = _split(
        list(iter_documents(shared_data / "ocds/realdata/record-package_versioned.json"))
    )
    assert {doc.kind for doc in docs} == {"compiled"}
    assert len(docs) == 2


def test_versioned_release_is_unversioned(shared_data: Path) -> None:
    (doc,) = _split(list(iter_documents(shared_data / "ocds/realdata/versioned-release-1.json")))[0]
    assert doc.kind == "compiled"
    assert doc.data["initiationType"] == "tender"


def test_iso_8859_1_file_reads_like_its_utf8_twin(shared_data: Path) -> None:
    latin = [
        d.data
        for d in iter_documents(
            shared_data / "ocds/realdata/release-package_encoding-iso-8859-1.json"
        )
    ]  # type: ignore[union-attr]
    utf8 = [
        d.data
        for d in iter_documents(shared_data / "ocds/realdata/release-package_encoding-utf-8.json")
    ]  # type: ignore[union-attr]
    assert latin == utf8
    assert "SECRETARÍA" in orjson.dumps(latin).decode()


def test_declared_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    text = '{"ocid": "ocds-x-1", "id": "1", "date": "2020-01-01", "title": "Café"}\n'
    path.write_bytes(text.encode("latin-1"))
    (doc,) = list(iter_documents(path, encoding="iso-8859-1"))
    assert isinstance(doc, Document)
    assert doc.data["title"] == "Café"


def test_json_lines_bad_line_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "releases.jsonl"
    lines = [
        orjson.dumps(_release("ocds-a-1", "1", "2020-01-01")),
        b'{"ocid": "ocds-a-2", "id": "2", "date": ',
        orjson.dumps(_release("ocds-a-3", "3", "2020-01-03")),
        orjson.dumps({"id": "no-ocid", "date": "2020-01-01"}),
        orjson.dumps({"releases": [_release("ocds-a-4", "4", "2020-01-04")]}),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    docs, errors = _split(list(iter_documents(path)))
    assert [d.ocid for d in docs] == ["ocds-a-1", "ocds-a-3", "ocds-a-4"]
    assert docs[2].location == "line 5, releases[0]"
    assert [(e.location, e.ocid) for e in errors] == [("line 2", "ocds-a-2"), ("line 4", None)]
    assert "malformed JSON" in errors[0].reason
    assert "ocid" in errors[1].reason


def test_concatenated_pretty_packages_gz_and_zip(tmp_path: Path) -> None:
    package_a = {"uri": "a", "releases": [_release("ocds-b-1", "1", "2020-01-01")]}
    package_b = {"uri": "b", "releases": [_release("ocds-b-2", "2", "2020-01-02")]}
    text = orjson.dumps(package_a, option=orjson.OPT_INDENT_2) + orjson.dumps(
        package_b, option=orjson.OPT_INDENT_2
    )
    plain = tmp_path / "two.json"
    plain.write_bytes(text)
    packed = tmp_path / "two.json.gz"
    packed.write_bytes(gzip.compress(text))
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("inner/two.json", text)
    for path in (plain, packed):
        docs, errors = _split(list(iter_documents(path)))
        assert [d.ocid for d in docs] == ["ocds-b-1", "ocds-b-2"]
        assert errors == []
    docs, _ = _split(list(iter_documents(archive)))
    assert [d.file for d in docs] == [f"{archive}!inner/two.json"] * 2


def test_concatenated_values_of_every_kind(tmp_path: Path) -> None:
    """After the first document: a record package, a bare release, a compiled release, an
    array and a package, each read with its location; a big integer is read exactly."""
    compiled = _release("ocds-d-4", "4", "2020-01-04", tag=["compiled"])
    values = [
        {"uri": "a", "releases": [_release("ocds-d-1", "1", "2020-01-01")]},
        {
            "records": [
                {"ocid": "ocds-d-2", "compiledRelease": _release("ocds-d-2", "2", "2020-01-02")}
            ]
        },
        _release("ocds-d-3", "3", "2020-01-03", tender={"value": {"amount": 1}}),
        compiled,
        [_release("ocds-d-5", "5", "2020-01-05"), 7],
        {"releases": [_release("ocds-d-6", "6", "2020-01-06")], "uri": "b"},
    ]
    path = tmp_path / "mixed.json"
    text = b"\n".join(orjson.dumps(v, option=orjson.OPT_INDENT_2) for v in values)
    # an integer beyond 64 bits (orjson cannot write one): yajl refuses it, so the file
    # is read again with the exact backend, without repeating what was read
    path.write_bytes(text.replace(b'"amount": 1', b'"amount": ' + str(2**70).encode()))
    docs, errors = _split(list(iter_documents(path)))
    assert [(d.ocid, d.kind, d.location) for d in docs] == [
        ("ocds-d-1", "release", "releases[0]"),
        ("ocds-d-2", "compiled", "value[1], records[0]"),
        ("ocds-d-3", "release", "value[2]"),
        ("ocds-d-4", "compiled", "value[3]"),
        ("ocds-d-5", "release", "value[4], item[0]"),
        ("ocds-d-6", "release", "value[5], releases[0]"),
    ]
    assert docs[2].data["tender"]["value"]["amount"] == 2**70
    assert [(e.location, e.reason) for e in errors] == [("value[4], item[1]", "not a JSON object")]


def test_concatenated_packages_are_streamed(tmp_path: Path) -> None:
    """A big package after the first is read release by release, not built whole."""
    import tracemalloc

    def package(prefix: str, count: int) -> bytes:
        releases = [
            _release(f"ocds-{prefix}-{n}", str(n), "2020-01-01", title="x" * 200)
            for n in range(count)
        ]
        return orjson.dumps({"uri": prefix, "releases": releases}, option=orjson.OPT_INDENT_2)

    path = tmp_path / "big.json"
    path.write_bytes(package("a", 10) + b"\n" + package("b", 6_000) + b"\n{")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = 0
        last = None
        for item in iter_documents(path):
            if count == 0:
                # from here on: the first pass and the encoding sniff (4 MiB) are done
                tracemalloc.reset_peak()
            if isinstance(item, Document):
                count += 1
            last = item
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 6_010
    assert isinstance(last, RecordError)  # the unfinished third value
    assert last.location == "after value[1], end of file"
    # built whole, the package took three times its size; streamed, about 0.5 MB, and
    # about 1.5 MB to find where the unfinished value breaks
    assert peak < size, (peak, size)


def test_top_level_array_of_releases(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    path.write_bytes(
        orjson.dumps(
            [_release("ocds-c-1", "1", "2020-01-01"), _release("ocds-c-2", "2", "2020-01-01")],
            option=orjson.OPT_INDENT_2,
        )
    )
    docs, _ = _split(list(iter_documents(path)))
    assert [d.location for d in docs] == ["item[0]", "item[1]"]


def test_truncated_document_is_one_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    text = orjson.dumps(
        {"releases": [_release("ocds-d-1", "1", "2020-01-01"), _release("ocds-d-2", "2", "2020")]},
        option=orjson.OPT_INDENT_2,
    )
    path.write_bytes(text[: len(text) - 40])
    docs, errors = _split(list(iter_documents(path)))
    assert [d.ocid for d in docs] == ["ocds-d-1"]
    assert len(errors) == 1
    assert errors[0].location == "after releases[0], end of file"


def test_malformed_document_error_says_where(tmp_path: Path) -> None:
    """The error names the character where the JSON breaks (counted in the decoded text:
    the ISO-8859-1 file has one-byte letters that are two bytes in UTF-8)."""
    text = orjson.dumps(
        {"releases": [_release("ocds-é-1", "1", "2020-01-01"), _release("ocds-é-2", "2", "2020")]},
        option=orjson.OPT_INDENT_2,
    ).decode()
    broken = text.replace('"id": "2"', '"id": 2x', 1)
    expected = broken.index("2x")  # where the bad token starts
    for encoding in ("utf-8", "iso-8859-1"):
        path = tmp_path / f"broken-{encoding}.json"
        path.write_bytes(broken.encode(encoding))
        docs, errors = _split(list(iter_documents(path, encoding=encoding)))
        assert [d.ocid for d in docs] == ["ocds-é-1"]
        assert [e.location for e in errors] == [f"after releases[0], character {expected}"]


def test_linked_only_record_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_bytes(
        orjson.dumps(
            {"records": [{"ocid": "ocds-e-1", "releases": [{"url": "http://x/1", "date": "2020"}]}]}
        )
    )
    (error,) = list(iter_documents(path))
    assert isinstance(error, RecordError)
    assert error.ocid == "ocds-e-1"
    assert "linked" in error.reason


@pytest.mark.parametrize("content", [b"", b"\n\n"])
def test_empty_file_is_one_record_error(tmp_path: Path, content: bytes) -> None:
    """A run must say it read nothing from a file (it was counted as ingested, silently)."""
    path = tmp_path / "empty.json"
    path.write_bytes(content)
    (error,) = list(iter_documents(path))
    assert isinstance(error, RecordError)
    assert error.location == "file"
    assert "empty" in error.reason


def test_giant_json_line_is_reported_not_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from greenprocure.monitoring.readers import ocds

    monkeypatch.setattr(ocds, "_LINE_LIMIT", 200)
    path = tmp_path / "giant.jsonl"
    small = orjson.dumps(_release("ocds-f-1", "1", "2020-01-01"))
    big = orjson.dumps(_release("ocds-f-2", "2", "2020-01-01", title="x" * 1000))
    path.write_bytes(small + b"\n" + big + b"\n" + small + b"\n")
    items = list(iter_documents(path))
    assert [type(i).__name__ for i in items] == ["Document", "RecordError", "Document"]
    assert items[1].ocid == "ocds-f-2"
    assert items[2].location == "line 3"


def test_json_lines_with_a_bad_first_line_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad-first.jsonl"
    good = orjson.dumps(_release("ocds-h-1", "1", "2020-01-01"))
    path.write_bytes(b'\n{"ocid": "ocds-h-0", "id": \n\n' + good + b"\n" + good + b"\n")
    items = list(iter_documents(path))
    assert [type(i).__name__ for i in items] == ["RecordError", "Document", "Document"]
    assert [i.location for i in items] == ["line 2", "line 4", "line 5"]
    assert items[0].ocid == "ocds-h-0"


def test_pretty_printed_document_is_not_taken_for_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "pretty.json"
    package = {"releases": [{"ocid": "ocds-i-1", "id": "1", "date": "2020", "tender": {}}]}
    path.write_bytes(orjson.dumps(package, option=orjson.OPT_INDENT_2))
    (doc,) = list(iter_documents(path))
    assert isinstance(doc, Document)
    assert doc.location == "releases[0]"


def test_mixed_concatenated_values_are_all_read(tmp_path: Path) -> None:
    """A record package, then a bare release, then a release package: nothing skipped."""
    record_package = {
        "records": [
            {
                "ocid": "ocds-j-1",
                "releases": [
                    _release("ocds-j-1", "1", "2020-01-01"),
                    _release("ocds-j-1", "2", "2020-02-01"),
                ],
            }
        ]
    }
    parts = [
        record_package,
        _release("ocds-j-2", "1", "2020-01-01"),
        {"releases": [_release("ocds-j-3", "1", "2020-01-01")]},
    ]
    path = tmp_path / "mixed.json"
    path.write_bytes(b"".join(orjson.dumps(p, option=orjson.OPT_INDENT_2) for p in parts))
    docs, errors = _split(list(iter_documents(path)))
    assert errors == []
    assert [(d.ocid, d.kind, d.location) for d in docs] == [
        ("ocds-j-1", "compiled", "records[0]"),
        ("ocds-j-2", "release", "value[1]"),
        ("ocds-j-3", "release", "value[2], releases[0]"),
    ]


def test_array_of_packages(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    packages = [
        {"releases": [_release("ocds-k-1", "1", "2020"), _release("ocds-k-2", "1", "2020")]},
        _release("ocds-k-3", "1", "2020"),
    ]
    path.write_bytes(orjson.dumps(packages, option=orjson.OPT_INDENT_2))
    docs, _ = _split(list(iter_documents(path)))
    assert [(d.ocid, d.location) for d in docs] == [
        ("ocds-k-1", "item[0], releases[0]"),
        ("ocds-k-2", "item[0], releases[1]"),
        ("ocds-k-3", "item[1]"),
    ]


def test_an_array_on_one_line_is_read_item_by_item(tmp_path: Path) -> None:
    """A minified JSON array (one line, of packages or releases) is one document, as the
    same array over several lines is; JSON Lines whose lines are arrays stay lines."""
    packages = [
        {"releases": [_release("ocds-m-1", "1", "2020"), _release("ocds-m-2", "1", "2020")]},
        _release("ocds-m-3", "1", "2020"),
    ]
    path = tmp_path / "minified.json"
    path.write_bytes(orjson.dumps(packages) + b"\n")
    docs, errors = _split(list(iter_documents(path)))
    assert errors == []
    assert [(d.ocid, d.location) for d in docs] == [
        ("ocds-m-1", "item[0], releases[0]"),
        ("ocds-m-2", "item[0], releases[1]"),
        ("ocds-m-3", "item[1]"),
    ]
    lines = tmp_path / "lines.jsonl"
    lines.write_bytes(orjson.dumps(packages[1]) + b"\n[1, 2]\n")
    docs, errors = _split(list(iter_documents(lines)))
    assert [d.ocid for d in docs] == ["ocds-m-3"]
    assert [e.location for e in errors] == ["line 2"]


def test_integers_beyond_64_bits_in_documents(tmp_path: Path) -> None:
    """yajl refuses them; the reader falls back to ijson's Python backend, nothing repeated."""
    import json

    big = {"ocid": "ocds-m-2", "id": "2", "date": "2020", "tender": {"x": 10**30}}
    first = {"releases": [_release("ocds-m-1", "1", "2020"), big]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(first, indent=1) + json.dumps(dict(big, ocid="ocds-m-3"), indent=1))
    docs, errors = _split(list(iter_documents(path)))
    assert errors == []
    assert [(d.ocid, d.location) for d in docs] == [
        ("ocds-m-1", "releases[0]"),
        ("ocds-m-2", "releases[1]"),
        ("ocds-m-3", "value[1]"),
    ]
    assert docs[1].data["tender"]["x"] == 10**30


def test_where_json_breaks_is_not_guessed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No position is claimed for bytes that are not UTF-8, nor where the search stops."""
    from greenprocure.monitoring.readers import ocds

    first = orjson.dumps(_release("ocds-u-1", "1", "2020-01-01"))
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"releases": [' + first + b', {"ocid": "caf\xe9", "id": "2"}]}')
    docs, errors = _split(list(iter_documents(path, encoding="utf-8")))
    assert [d.ocid for d in docs] == ["ocds-u-1"]
    assert [e.location for e in errors] == ["after releases[0]"]
    assert "malformed JSON" in errors[0].reason
    cut = tmp_path / "cut.json"
    text = b'{"releases": [' + first + b', {"ocid": "ocds-u-2", "id": "2", "v": -5'
    cut.write_bytes(text)
    monkeypatch.setattr(ocds, "_FIND_LIMIT", text.index(b"-5") + 1)  # stops after the "-"
    _docs, errors = _split(list(iter_documents(cut)))
    assert [e.location for e in errors] == ["after releases[0]"]


def test_declared_utf8_skips_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    text = orjson.dumps({"releases": [_release("ocds-b-1", "1", "2020-01-01")]})
    path.write_bytes(codecs.BOM_UTF8 + text)
    for encoding in (None, "utf-8", "UTF8"):
        docs, errors = _split(list(iter_documents(path, encoding=encoding)))
        assert ([d.ocid for d in docs], errors) == (["ocds-b-1"], [])


def test_an_encoding_that_decodes_nothing_is_refused(tmp_path: Path) -> None:
    from greenprocure.errors import InputError

    path = tmp_path / "a.json"
    path.write_bytes(orjson.dumps(_release("ocds-a-1", "1", "2020-01-01")))
    for name in ("undefined", "klingon", "rot13"):
        with pytest.raises(InputError, match="unknown text encoding"):
            list(iter_documents(path, encoding=name))


def test_a_file_that_is_not_json_at_all_cannot_be_read(tmp_path: Path) -> None:
    """Not "read with one record error": the file is refused, naming it and where; yajl's
    message is cut to its first line (it goes on with the raw bytes around the error)."""
    from greenprocure.errors import ParseError

    for name, content in (("text.json", b"hello, not json\n"), ("binary.json", b"\x00\x01,\xff")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ParseError) as raised:
            list(iter_documents(path))
        assert raised.value.file == str(path)
        assert raised.value.record in ("character 0", "byte 0")  # "byte": not UTF-8
        assert "not JSON" in str(raised.value)
        assert "\n" not in str(raised.value)
    # in a zip archive, such a member is one record error and the others are read
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("bad.json", "hello, not json")
        handle.writestr("good.json", orjson.dumps(_release("ocds-z-1", "1", "2020-01-01")))
    docs, errors = _split(list(iter_documents(archive)))
    assert [d.ocid for d in docs] == ["ocds-z-1"]
    assert [e.file for e in errors] == [f"{archive}!bad.json"]
    assert "malformed JSON" in errors[0].reason


def test_a_file_that_is_not_json_is_a_failed_file_on_ingest(tmp_path: Path) -> None:
    from greenprocure.monitoring.engines.duckdb_engine import ingest

    bad = tmp_path / "notes.json"
    bad.write_text("these are notes, not JSON\n")
    good = tmp_path / "r.jsonl"
    good.write_bytes(orjson.dumps(_release("ocds-g-1", "1", "2020-01-01")) + b"\n")
    copy = tmp_path / "notes-copy.json"
    copy.write_text(bad.read_text())
    summary = ingest([bad, good, copy], tmp_path / "m.duckdb")
    # the copy fails with it (not "already in the store": nothing of it was stored)
    assert [f for f, _ in summary.failures] == [str(bad), str(copy)]
    assert summary.files_skipped == ()
    assert "not JSON" in summary.failures[0][1]
    assert summary.errors == 0
    again_good = ingest([good], tmp_path / "m.duckdb")
    assert again_good.files_skipped == (str(good),)  # a stored file is skipped as before
    again = ingest([bad], tmp_path / "m.duckdb")  # not kept as ingested: tried again
    assert [f for f, _ in again.failures] == [str(bad)]
