"""Damaged compressed input is a file that cannot be read, like any other: a ``.gz`` cut
short or corrupt, a ``.zip`` that is not a zip archive, a zip member cut short or failing
its CRC. The file is named in the failures (with the bytes of content read and, when
known, the line reached), nothing of it is stored and the run goes on with the next file,
in one process and with workers, from the library and from the command line."""

from __future__ import annotations

import gzip
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import orjson
import pytest
from typer.testing import CliRunner

from greenprocure.cli.app import build_app
from greenprocure.errors import InputError
from greenprocure.i18n import use_language
from greenprocure.monitoring import IngestSummary, iter_documents, iter_notices
from greenprocure.monitoring.engines import duckdb_engine
from greenprocure.monitoring.engines.duckdb_engine import ingest
from greenprocure.monitoring.readers import _source
from greenprocure.monitoring.rows import RecordError
from greenprocure.monitoring.synth import generate


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small JSON Lines file of release packages (about 30 kB)."""
    path = tmp_path_factory.mktemp("lines") / "p.jsonl"
    generate(60, path, seed=31, workers=1, package_size=5)
    return path.read_bytes()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.jsonl"
    generate(30, path, seed=32, workers=1)
    return path


def _cut_gz(path: Path, content: bytes) -> Path:
    packed = gzip.compress(content)
    path.write_bytes(packed[: len(packed) // 2])
    return path


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _member_cut_short(path: Path, content: bytes) -> Path:
    """A zip archive whose one (stored) member has only half its bytes, its directory
    sound: reading the member runs out of data (``EOFError``)."""
    raw = bytearray(_zip(path, {"a.jsonl": content}).read_bytes())
    start = 30 + len("a.jsonl")  # local header, then the data
    end = start + len(content) // 2
    directory = raw.rfind(b"PK\x01\x02")
    cut = raw[:end] + raw[directory:]
    struct.pack_into("<I", cut, cut.rfind(b"PK\x05\x06") + 16, end)  # where the directory is
    path.write_bytes(bytes(cut))
    return path


def _member_bad_crc(path: Path, content: bytes) -> Path:
    """A zip archive whose one (stored) member has a byte changed: it fails its CRC-32."""
    raw = bytearray(_zip(path, {"a.jsonl": content}).read_bytes())
    raw[30 + len("a.jsonl") + len(content) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    return path


def _member_bad_deflate(path: Path, content: bytes) -> Path:
    """A zip archive whose one deflated member has zeros in the middle of its data."""
    raw = bytearray(_zip(path, {"a.jsonl": content}, zipfile.ZIP_DEFLATED).read_bytes())
    size = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("a.jsonl").compress_size
    middle = 30 + len("a.jsonl") + size // 2
    raw[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(raw))
    return path


def _member_gz_cut_short(path: Path, content: bytes) -> Path:
    """A sound zip archive whose member is a ``.jsonl.gz`` cut short."""
    packed = gzip.compress(content)
    return _zip(path, {"a.jsonl.gz": packed[: len(packed) // 2]})


def _member_encrypted(path: Path, content: bytes) -> Path:
    """A member flagged as encrypted in both of its headers (zipfile reads none without a
    password; its writer clears the flag, so the bytes are set afterwards)."""
    _zip(path, {"a.jsonl": content})
    data = bytearray(path.read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + flags
        data[at] |= 0x1
    path.write_bytes(bytes(data))
    return path


def _stored(store: Path) -> tuple[int, int, list[str]]:
    """(files, lot rows, source files of the rows) in the store."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        files = con.execute("SELECT COUNT(*) FROM gp_files").fetchone()
        rows = con.execute("SELECT COUNT(*) FROM lot_rows").fetchone()
        sources = con.execute("SELECT DISTINCT source_file FROM lot_rows").fetchall()
    finally:
        con.close()
    assert files is not None
    assert rows is not None
    return files[0], rows[0], sorted(s[0] for s in sources)


def _check_failed(summary: IngestSummary, bad: Path, good: Path) -> str:
    """The bad file failed, named; the good one is stored; the bad one's reason."""
    assert summary.files_failed == (str(bad),)
    assert summary.files_ingested == (str(good),)
    assert summary.lot_rows > 0
    [(name, reason)] = summary.failures
    assert name == str(bad)
    # the failure is listed with the file: its reason does not name it again
    # (a zip member's name stays)
    assert not reason.startswith((f"file {bad}:", f"file {bad},"))
    return str(reason)


def test_gz_cut_short_is_a_file_that_cannot_be_read(
    tmp_path: Path, lines: bytes, good: Path
) -> None:
    bad = _cut_gz(tmp_path / "cut.jsonl.gz", lines)
    store = tmp_path / "m.duckdb"
    summary = ingest([bad, good], store)
    reason = _check_failed(summary, bad, good)
    assert "cut short after" in reason
    assert "bytes of content" in reason
    files, rows, sources = _stored(store)
    assert (files, rows, sources) == (1, summary.lot_rows, [str(good)])
    assert summary.errors_file is not None
    errors = [orjson.loads(line) for line in Path(summary.errors_file).read_bytes().splitlines()]
    assert any(e["file"] == str(bad) and "cut short" in e["reason"] for e in errors)


def test_gz_cut_after_rows_were_read_keeps_nothing_of_it(
    tmp_path: Path, lines: bytes, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut past the part looked at first: rows read before the cut are not kept, and the
    error says the line reached and how much content was read."""
    monkeypatch.setattr(_source, "_SNIFF", 1024)
    bad = _cut_gz(tmp_path / "cut.jsonl.gz", lines)
    store = tmp_path / "m.duckdb"
    reason = _check_failed(ingest([bad, good], store), bad, good)
    assert "record line " in reason
    offset = int(reason.split("cut short after ")[1].split(" ")[0])
    assert 0 < offset < len(lines)
    assert _stored(store)[2] == [str(good)]


def test_reader_raises_one_error_naming_the_file(tmp_path: Path, lines: bytes) -> None:
    bad = _cut_gz(tmp_path / "cut.jsonl.gz", lines)
    with pytest.raises(InputError) as caught:
        list(iter_documents(bad))
    assert caught.value.file == str(bad)
    assert caught.value.params["offset"] >= 0
    with use_language("ko"):
        assert "압축 데이터" in caught.value.localized()
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"x\n")
    for read in (iter_documents, iter_notices):
        with pytest.raises(InputError, match="File is not a zip file") as caught:
            list(read(not_zip))
        assert caught.value.file == str(not_zip)


def test_damaged_notice_is_still_one_record_error(tmp_path: Path) -> None:
    """A notice whose compressed data is corrupt (``zlib.error``) is a record error, as one
    cut short is."""
    text = random.Random(1).randbytes(20000).hex().encode()
    raw = bytearray(gzip.compress(b"<Notice>" + text + b"</Notice>"))
    raw[len(raw) // 3 : len(raw) // 3 + 8] = bytes(8)
    with pytest.raises(zlib.error):
        gzip.decompress(bytes(raw))
    notice = tmp_path / "n.xml.gz"
    notice.write_bytes(bytes(raw))
    [error] = list(iter_notices(notice))
    assert isinstance(error, RecordError)
    assert error.file == str(notice)
    assert error.reason.startswith("cannot read")


def test_not_a_zip_archive(tmp_path: Path, good: Path) -> None:
    bad = tmp_path / "corrupt.zip"
    bad.write_bytes(b"x\n")
    store = tmp_path / "m.duckdb"
    reason = _check_failed(ingest([bad, good], store), bad, good)
    assert "File is not a zip file" in reason
    assert _stored(store)[2] == [str(good)]


@pytest.mark.parametrize(
    ("damage", "member", "said"),
    [
        (_member_cut_short, "a.jsonl", "EOFError"),
        (_member_bad_crc, "a.jsonl", "Bad CRC-32"),
        (_member_bad_deflate, "a.jsonl", "cut short after"),
        (_member_gz_cut_short, "a.jsonl.gz", "Compressed file ended"),
        (_member_encrypted, "a.jsonl", "encrypted"),
    ],
)
def test_damaged_zip_member(
    tmp_path: Path,
    lines: bytes,
    good: Path,
    damage: Callable[[Path, bytes], Path],
    member: str,
    said: str,
) -> None:
    bad = damage(tmp_path / "damaged.zip", lines)
    store = tmp_path / "m.duckdb"
    reason = _check_failed(ingest([bad, good], store), bad, good)
    assert f"{bad}!{member}" in reason
    assert said in reason
    assert _stored(store)[2] == [str(good)]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), list(args), env={"COLUMNS": "240"})
    return result.exit_code, result.output


def test_command_line_goes_on_after_a_damaged_file(
    tmp_path: Path, lines: bytes, good: Path
) -> None:
    """Exit code and summary as for a ``.gz`` that is not gzip at all (already handled)."""
    not_gzip = tmp_path / "plain.jsonl.gz"
    not_gzip.write_bytes(lines[:1000])
    code_before, _ = _run("monitor", "ingest", str(not_gzip), "--store", str(tmp_path / "a.duckdb"))
    assert code_before == 3  # done, but some files could not be read
    cut = _cut_gz(tmp_path / "cut.jsonl.gz", lines)
    not_zip = tmp_path / "corrupt.zip"
    not_zip.write_bytes(b"x\n")
    args = [str(cut), str(not_zip), str(good), "--store", str(tmp_path / "m.duckdb")]
    code, output = _run("monitor", "ingest", *args, "--json")
    assert code == code_before, output
    summary = orjson.loads(output[output.index("{") :])
    assert summary["files_failed"] == [str(cut), str(not_zip)]
    assert summary["files_ingested"] == [str(good)]
    code, output = _run("monitor", "ingest", *args[:3], "--store", str(tmp_path / "n.duckdb"))
    assert code == code_before, output
    assert "Files that could not be read" in output
    assert "Traceback" not in output
    assert "Aborted" not in output


@pytest.mark.slow
def test_damaged_files_with_workers(
    tmp_path: Path, lines: bytes, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(duckdb_engine, "PARALLEL_MIN_BYTES", 0)
    cut = _cut_gz(tmp_path / "cut.jsonl.gz", lines)
    member = _member_cut_short(tmp_path / "member.zip", lines)
    not_zip = tmp_path / "corrupt.zip"
    not_zip.write_bytes(b"x\n")
    store = tmp_path / "m.duckdb"
    summary = ingest([cut, member, not_zip, good], store, workers=2)
    assert summary.files_failed == (str(cut), str(member), str(not_zip))
    assert summary.files_ingested == (str(good),)
    reasons = dict(summary.failures)
    assert "cut short after" in reasons[str(cut)]
    assert f"{member}!a.jsonl" in reasons[str(member)]
    assert "File is not a zip file" in reasons[str(not_zip)]
    assert _stored(store)[2] == [str(good)]
    assert not list(tmp_path.glob("gp-ingest-*"))  # no scratch file left


def test_the_errors_file_lists_an_unreadable_file_in_english_with_its_location(
    tmp_path: Path,
) -> None:
    """Whatever the run's language (its summary is in it), the errors file says why a file
    could not be read in English, with where it breaks as the location."""
    bad = tmp_path / "notjson.json"
    bad.write_bytes(b"hello world")
    errors = tmp_path / "errors.jsonl"
    with use_language("zh"):
        summary = ingest([bad], tmp_path / "m.duckdb", errors_file=errors)
    [(name, reason)] = summary.failures
    assert name == str(bad)
    assert "不是 JSON" in reason
    [line] = [orjson.loads(text) for text in errors.read_bytes().splitlines()]
    assert line["file"] == str(bad)
    assert line["location"] == "character 0"
    assert line["reason"].startswith("not JSON: ")
