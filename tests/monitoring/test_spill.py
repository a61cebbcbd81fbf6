"""Results of very many groups: kept on disk by DuckDB, written out row by row.

A national dataset grouped by buyer, CPV group and month gives hundreds of thousands of
groups; held as Python tuples they took gigabytes (6.6 GiB for 934,318 groups). Here the
spill threshold is lowered so that a small synthetic file exercises the same path, and the
spilled result must equal the one held in memory, in every output format.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import orjson
import pytest

from greenprocure.monitoring.engines import duckdb_spill
from greenprocure.monitoring.engines.duckdb_engine import indicators_from_compiled
from greenprocure.monitoring.engines.duckdb_export import export_indicators, write_csv
from greenprocure.monitoring.synth import generate

KEYS = ["buyer", "cpv3", "month"]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spill") / "compiled.jsonl"
    generate(2000, path, form="compiled", seed=5, workers=1)
    return path


def test_spilled_result_equals_result_in_memory(
    compiled: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    in_memory = indicators_from_compiled([compiled], KEYS)
    monkeypatch.setattr(duckdb_spill, "SPILL_ROWS", 50)
    spilled = indicators_from_compiled([compiled], KEYS)
    table = spilled.tables["green_share"]
    assert isinstance(table.rows, duckdb_spill.ParquetRows)
    assert len(table.rows) > 50
    assert table.rows[0] == in_memory.tables["green_share"].rows[0]
    assert table.rows[-1] == in_memory.tables["green_share"].rows[-1]
    for name in ("green_share", "goals", "strategies"):
        assert list(spilled.tables[name].rows) == list(in_memory.tables[name].rows)
        assert spilled.totals[name].rows == in_memory.totals[name].rows
    # JSON written row by row is the document of the whole result
    streamed = io.BytesIO()
    spilled.write_json(streamed.write)
    whole = orjson.dumps(in_memory.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    document = json.loads(streamed.getvalue())
    expected = json.loads(whole)
    # the two runs differ only in when they were made
    assert document.pop("computed_at")
    assert expected.pop("computed_at")
    assert document == expected
    streamed_memory = io.BytesIO()
    in_memory.write_json(streamed_memory.write)
    assert streamed_memory.getvalue() == whole
    # CSV and Parquet from the file on disk
    text = io.StringIO()
    write_csv(table, text)
    assert len(list(csv.reader(io.StringIO(text.getvalue())))) == len(table.rows) + 1
    written = export_indicators(spilled, tmp_path / "out", "parquet")
    green = next(p for p in written if p.name == "green_share.parquet")
    count = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(green)])
    assert count.fetchone() == (len(table.rows),)


def test_spilled_file_is_removed_with_its_result(
    compiled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(duckdb_spill, "SPILL_ROWS", 50)
    result = indicators_from_compiled([compiled], KEYS)
    rows = result.tables["green_share"].rows
    assert isinstance(rows, duckdb_spill.ParquetRows)
    path = rows.path
    assert path.is_file()
    del result, rows
    import gc

    gc.collect()
    assert not path.exists()


def test_parquet_export_of_rows_spread_over_several_files(tmp_path: Path) -> None:
    """Spark keeps a large grouped table as the part files of a folder (a glob): the
    export writes all their rows, in order, with the columns' own types."""
    from greenprocure.monitoring.engines.duckdb_export import _write_parquet
    from greenprocure.monitoring.indicators import IndicatorTable

    folder = tmp_path / "parts"
    folder.mkdir()
    con = duckdb.connect()
    for part, years in enumerate(((2020, 2021), (2022,))):
        values = ", ".join(f"({y}, CAST({y - 2019} AS HUGEINT))" for y in years)
        target = folder / f"part-{part:05d}.parquet"
        con.execute(
            f"COPY (SELECT * FROM (VALUES {values}) v(year, green_lots)) "
            f"TO '{target}' (FORMAT parquet)"
        )
    rows = duckdb_spill.ParquetRows(folder / "*.parquet", 3, folder)
    table = IndicatorTable(
        name="green_share", by=("year",), columns=("year", "green_lots"), rows=rows
    )
    out = tmp_path / "green_share.parquet"
    _write_parquet(table, out)
    read = con.execute("SELECT * FROM read_parquet(?)", [str(out)])
    assert read.fetchall() == [(2020, 1), (2021, 2), (2022, 3)]
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{out}')").fetchall()
    assert [(r[0], r[1]) for r in described] == [("year", "BIGINT"), ("green_lots", "BIGINT")]
