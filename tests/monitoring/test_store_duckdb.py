"""The DuckDB store: content-hash deduplication, one transaction per file, errors file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest

from greenprocure.errors import StoreError, ValidationError
from greenprocure.monitoring.engines import duckdb_engine
from greenprocure.monitoring.engines.duckdb_engine import compute_indicators, ingest
from greenprocure.monitoring.rows import RecordError

OCDS = Path("ocds") / "realdata"


def _counts(store: Path) -> tuple[int, int, int]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        row = con.execute(
            "SELECT (SELECT COUNT(*) FROM gp_files), (SELECT COUNT(*) FROM lot_rows), "
            "(SELECT COUNT(*) FROM record_errors)"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


@pytest.fixture
def sample(shared_data: Path, tmp_path: Path) -> list[Path]:
    """Three real OCDS files copied into tmp_path."""
    names = ["release-package-1.json", "record-package-2.json", "compiled-release-1.json"]
    copies = []
    for name in names:
        target = tmp_path / name
        shutil.copy(shared_data / OCDS / name, target)
        copies.append(target)
    return copies


def test_ingest_twice_adds_nothing(sample: list[Path], tmp_path: Path) -> None:
    store = tmp_path / "store" / "m.duckdb"
    first = ingest(sample, store)
    assert len(first.files_ingested) == 3
    assert first.lot_rows > 0
    before = _counts(store)
    assert before[0] == 3
    again = ingest(sample, store)
    assert again.files_ingested == ()
    assert len(again.files_skipped) == 3
    assert again.lot_rows == 0
    assert _counts(store) == before


def test_same_content_under_another_name_is_skipped(sample: list[Path], tmp_path: Path) -> None:
    store = tmp_path / "m.duckdb"
    ingest(sample[:1], store)
    renamed = tmp_path / "renamed.json"
    shutil.copy(sample[0], renamed)
    summary = ingest([renamed], store)
    assert summary.files_skipped == (str(renamed),)


def test_interrupted_file_leaves_store_unchanged(
    sample: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "m.duckdb"
    ingest(sample[:1], store)
    before = _counts(store)
    real_rows = duckdb_engine._rows

    def broken(
        path: Path, currency: str, encoding: str | None, log: Any, on_bytes: Any = None
    ) -> Iterator[Any]:
        rows = real_rows(path, currency, encoding, log, on_bytes)
        yield next(rows)  # one row is in the open transaction when the failure comes
        raise KeyboardInterrupt  # the run is stopped

    monkeypatch.setattr(duckdb_engine, "_rows", broken)
    with pytest.raises(KeyboardInterrupt):
        ingest(sample[1:], store)
    assert _counts(store) == before
    monkeypatch.setattr(duckdb_engine, "_rows", real_rows)
    resumed = ingest(sample, store)
    assert len(resumed.files_skipped) == 1
    assert len(resumed.files_ingested) == 2


def test_an_unforeseen_failure_fails_its_file_and_the_run_goes_on(
    sample: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "m.duckdb"
    real_rows = duckdb_engine._rows

    def broken_first(
        path: Path, currency: str, encoding: str | None, log: Any, on_bytes: Any = None
    ) -> Iterator[Any]:
        rows = real_rows(path, currency, encoding, log, on_bytes)
        yield next(rows)
        if path == sample[0]:
            raise RuntimeError("a bug met in this file")
        yield from rows

    monkeypatch.setattr(duckdb_engine, "_rows", broken_first)
    summary = ingest(sample[:2], store)
    assert summary.failures == ((str(sample[0]), "RuntimeError: a bug met in this file"),)
    assert summary.files_ingested == (str(sample[1]),)
    alone = ingest(sample[1:2], tmp_path / "alone.duckdb")
    # nothing of the failed file was kept
    assert _counts(store) == _counts(tmp_path / "alone.duckdb")
    assert alone.files_ingested == (str(sample[1]),)


def test_many_rows_are_batched_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More rows than one batch: all committed together, or none when the file fails."""
    source = tmp_path / "big.json"
    source.write_text("{}", encoding="utf-8")
    template = {
        "source_file": str(source),
        "source_kind": "ocds",
        "lot_id": "",
        "is_green": False,
        "goals": [],
        "strategies": [],
        "cvd": False,
        "evidence": [],
        "reporting_currency": "EUR",
    }
    count = duckdb_engine._BATCH * 2 + 7

    def rows(
        path: Path, currency: str, encoding: str | None, log: Any, on_bytes: Any = None
    ) -> Iterator[Any]:
        for index in range(count):
            yield {**template, "ocid": f"o{index}", "record_ref": f"line {index + 1}"}
        yield RecordError(str(path), "line 99999", None, "not an object")

    monkeypatch.setattr(duckdb_engine, "_rows", rows)
    store = tmp_path / "m.duckdb"
    summary = ingest([source], store)
    assert summary.lot_rows == count
    assert summary.errors == 1
    assert _counts(store) == (1, count, 1)
    result = compute_indicators(store)
    assert result.totals["green_share"].records()[0]["lots"] == count
    assert result.lot_rows == count
    assert result.errors == 1


def test_errors_file_lists_record_errors(shared_data: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b'{"ocid": "ocds-x-1", "tender": {"id": "1"}}\n{"ocid": "ocds-x-2", \n')
    odd = tmp_path / "odd.jsonl"  # a compiled release in a code that is no currency
    odd.write_bytes(
        orjson.dumps(
            {
                "ocid": "ocds-x-3",
                "id": "1",
                "date": "2020-01-01",
                "tag": ["compiled"],
                "tender": {"value": {"amount": 5, "currency": "XQZ"}},
            }
        )
        + b"\n"
    )
    paths = [shared_data / OCDS / "release-package_1.1-1.json", broken, odd]
    errors_file = tmp_path / "errors.jsonl"
    summary = ingest(paths, tmp_path / "m.duckdb", errors_file=errors_file)
    lines = [orjson.loads(line) for line in errors_file.read_bytes().splitlines()]
    assert summary.errors >= 2
    assert summary.errors + len(summary.failures) == len(lines)
    for line in lines:
        assert set(line) == {"file", "location", "ocid", "reason"}
        assert line["reason"]
    currency = [line for line in lines if "XQZ" in line["reason"]]
    assert [(line["ocid"], line["file"]) for line in currency] == [("ocds-x-3", str(odd))]
    # a real currency without reference rates (PYG) is no error: its lots count unconverted
    assert not [line for line in lines if "PYG" in line["reason"]]
    malformed = [line for line in lines if line["file"] == str(broken)]
    assert [line["location"] for line in malformed] == ["line 1", "line 2"]
    assert "malformed JSON" in malformed[1]["reason"]
    assert _counts(tmp_path / "m.duckdb") == (3, summary.lot_rows, summary.errors)


def test_reporting_currency_is_fixed_per_store(sample: list[Path], tmp_path: Path) -> None:
    store = tmp_path / "m.duckdb"
    ingest(sample[:1], store, reporting_currency="EUR")
    with pytest.raises(ValidationError, match="holds values in EUR"):
        ingest(sample[1:], store, reporting_currency="USD")


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no monitoring store"):
        compute_indicators(tmp_path / "absent.duckdb")


def test_progress_reports_every_byte_and_record(sample: list[Path], tmp_path: Path) -> None:
    seen = {"bytes": 0, "records": 0}

    def progress(done: int, records: int) -> None:
        assert done >= 0
        assert records >= 0
        seen["bytes"] += done
        seen["records"] += records

    store = tmp_path / "m.duckdb"
    summary = ingest(sample, store, progress=progress)
    assert seen["bytes"] == sum(p.stat().st_size for p in sample)
    assert seen["records"] == summary.lot_rows + summary.errors
    ingest(sample, store, progress=progress)  # skipped files still advance the bar
    assert seen["bytes"] == 2 * sum(p.stat().st_size for p in sample)


def test_unreadable_file_is_reported_and_the_run_goes_on(
    sample: list[Path], tmp_path: Path
) -> None:
    folder = tmp_path / "not-a-file.json"
    folder.mkdir()
    summary = ingest([folder, sample[0]], tmp_path / "m.duckdb")
    assert summary.files_failed == (str(folder),)
    assert summary.failures[0][0] == str(folder)
    assert summary.files_ingested == (str(sample[0]),)


@pytest.mark.slow
def test_parallel_ingest_gives_the_same_store(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted((shared_data / "eforms" / "furniture-notices").glob("*.xml"))
    files += [shared_data / OCDS / "release-package_1.1-1.json"]  # PYG: counted, unconverted
    one = ingest(files, tmp_path / "one.duckdb")
    monkeypatch.setattr(duckdb_engine, "PARALLEL_MIN_BYTES", 0)
    two = ingest(files, tmp_path / "two.duckdb", workers=2)
    assert two.files_ingested == one.files_ingested
    assert two.files_skipped == one.files_skipped  # identical copies are stored once
    assert (two.lot_rows, two.errors) == (one.lot_rows, one.errors)
    assert _counts(tmp_path / "two.duckdb") == _counts(tmp_path / "one.duckdb")
    a = compute_indicators(tmp_path / "one.duckdb", ["country"]).tables["green_share"].rows
    b = compute_indicators(tmp_path / "two.duckdb", ["country"]).tables["green_share"].rows
    assert a == b
    again = ingest(files, tmp_path / "two.duckdb", workers=2)
    assert again.lot_rows == 0
    assert not list(tmp_path.glob("gp-ingest-*"))  # no scratch file left


def test_store_of_layout_2_is_upgraded_with_unconverted_filled(
    shared_data: Path, sample: list[Path], tmp_path: Path
) -> None:
    """A store written before lot rows said ``unconverted`` (layout 2) is upgraded when
    opened, even read-only: the column is filled from the other columns and the indicators
    are those of a store written now."""
    pyg = tmp_path / "pyg.json"  # an award in PYG, which has no reference rate
    shutil.copy(shared_data / OCDS / "release-package_1.0-1.json", pyg)
    store = tmp_path / "m.duckdb"
    ingest([*sample, pyg], store)
    now = compute_indicators(store, ["year"])
    # the PYG award, and an estimated amount without a currency code in record-package-2
    assert now.totals["green_share"].records()[0]["lots_unconverted"] == 2
    con = duckdb.connect(str(store))
    con.execute("ALTER TABLE lot_rows DROP COLUMN unconverted")
    con.execute("ALTER TABLE lot_rows DROP COLUMN release_date")
    con.execute("UPDATE gp_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    upgraded = compute_indicators(store, ["year"])  # opens the store read-only
    assert upgraded.tables["green_share"].records() == now.tables["green_share"].records()
    con = duckdb.connect(str(store), read_only=True)
    try:
        version = con.execute("SELECT value FROM gp_meta WHERE key = 'schema_version'").fetchone()
        flagged = con.execute("SELECT count(*) FROM lot_rows WHERE unconverted").fetchone()
    finally:
        con.close()
    assert version == (duckdb_engine.SCHEMA_VERSION,)
    assert flagged == (2,)


def test_store_of_layout_3_is_upgraded_and_takes_new_files(
    sample: list[Path], tmp_path: Path
) -> None:
    """A store written before lot rows had ``release_date`` (layout 3) is upgraded when
    opened: its rows keep a NULL release date (deduplicated by their lots' dates, as
    before), and files ingested afterwards are stored with theirs."""
    store = tmp_path / "m.duckdb"
    ingest(sample[:1], store)
    now = compute_indicators(store, ["year"])
    con = duckdb.connect(str(store))
    con.execute("ALTER TABLE lot_rows DROP COLUMN release_date")
    con.execute("UPDATE gp_meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    upgraded = compute_indicators(store, ["year"])  # opens the store read-only
    assert upgraded.tables["green_share"].records() == now.tables["green_share"].records()
    later = ingest(sample[1:], store)
    assert later.lot_rows > 0
    con = duckdb.connect(str(store), read_only=True)
    try:
        version = con.execute("SELECT value FROM gp_meta WHERE key = 'schema_version'").fetchone()
        dated = con.execute(
            "SELECT count(*) FILTER (WHERE release_date IS NOT NULL), count(*) FROM lot_rows"
        ).fetchone()
    finally:
        con.close()
    assert version == (duckdb_engine.SCHEMA_VERSION,) == ("4",)
    assert dated is not None
    assert 0 < dated[0] < dated[1]  # the new file's rows are dated, the old ones not


def test_store_of_layout_2_that_cannot_be_written_says_why(
    sample: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-only, a store of layout 2 is upgraded through a writable connection: when that
    cannot be had (another program, a read-only file) the error names the upgrade."""
    store = tmp_path / "m.duckdb"
    ingest(sample, store)
    con = duckdb.connect(str(store))
    con.execute("ALTER TABLE lot_rows DROP COLUMN unconverted")
    con.execute("ALTER TABLE lot_rows DROP COLUMN release_date")
    con.execute("UPDATE gp_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    opened = duckdb_engine.connect_store

    def busy(path: Path, **options: Any) -> duckdb.DuckDBPyConnection:
        if not options.get("read_only"):
            raise StoreError(
                "cannot open the monitoring store {store}: {reason}",
                store=str(path),
                reason="Could not set lock on file",
            )
        return opened(path, **options)

    monkeypatch.setattr(duckdb_engine, "connect_store", busy)
    with pytest.raises(
        StoreError, match=r"version 2: it is upgraded to 4 once.*Could not set lock"
    ):
        compute_indicators(store)
    monkeypatch.undo()
    assert compute_indicators(store).totals["green_share"].records()[0]["lots"] > 0


def test_running_out_of_memory_stops_the_run(
    sample: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unlike a failure of one file, no memory left is not a file's fault: the run stops
    (and the store keeps nothing of that file)."""
    store = tmp_path / "m.duckdb"
    ingest(sample[:1], store)
    before = _counts(store)

    def exhausted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        raise MemoryError
        yield  # a generator, as the real one

    monkeypatch.setattr(duckdb_engine, "_rows", exhausted)
    with pytest.raises(MemoryError):
        ingest(sample[1:], store)
    assert _counts(store) == before


def test_a_store_path_with_a_question_mark_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    """DuckDB takes ? in a database path for a URL's query (the first commit then failed
    with a raw TransactionException): refused with an error naming the store."""
    from greenprocure.monitoring.engines.duckdb_engine import connect_store

    store = tmp_path / "a?b" / "m.duckdb"
    with pytest.raises(StoreError, match=r"holds \?") as caught:
        connect_store(store)
    assert str(store) in str(caught.value)
    assert not store.parent.exists()


@pytest.mark.parametrize("name", ["lots.csv", "lots.parquet", "notes.json", "other.duckdb"])
def test_a_file_that_is_no_duckdb_database_is_not_taken_for_a_store(
    sample: list[Path], tmp_path: Path, name: str
) -> None:
    # DuckDB opened a CSV, Parquet or JSON file as a database in memory: the run said
    # "stored" and kept nothing
    path = tmp_path / name
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(StoreError, match="is not a monitoring store"):
        ingest(sample[:1], path)
    with pytest.raises(StoreError, match="is not a monitoring store"):
        compute_indicators(path)
    assert path.read_bytes() == b"a,b\n1,2\n"


def test_a_new_store_may_have_any_name(sample: list[Path], tmp_path: Path) -> None:
    store = tmp_path / "lots.csv"  # absent: made as a DuckDB database, kept on disk
    summary = ingest(sample[:1], store)
    assert summary.lot_rows > 0
    assert _counts(store)[1] == summary.lot_rows
