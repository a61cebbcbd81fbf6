"""A process whose releases are in several files (a publisher's monthly dumps) is compiled
from all of them by ``ingest``, whatever order the files come in, in one process or with
workers: the store then holds what it holds for one file with every release."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
from indicator_checks import ALL_KEYS, assert_same

from greenprocure.monitoring.engines import duckdb_engine, duckdb_release_store
from greenprocure.monitoring.engines.duckdb_engine import (
    compute_indicators,
    indicators_from_releases,
    ingest,
)
from greenprocure.monitoring.synth import iter_processes

#: Columns that say where a row comes from (they differ between layouts by design).
_WHERE = ("source_file", "record_ref")


def _package(releases: list[dict[str, Any]]) -> bytes:
    return orjson.dumps({"uri": "https://example.org/p", "releases": releases})


@pytest.fixture(scope="module")
def monthly(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """About 120 processes of four releases over one year: one file with every release,
    and one file per month of release date (most processes span several)."""
    folder = tmp_path_factory.mktemp("monthly")
    everything: list[dict[str, Any]] = []
    months: dict[str, list[dict[str, Any]]] = {}
    for releases in iter_processes(120, seed=7, releases_per_ocid=4, years=1):
        for release in releases:
            everything.append(release)
            months.setdefault(release["date"][:7], []).append(release)
    whole = folder / "all.json"
    whole.write_bytes(_package(everything))
    files = []
    for month, releases in sorted(months.items()):
        path = folder / f"releases-{month}.json"
        path.write_bytes(_package(releases))
        files.append(path)
    return whole, files


def _rows(store: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        names = [r[0] for r in con.execute("DESCRIBE lot_rows").fetchall()]
        keep = [n for n in names if n not in (*_WHERE, "file_hash")]
        rows = con.execute(f"SELECT {', '.join(keep)} FROM lot_rows").fetchall()
        files, stored = con.execute(
            "SELECT (SELECT SUM(lot_rows) FROM gp_files), (SELECT COUNT(*) FROM lot_rows)"
        ).fetchone() or (0, 0)
    finally:
        con.close()
    assert files == stored  # the files' counts follow the rows merged away
    return sorted(rows, key=repr)


def test_monthly_files_give_the_rows_of_one_file(
    monthly: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    whole, files = monthly
    assert len(files) >= 6
    ingest([whole], tmp_path / "whole.duckdb")
    summary = ingest(files, tmp_path / "monthly.duckdb")
    assert summary.processes_merged > 50
    assert summary.errors == 0
    expected = _rows(tmp_path / "whole.duckdb")
    assert _rows(tmp_path / "monthly.duckdb") == expected
    assert summary.lot_rows == len(expected)  # the rows merged away are not counted
    # every lot once: no process left half compiled in an earlier month's file
    con = duckdb.connect(str(tmp_path / "monthly.duckdb"), read_only=True)
    try:
        duplicated = con.execute(
            "SELECT COUNT(*) FROM (SELECT ocid, lot_id FROM lot_rows GROUP BY ALL "
            "HAVING COUNT(*) > 1)"
        ).fetchone()
    finally:
        con.close()
    assert duplicated == (0,)
    # and the indicators are those of the SQL compile across the same files
    stored = compute_indicators(tmp_path / "monthly.duckdb", ALL_KEYS)
    assert assert_same(stored, indicators_from_releases(files, ALL_KEYS)) > 20


def test_file_order_does_not_matter(monthly: tuple[Path, list[Path]], tmp_path: Path) -> None:
    whole, files = monthly
    shuffled = list(files)
    random.Random(3).shuffle(shuffled)
    first = ingest(shuffled[: len(files) // 2], tmp_path / "m.duckdb")
    second = ingest(shuffled[len(files) // 2 :], tmp_path / "m.duckdb")
    assert first.processes_merged + second.processes_merged > 50
    ingest([whole], tmp_path / "whole.duckdb")
    expected = _rows(tmp_path / "whole.duckdb")
    assert _rows(tmp_path / "m.duckdb") == expected
    assert first.lot_rows + second.lot_rows == len(expected)


def test_workers_merge_the_same(
    monthly: tuple[Path, list[Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, files = monthly
    monkeypatch.setattr(duckdb_engine, "PARALLEL_MIN_BYTES", 0)
    # the merges are compiled in worker processes, a few processes per batch
    monkeypatch.setattr(duckdb_release_store, "_BATCH_PROCESSES", 3)
    monkeypatch.setattr(duckdb_release_store, "_IN_FLIGHT", 2)
    summary = ingest(files, tmp_path / "w.duckdb", workers=2)
    assert summary.processes_merged > 50
    ingest([whole], tmp_path / "whole.duckdb")
    assert _rows(tmp_path / "w.duckdb") == _rows(tmp_path / "whole.duckdb")


@pytest.mark.parametrize("stop", [RuntimeError("a bug"), KeyboardInterrupt()])
def test_a_failed_merge_leaves_the_store_as_before(
    monthly: tuple[Path, list[Path]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    stop: BaseException,
) -> None:
    """A failure in the merge fails the file (reported, the run goes on); a stop of the run
    (an interrupt) stops it: either way nothing of the file is kept."""
    _whole, files = monthly
    store = tmp_path / "m.duckdb"
    ingest(files[:2], store)
    before = _rows(store)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise stop

    monkeypatch.setattr(duckdb_engine, "merge_across_files", broken)
    if isinstance(stop, Exception):
        summary = ingest(files[2:3], store)
        assert summary.failures == ((str(files[2]), "RuntimeError: a bug"),)
    else:
        with pytest.raises(KeyboardInterrupt):
            ingest(files[2:3], store)
    assert _rows(store) == before
    con = duckdb.connect(str(store), read_only=True)
    try:
        kept = con.execute("SELECT COUNT(DISTINCT file_hash) FROM gp_releases").fetchone()
    finally:
        con.close()
    assert kept == (2,)


def _first_tender(folder: Path) -> Path:
    """A file with the first release of process ``ocds-x-1``: a tender with lot L1."""
    path = folder / "a.json"
    path.write_bytes(_package([{"ocid": "ocds-x-1", "id": "1", "date": "2024-01-01",
                                "tender": {"id": "T", "lots": [{"id": "L1"}]}}]))  # fmt: skip
    return path


def _later(folder: Path, releases: list[dict[str, Any]]) -> Path:
    """A later file with ``releases``."""
    path = folder / "b.json"
    path.write_bytes(_package(releases))
    return path


def test_a_process_broken_by_a_later_file_is_reported(tmp_path: Path) -> None:
    """A later release that breaks the schema (lots as an object): the merged process is an
    error of the new file, and the earlier file's row for it no longer counts."""
    first = _first_tender(tmp_path)
    second = _later(tmp_path, [{"ocid": "ocds-x-1", "id": "2", "date": "2024-02-01",
                                "tender": {"id": "T", "lots": {"id": "L2"}}}])  # fmt: skip
    store = tmp_path / "m.duckdb"
    assert ingest([first], store).lot_rows == 1
    summary = ingest([second], store, errors_file=tmp_path / "errors.jsonl")
    assert summary.processes_merged == 1
    assert summary.lot_rows == -1  # the change in the store: the earlier row counts no more
    errors = [orjson.loads(line) for line in (tmp_path / "errors.jsonl").read_bytes().splitlines()]
    # reported once: the merged process (what the file's release gave alone is replaced)
    assert [e["ocid"] for e in errors] == ["ocds-x-1"]
    assert errors[0]["file"] == str(second)
    assert "tender/lots" in errors[0]["reason"]
    assert "1 of earlier files" in errors[0]["location"]
    assert _rows(store) == []


def test_a_process_mended_by_the_merge_is_no_error(tmp_path: Path) -> None:
    """A later release that cannot make rows alone (its tender a string) but merges into an
    earlier tender (a scalar does not replace an object already built): no error, one row."""
    first = _first_tender(tmp_path)
    second = _later(tmp_path, [{"ocid": "ocds-x-1", "id": "2", "date": "2024-02-01", "tender": "x"},
                               {"ocid": "ocds-x-2", "id": "1", "tender": {"id": "T"}}])  # fmt: skip
    store = tmp_path / "m.duckdb"
    ingest([first], store)
    summary = ingest([second], store, errors_file=tmp_path / "errors.jsonl")
    assert summary.processes_merged == 1
    errors = [orjson.loads(line) for line in (tmp_path / "errors.jsonl").read_bytes().splitlines()]
    # the release without date stays an error; the string tender's does not
    assert [(e["ocid"], e["reason"]) for e in errors] == [
        ("ocds-x-2", "field date: missing or not a string")
    ]
    assert summary.errors == 1
    assert [row[2] for row in _rows(store)] == ["L1"]


def test_releases_with_huge_integers_are_kept_and_merged(tmp_path: Path) -> None:
    """An integer beyond 64 bits (kept exact by the readers of a JSON document) in a release
    of a process that a later file continues: stored and merged, not a crash."""
    huge = str(2**70)
    first = tmp_path / "a.json"
    first.write_text(
        '{"releases": [{"ocid": "ocds-x-1", "id": "1", "date": "2024-01-01", '
        '"tender": {"id": "T", "lots": [{"id": "L1", "value": {"amount": ' + huge + ", "
        '"currency": "EUR"}}]}}]}',
        encoding="utf-8",
    )
    second = tmp_path / "b.json"
    second.write_bytes(
        _package([{"ocid": "ocds-x-1", "id": "2", "date": "2024-02-01",
                   "awards": [{"id": "A", "status": "active", "relatedLots": ["L1"],
                               "value": {"amount": 5.0, "currency": "EUR"}}]}])
    )  # fmt: skip
    store = tmp_path / "m.duckdb"
    ingest([first], store)
    summary = ingest([second], store)
    assert (summary.processes_merged, summary.errors) == (1, 0)
    con = duckdb.connect(str(store), read_only=True)
    try:
        row = con.execute("SELECT estimated_value, awarded_value FROM lot_rows").fetchall()
    finally:
        con.close()
    assert row == [(float(2**70), 5.0)]


def test_a_release_reported_late_is_not_kept(tmp_path: Path) -> None:
    """A release that the streaming grouper reports as late (not compiled) is not kept for
    later merges either: what a merge uses is what the file's own compile used."""
    from greenprocure.monitoring.lots import compiled_documents
    from greenprocure.monitoring.readers import Document

    def release(ocid: str, n: int) -> Document:
        data = {"ocid": ocid, "id": str(n), "date": f"2024-01-0{n}"}
        return Document("release", data, "f.json", f"releases[{n}]")

    # sorted by ocid, with repeats: streamed once past the budget of 4; then ocds-a again
    items = [release("ocds-a", 1), release("ocds-a", 2), release("ocds-b", 1),
             release("ocds-b", 2), release("ocds-c", 1), release("ocds-c", 2),
             release("ocds-a", 3)]  # fmt: skip
    kept: list[str] = []
    out = list(compiled_documents(items, 4, releases=lambda d: kept.append(d.location)))
    late = [o for o in out if not isinstance(o, Document)]
    assert [(e.ocid, e.location) for e in late] == [("ocds-a", "releases[3]")]
    assert kept == [f"releases[{n}]" for n in (1, 2, 1, 2, 1, 2)]  # not the late one


def test_a_release_beyond_16_mib_is_kept(tmp_path: Path) -> None:
    """DuckDB reads JSON values up to 16 MiB unless told otherwise: a longer release (the
    readers take lines up to 256 MiB) is kept and merged all the same."""
    long = {"ocid": "ocds-x-1", "id": "1", "date": "2024-01-01", "description": "x" * (17 << 20),
            "tender": {"id": "T", "lots": [{"id": "L1"}]}}  # fmt: skip
    first = tmp_path / "a.json"
    first.write_bytes(_package([long]))
    second = tmp_path / "b.json"
    second.write_bytes(_package([{"ocid": "ocds-x-1", "id": "2", "date": "2024-02-01",
                                  "tender": {"id": "T", "lots": [{"id": "L2"}]}}]))  # fmt: skip
    store = tmp_path / "m.duckdb"
    ingest([first], store)
    summary = ingest([second], store)
    assert (summary.processes_merged, summary.errors, summary.lot_rows) == (1, 0, 1)
    assert sorted(row[2] for row in _rows(store)) == ["L1", "L2"]  # (source_kind, ocid, lot_id)


def test_errors_of_zip_members_are_told_apart(tmp_path: Path) -> None:
    """A zip whose two members hold releases of one process at the same location in each
    (``releases[0]``), the second one undated: when the zip's ingest merges the process with
    an earlier file, the undated release's error stays (only what the zip's own compile of
    the process reported is replaced, and that is told apart by member as well)."""
    import zipfile

    tender = {"id": "T", "lots": [{"id": "L1"}]}
    earlier = tmp_path / "a.json"
    earlier.write_bytes(_package([{"ocid": "ocds-z-1", "id": "0", "date": "2023-12-01",
                                   "tender": tender}]))  # fmt: skip
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("01.json", _package([{"ocid": "ocds-z-1", "id": "1", "date": "2024-01-01",
                                           "tender": tender}]))  # fmt: skip
        out.writestr("02.json", _package([{"ocid": "ocds-z-1", "id": "2", "tender": tender}]))
    store = tmp_path / "m.duckdb"
    ingest([earlier], store)
    summary = ingest([archive], store, errors_file=tmp_path / "errors.jsonl")
    assert (summary.processes_merged, summary.errors) == (1, 1)
    errors = [orjson.loads(line) for line in (tmp_path / "errors.jsonl").read_bytes().splitlines()]
    assert [(e["location"], e["reason"]) for e in errors] == [
        ("line 1, releases[0]", "field date: missing or not a string")
    ]
    assert errors[0]["file"].endswith("02.json")


def test_merge_batches_hold_whole_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export is cut into batches between processes, told apart by the ocid's JSON text
    on each line: ocids holding quotes, backslashes, commas or other scripts included."""
    ocids = ['a","earlier":true', "b\\", 'c\\"', 'd,"earlier":', "e\u00e9\u6771", "f"]
    con = duckdb.connect()
    duckdb_release_store.create_release_table(con)
    for n, ocid in enumerate(ocids * 2):
        release = orjson.dumps({"ocid": ocid, "id": str(n)}).decode()
        con.execute(
            "INSERT INTO gp_releases VALUES (?, ?, ?, ?, 'f.json', ?, ?, 1)",
            ["new" if n >= len(ocids) else "old", n // len(ocids), n, ocid, f"line {n}", release],
        )
    con.execute("CREATE TEMP TABLE gp_touched AS SELECT DISTINCT ocid FROM gp_releases")
    # two releases of one byte each (the size column) per process: a file per process
    monkeypatch.setattr(duckdb_release_store, "_EXPORT_BYTES", 2)
    exports = duckdb_release_store._export_releases(con, "new", tmp_path / "export.jsonl")
    assert len(exports) == len(ocids)
    monkeypatch.setattr(duckdb_release_store, "_BATCH_PROCESSES", 1)
    batches = list(duckdb_release_store._batches(exports))
    assert len(batches) == len(ocids)
    for batch, ocid in zip(batches, sorted(ocids), strict=True):
        lines = [orjson.loads(line) for line in batch.splitlines()]
        assert [line["ocid"] for line in lines] == [ocid, ocid]
        assert [line["earlier"] for line in lines] == [True, False]


def test_long_releases_merge_within_the_ingest_memory(tmp_path: Path) -> None:
    """3,000 releases of 12 KB, the second file continuing every process of the first: the
    merge sorts 36 MB of releases within DuckDB's 256 MB while ingesting (its JSON writer ran
    out of memory on such an export)."""
    pad = "x" * 12_000
    files = []
    for number in range(2):
        releases = [
            {
                "ocid": f"ocds-long-{n}",
                "id": str(number),
                "date": f"2024-0{number + 1}-01T00:00:00Z",
                "description": pad,
                "tender": {"id": "T", "lots": [{"id": "L1"}]},
            }
            for n in range(1_500)
        ]
        path = tmp_path / f"{number}.json"
        path.write_bytes(_package(releases))
        files.append(path)
    summary = ingest(files, tmp_path / "long.duckdb", workers=1)
    assert summary.processes_merged == 1_500
    assert summary.lot_rows == 1_500
    assert summary.errors == 0
