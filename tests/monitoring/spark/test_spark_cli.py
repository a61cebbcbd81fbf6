"""``greenprocure monitor ... --engine spark``: the command line reaches the Spark engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from greenprocure.cli.app import main
from greenprocure.monitoring.synth import generate

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.xdist_group("spark")]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code in (0, None), capsys.readouterr().err
    return capsys.readouterr().out


def test_ingest_indicators_and_report_on_spark(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "packages.jsonl"
    generate(900, data, seed=8, workers=1)
    spark_store = tmp_path / "spark-store"
    duck_store = tmp_path / "duck.duckdb"
    summary = orjson.loads(_run(["monitor", "ingest", str(data), "--engine", "spark",
                                 "--store", str(spark_store), "--json"], capsys))  # fmt: skip
    assert summary["files_ingested"] == [str(data)]
    assert summary["lot_rows"] > 300
    _run(["monitor", "ingest", str(data), "--store", str(duck_store), "--json"], capsys)
    common = ["--by", "year", "--format", "json"]
    on_spark = orjson.loads(_run(["monitor", "indicators", "--engine", "spark", "--store",
                                  str(spark_store), *common], capsys))  # fmt: skip
    on_duck = orjson.loads(_run(["monitor", "indicators", "--store", str(duck_store), *common],
                                capsys))  # fmt: skip
    assert on_spark["engine"] == "spark"
    spark_rows = on_spark["indicators"]["green_share"]["rows"]
    duck_rows = on_duck["indicators"]["green_share"]["rows"]
    assert [r["year"] for r in spark_rows] == [r["year"] for r in duck_rows]
    assert [r["green_lots"] for r in spark_rows] == [r["green_lots"] for r in duck_rows]
    assert [r["awarded_value"] for r in spark_rows] == pytest.approx(
        [r["awarded_value"] for r in duck_rows], rel=1e-9
    )
    report = tmp_path / "report.html"
    _run(["monitor", "report", "--engine", "spark", "--store", str(spark_store),
          "--output", str(report), "--lang", "ko"], capsys)  # fmt: skip
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html
    assert 'lang="ko"' in html


def test_errors_lists_the_same_record_errors_on_both_engines(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.jsonl"
        good = {"ocid": f"o-{name}", "id": "1", "date": "2024-01-01", "tag": ["compiled"]}
        path.write_bytes(orjson.dumps(good) + b"\n{not json\n")
        files.append(path)
    listed = {}
    for engine, store in (("spark", tmp_path / "s"), ("duckdb", tmp_path / "d.duckdb")):
        for path in files:  # two runs: the errors file is the second's only
            _run(["monitor", "ingest", str(path), "--engine", engine, "--store", str(store)],
                 capsys)  # fmt: skip
        out = tmp_path / f"{engine}.jsonl"
        _run(["monitor", "errors", "--engine", engine, "--store", str(store), "--output",
              str(out)], capsys)  # fmt: skip
        listed[engine] = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [(e["file"], e["location"]) for e in listed["spark"]] == [
        (str(files[0]), "line 2"),
        (str(files[1]), "line 2"),
    ]
    assert listed["spark"] == listed["duckdb"]
