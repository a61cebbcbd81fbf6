"""The Spark engine gives the DuckDB engine's indicators row for row (synthetic and real data)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

from greenprocure.errors import StoreError
from greenprocure.monitoring.indicators import INDICATORS, IndicatorResult
from greenprocure.monitoring.synth import generate

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.xdist_group("spark")]

GROUPINGS: tuple[tuple[str, ...], ...] = (
    ("buyer",),
    ("cpv3", "procurement_method", "month"),
)

#: Real files both engines read: OCDS of every layout, green and non-green eForms notices,
#: invalid notices (record errors), and the OCDS conversions of eForms notices.
#: All the real data: every OCDS and eForms file (schemas and codelists included, which are
#: reported, not read, the same way by both engines).
REAL = ("ocds", "eforms")


def _same_value(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-6)
    return bool(left == right)


def assert_same(spark_result: IndicatorResult, duck_result: IndicatorResult) -> None:
    """Same tables, same columns, same rows in the same order (floats to 1e-9)."""
    for kind in ("tables", "totals"):
        left, right = getattr(spark_result, kind), getattr(duck_result, kind)
        assert set(left) == set(right) == set(INDICATORS)
        for name in INDICATORS:
            assert left[name].columns == right[name].columns, name
            assert len(left[name].rows) == len(right[name].rows), name
            for row_left, row_right in zip(left[name].rows, right[name].rows, strict=True):
                same = all(_same_value(a, b) for a, b in zip(row_left, row_right, strict=True))
                assert same, (name, row_left, row_right)


def test_synthetic_packages_and_compiled_give_duckdb_results(spark: Any, tmp_path: Path) -> None:
    from greenprocure.monitoring.engines import duckdb_engine, spark_engine

    compiled = tmp_path / "compiled.jsonl"
    packages = tmp_path / "packages.jsonl"
    generate(2400, compiled, form="compiled", seed=21, green_share=0.35, workers=1)
    generate(2400, packages, seed=21, green_share=0.35, package_size=40, workers=1)
    duck_store = tmp_path / "duck.duckdb"
    duckdb_engine.ingest([compiled], duck_store)
    # Small byte ranges: several tasks per file, releases of one ocid in different tasks.
    split = compiled.stat().st_size // 5
    from_compiled = spark_engine.indicators_from_compiled(
        [compiled], ("country", "year"), split_bytes=split
    )
    from_packages = spark_engine.indicators_from_compiled(
        [packages], ("country", "year"), split_bytes=packages.stat().st_size // 7
    )
    duck = duckdb_engine.compute_indicators(duck_store, ("country", "year"))
    assert from_compiled.lot_rows == from_packages.lot_rows == duck.lot_rows > 1000
    assert from_compiled.errors == from_packages.errors == 0
    assert_same(from_compiled, duck)
    assert_same(from_packages, duck)
    green = from_packages.totals["green_share"].records()[0]
    assert 0.3 < green["green_share_count"] < 0.4

    spark_store = tmp_path / "spark-store"
    summary = spark_engine.ingest([compiled, packages], spark_store, split_bytes=split)
    assert summary.files_ingested == (str(compiled), str(packages))
    assert summary.lot_rows == 2 * duck.lot_rows
    for by in GROUPINGS:
        assert_same(
            spark_engine.compute_indicators(spark_store, by),
            duckdb_engine.compute_indicators(duck_store, by),
        )
    again = spark_engine.ingest([compiled], spark_store)
    assert again.files_skipped == (str(compiled),)
    assert again.lot_rows == 0


def test_real_data_gives_duckdb_results(spark: Any, shared_data: Path, tmp_path: Path) -> None:
    from greenprocure.monitoring.engines import duckdb_engine, expand_inputs, spark_engine

    files = expand_inputs([str(shared_data / pattern) for pattern in REAL])
    assert len(files) > 300
    duck_store = tmp_path / "duck.duckdb"
    spark_store = tmp_path / "spark"
    duck_summary = duckdb_engine.ingest(files, duck_store)
    spark_summary = spark_engine.ingest(files, spark_store)
    assert spark_summary.files_ingested == duck_summary.files_ingested
    assert spark_summary.files_skipped == duck_summary.files_skipped
    assert spark_summary.files_failed == duck_summary.files_failed
    assert spark_summary.lot_rows == duck_summary.lot_rows > 100
    assert spark_summary.errors == duck_summary.errors
    spark_errors = Path(spark_summary.errors_file or "").read_bytes().splitlines()
    duck_errors = Path(duck_summary.errors_file or "").read_bytes().splitlines()
    assert sorted(spark_errors) == sorted(duck_errors)
    for by in (("buyer",), ("country", "cpv2", "year")):
        spark_result = spark_engine.compute_indicators(spark_store, by)
        assert_same(spark_result, duckdb_engine.compute_indicators(duck_store, by))
    total = spark_result.totals["green_share"].records()[0]
    assert 0 < total["lots_unconverted"] < total["lots"]  # PYG, amounts without currency
    # Lot rows written before they said ``unconverted`` or had ``release_date`` are read with
    # the first filled from their other columns and the second empty: the indicators of a
    # DuckDB store whose rows have no release date either
    import duckdb
    import pyarrow.parquet as pq

    for part in (spark_store / "lots").rglob("*.parquet"):
        table = pq.read_table(part).drop_columns(["unconverted", "release_date"])
        pq.write_table(table, part)
    meta = orjson.loads((spark_store / "meta.json").read_bytes())
    assert meta.pop("rows_say_unconverted") is True  # a store made before did not say it
    (spark_store / "meta.json").write_bytes(orjson.dumps(meta))
    older = spark_engine.compute_indicators(spark_store, ("country", "cpv2", "year"))
    con = duckdb.connect(str(duck_store))
    con.execute("UPDATE lot_rows SET release_date = NULL")
    con.close()
    undated = duckdb_engine.compute_indicators(duck_store, ("country", "cpv2", "year"))
    assert_same(older, undated)
    # The 100 lots of cn_24_maximal_100_lots.xml are green with climate-change mitigation.
    goals = spark_engine.compute_indicators(spark_store).totals["goals"].records()
    mitigation = [g for g in goals if g["goal"] == "environmental.climateChangeMitigation"]
    assert mitigation
    assert mitigation[0]["lots"] >= 100


def test_many_groups_are_handed_over_on_disk(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Grouped results above the spill threshold come back as Parquet read in batches (the
    driver does not hold them): same rows in the same order as DuckDB, and as below it."""
    from greenprocure.monitoring.engines import duckdb_engine, duckdb_spill, spark_engine

    compiled = tmp_path / "compiled.jsonl"
    generate(600, compiled, form="compiled", seed=24, green_share=0.4, workers=1)
    by = ("buyer", "cpv3")
    in_memory = spark_engine.indicators_from_compiled([compiled], by)
    assert all(isinstance(t.rows, tuple) for t in in_memory.tables.values())
    monkeypatch.setattr(duckdb_spill, "SPILL_ROWS", 20)
    # several partitions of the sorted result, so several part files to read back in order
    settings = {
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.shuffle.partitions": "4",
    }
    before = {key: spark.conf.get(key, None) for key in settings}
    for key, value in settings.items():
        spark.conf.set(key, value)
    try:
        on_disk = spark_engine.indicators_from_compiled([compiled], by)
    finally:
        for key, value in before.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)
    spilled = [t for t in on_disk.tables.values() if isinstance(t.rows, duckdb_spill.ParquetRows)]
    assert len(spilled) == len(INDICATORS)
    assert all(len(t.rows) > 20 for t in spilled)
    parts = [
        len(list(t.rows.path.parent.glob("*.parquet")))
        for t in spilled
        if isinstance(t.rows, duckdb_spill.ParquetRows)
    ]
    assert min(parts) > 1, parts
    assert_same(on_disk, in_memory)
    assert_same(on_disk, duckdb_engine.indicators_from_compiled([compiled], by))
    folders = [t.rows.path.parent for t in spilled if isinstance(t.rows, duckdb_spill.ParquetRows)]
    del on_disk, spilled
    import gc

    gc.collect()
    assert not any(folder.exists() for folder in folders)


def test_half_written_file_is_not_in_the_store(spark: Any, tmp_path: Path) -> None:
    """Rows without a manifest (an ingest stopped before its end) are ignored and redone."""
    from greenprocure.monitoring.engines import spark_engine

    first = tmp_path / "a.jsonl"
    second = tmp_path / "b.jsonl"
    generate(300, first, form="compiled", seed=1, workers=1)
    generate(300, second, form="compiled", seed=2, workers=1)
    store = tmp_path / "store"
    spark_engine.ingest([first], store)
    before = spark_engine.compute_indicators(store).totals["green_share"].records()
    spark_engine.ingest([second], store)
    manifests = sorted((store / "files").glob("*.json"))
    manifest = next(p for p in manifests if orjson.loads(p.read_bytes())["path"] == str(second))
    manifest.unlink()  # as if the run had stopped after writing the rows
    (store / "lots" / ".deadbeef.tmp").mkdir()
    after = spark_engine.compute_indicators(store)
    assert after.totals["green_share"].records() == before
    assert after.files == 1
    redo = spark_engine.ingest([second], store)
    assert redo.files_ingested == (str(second),)
    assert spark_engine.compute_indicators(store).files == 2


def test_missing_store_is_a_clear_error(spark: Any, tmp_path: Path) -> None:
    from greenprocure.monitoring.engines import spark_engine

    with pytest.raises(StoreError) as caught:
        spark_engine.compute_indicators(tmp_path / "nothing")
    assert "monitor ingest" in str(caught.value)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_spark_driver_does_not_load_duckdb_until_results_come_back() -> None:
    """DuckDB adds about 20 MiB to the driver, whose memory counts beside the JVM's and the
    workers' while they compute: the Spark engine imports it only to read results back."""
    import subprocess
    import sys

    code = (
        "import sys, greenprocure.cli.monitor, greenprocure.monitoring.engines.spark_engine; "
        "print('duckdb' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_declared_encoding_is_read_as_on_duckdb(spark: Any, tmp_path: Path) -> None:
    """A JSON Lines file in ISO-8859-2, larger than a split, is read whole and decoded."""
    from greenprocure.monitoring.engines import duckdb_engine, spark_engine

    name = "Urząd Miasta Łódź"
    releases = [
        {
            "ocid": f"ocds-pl-{n}",
            "id": "1",
            "date": "2024-03-01T00:00:00Z",
            "tag": ["tender"],
            "buyer": {"id": "PL-1", "name": name},
            "tender": {"id": f"t-{n}", "value": {"amount": 1000.0, "currency": "EUR"}},
        }
        for n in range(200)
    ]
    path = tmp_path / "pl.jsonl"
    path.write_bytes(
        b"".join(orjson.dumps(r).decode().encode("iso-8859-2") + b"\n" for r in releases)
    )
    store = tmp_path / "store"
    summary = spark_engine.ingest([path], store, encoding="iso-8859-2", split_bytes=4096)
    assert summary.lot_rows == 200
    table = spark_engine.compute_indicators(store, ["buyer"]).tables["green_share"]
    assert [(r["buyer_name"], r["lots"]) for r in table.records()] == [(name, 200)]
    other = tmp_path / "m.duckdb"
    duckdb_engine.ingest([path], other, encoding="iso-8859-2")
    mine = duckdb_engine.compute_indicators(other, ["buyer"]).tables["green_share"]
    assert mine.records() == table.records()


def test_deduplication_keeps_the_same_copy_as_duckdb(spark: Any) -> None:
    """Copies of a lot told apart by their release dates, their lots' dates and the
    numbers of their places in a file: Spark's dialect keeps the copy DuckDB keeps."""
    import datetime as dt

    import duckdb

    from greenprocure.monitoring.engines.spark_engine import lot_schema
    from greenprocure.monitoring.indicators import indicator_sql
    from greenprocure.monitoring.rows import LOT_COLUMNS

    def row(ocid: str, ref: str, released: dt.date | None, lot: dt.date, green: bool) -> tuple:
        values: dict[str, Any] = {name: None for name, _ in LOT_COLUMNS}
        values.update(
            source_file="a.json",
            source_kind="ocds",
            record_ref=ref,
            ocid=ocid,
            lot_id="",
            buyer_id=ocid,
            release_date=released,
            date=lot,
            year=lot.year,
            is_green=green,
            goals=[],
            strategies=[],
            cvd=False,
            evidence=[],
            reporting_currency="EUR",
        )
        return tuple(values[name] for name, _ in LOT_COLUMNS)

    day = dt.date(2024, 1, 1)
    rows = [
        row("d1", "line 9, releases[12]", None, day, False),
        row("d1", "line 10, releases[0]", None, day, True),
        row("d2", "line 1", dt.date(2024, 3, 1), dt.date(2024, 3, 1), False),
        row("d2", "line 2", dt.date(2024, 6, 1), dt.date(2024, 1, 15), True),
        row("d3", "line 1", None, dt.date(2024, 5, 1), True),
        row("d3", "line 2", dt.date(2024, 4, 1), dt.date(2024, 4, 1), False),
        # a copy without a release date: the copies compared by their lots' dates
        row("d4", "line 1", None, dt.date(2024, 3, 1), True),
        row("d4", "line 2", dt.date(2024, 4, 1), dt.date(2024, 2, 1), False),
        # numbers beyond 64 bits
        row("d5", "notice 5", None, day, False),
        row("d5", "notice 123456789012345678901", None, day, True),
    ]
    spark.createDataFrame(rows, lot_schema()).createOrReplaceTempView("gp_dedup_rows")
    query = indicator_sql("green_share", ["buyer"], table="gp_dedup_rows", dialect="spark")
    spark_rows = [(r["buyer_id"], r["lots"], r["green_lots"]) for r in spark.sql(query).collect()]
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE gp_dedup_rows ("
        + ", ".join(f"{name} {kind}" for name, kind in LOT_COLUMNS)
        + ")"
    )
    con.executemany(
        f"INSERT INTO gp_dedup_rows VALUES ({', '.join('?' for _ in LOT_COLUMNS)})", rows
    )
    cursor = con.execute(indicator_sql("green_share", ["buyer"], table="gp_dedup_rows"))
    names = [d[0] for d in cursor.description or ()]
    duck_rows = [
        (r[names.index("buyer_id")], r[names.index("lots")], r[names.index("green_lots")])
        for r in cursor.fetchall()
    ]
    assert spark_rows == duck_rows == [(f"d{n}", 1, 1) for n in range(1, 6)]


def test_an_empty_file_is_one_record_error_as_on_duckdb(spark: Any, tmp_path: Path) -> None:
    """Empty files (plain, blank lines, gzip) beside compiled releases: one record error
    each on both engines' fast paths and in the store, the other file read alike."""
    import gzip

    from greenprocure.monitoring.engines import duckdb_engine, spark_engine

    compiled = tmp_path / "compiled.jsonl"
    generate(60, compiled, form="compiled", seed=5, workers=1)
    empties = [tmp_path / "empty.jsonl", tmp_path / "blank.jsonl", tmp_path / "e.jsonl.gz"]
    empties[0].write_bytes(b"")
    empties[1].write_bytes(b"\n \n\t\n")
    empties[2].write_bytes(gzip.compress(b""))
    spark_result = spark_engine.indicators_from_compiled([compiled, *empties], ("country",))
    duck = duckdb_engine.indicators_from_compiled([compiled, *empties], ("country",))
    store = tmp_path / "m.duckdb"
    duckdb_engine.ingest([compiled, *empties], store)
    stored = duckdb_engine.compute_indicators(store, ("country",))
    assert spark_result.errors == duck.errors == stored.errors == 3
    assert spark_result.lot_rows == duck.lot_rows == stored.lot_rows > 0
    assert_same(spark_result, duck)
