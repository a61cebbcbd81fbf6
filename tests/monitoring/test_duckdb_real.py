"""The DuckDB engine on all the real data, and the fast path against the Python path.

Expected values come from the files themselves: ``cn_24_maximal_100_lots.xml`` (eForms SDK
example) has 100 lots, each with strategic procurement ``env-imp`` and environmental impact
``clim-mitig``; the furniture notices ``00154896_2025.xml``, ``00155175_2025.xml`` and
``german_furniture.xml`` say ``strategic-procurement = none`` on every lot.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import orjson
import pytest
from indicator_checks import ALL_KEYS, assert_same

from greenprocure.monitoring.engines import expand_inputs
from greenprocure.monitoring.engines.duckdb_engine import (
    compute_indicators,
    indicators_from_compiled,
    indicators_from_releases,
    ingest,
)
from greenprocure.monitoring.indicators import IndicatorResult
from greenprocure.monitoring.lots import compiled_documents
from greenprocure.monitoring.readers import iter_documents
from greenprocure.monitoring.synth import generate

CLIMATE = "environmental.climateChangeMitigation"


@pytest.mark.slow
def test_all_real_data_ingests(shared_data: Path, tmp_path: Path) -> None:
    files = expand_inputs([shared_data / "ocds", shared_data / "eforms"])
    store = tmp_path / "m.duckdb"
    summary = ingest(files, store)
    assert summary.files_failed == ()
    assert len(summary.files_ingested) + len(summary.files_skipped) == len(files)
    # identical copies (furniture 00175200_2025.xml = french_furniture.xml) are stored once
    assert summary.files_skipped
    assert summary.lot_rows > 400
    assert summary.errors > 0  # the schema files, records without a date, ...
    result = compute_indicators(store, ["year"])
    total = result.totals["green_share"].records()[0]
    assert total["green_lots"] >= 100
    assert 0 < total["green_share_count"] < 1
    again = ingest(files, store)
    assert again.lot_rows == 0
    assert again.files_ingested == ()


def test_hundred_green_lots(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "eforms" / "sdk-examples" / "cn_24_maximal_100_lots.xml"
    store = tmp_path / "m.duckdb"
    ingest([path], store)
    result = compute_indicators(store)
    total = result.totals["green_share"].records()[0]
    assert total["lots"] == 100
    assert total["green_lots"] == 100
    assert total["green_share_count"] == 1.0
    goals = {r["goal"]: r["lots"] for r in result.totals["goals"].records()}
    assert goals[CLIMATE] == 100


def test_furniture_marked_none_is_not_green(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "eforms" / "furniture-notices"
    paths = [folder / n for n in ("00154896_2025.xml", "00155175_2025.xml", "german_furniture.xml")]
    store = tmp_path / "m.duckdb"
    ingest(paths, store)
    result = compute_indicators(store)
    total = result.totals["green_share"].records()[0]
    assert result.lot_rows == 17  # 15 + 1 + 1 lots
    # german_furniture.xml is a copy of notice 00155175-2025 (same ocid and lot): counted once
    assert total["lots"] == 16
    assert total["green_lots"] == 0
    assert result.totals["goals"].rows == ()


def _compile_to_jsonl(paths: list[Path], target: Path) -> Path:
    with target.open("wb") as handle:
        for path in paths:
            for document in compiled_documents(iter_documents(path)):
                data = getattr(document, "data", None)
                if data is not None:
                    handle.write(orjson.dumps(data) + b"\n")
    return target


def _differential(compiled: Path, tmp_path: Path) -> tuple[IndicatorResult, int]:
    store = tmp_path / "m.duckdb"
    ingest([compiled], store)
    compared = 0
    for by in ([], ["year"], ALL_KEYS):
        python_path = compute_indicators(store, by)
        fast_path = indicators_from_compiled([compiled], by)
        compared += assert_same(python_path, fast_path)
        # records skipped (no ocid, no date, a code that is no currency): the same on both paths
        assert fast_path.errors == python_path.errors
        assert fast_path.lot_rows == python_path.lot_rows
    return python_path, compared


@pytest.mark.slow
def test_fast_path_equals_python_path_on_real_data(shared_data: Path, tmp_path: Path) -> None:
    folders = [shared_data / "ocds", shared_data / "eforms" / "ted-doffin" / "ocds"]
    paths = [p for p in expand_inputs(folders) if p.suffix == ".json"]
    compiled = _compile_to_jsonl(paths, tmp_path / "compiled.jsonl")
    result, compared = _differential(compiled, tmp_path)
    assert compared > 50
    total = result.totals["green_share"].records()[0]
    assert total["lots"] > 100
    assert total["green_lots"] >= 2  # the two ted-doffin releases with lot sustainability


@pytest.mark.slow
def test_fast_path_equals_python_path_on_synthetic_data(tmp_path: Path) -> None:
    compiled = tmp_path / "synthetic.jsonl"
    made = generate(3000, compiled, form="compiled", seed=11, workers=1)
    result, compared = _differential(compiled, tmp_path)
    assert compared > 1000
    total = result.totals["green_share"].records()[0]
    assert total["lots"] == made.lots
    assert total["green_lots"] == made.green_lots
    assert total["lots_with_awarded_value"] > 0
    assert result.totals["strategies"].rows


def _releases_differential(paths: list[Path], tmp_path: Path) -> tuple[IndicatorResult, int]:
    store = tmp_path / "releases.duckdb"
    ingest(paths, store)
    compared = 0
    for by in ([], ALL_KEYS):
        python_path = compute_indicators(store, by)
        sql_path = indicators_from_releases(paths, by)
        compared += assert_same(python_path, sql_path)
        assert sql_path.errors == python_path.errors
        assert sql_path.lot_rows == python_path.lot_rows
    return python_path, compared


@pytest.mark.slow
def test_sql_compile_equals_python_path_on_synthetic_packages(tmp_path: Path) -> None:
    packages = tmp_path / "packages.jsonl"
    made = generate(3000, packages, seed=12, workers=1)  # 3 releases per process
    result, compared = _releases_differential([packages], tmp_path)
    assert compared > 1000
    total = result.totals["green_share"].records()[0]
    assert total["lots"] == made.lots
    assert total["green_lots"] == made.green_lots


#: Every real release package the SQL path reads (UTF-8; the ISO-8859-1 one needs ingest).
REAL_PACKAGES = sorted(
    [
        *(f"realdata/release-package{n}" for n in ("-1.json", "-2.json", "-1-2.json")),
        *(f"realdata/release-package_{n}.json" for n in ("1.0-1", "1.0-2", "1.1-1", "1.1-2")),
        *(f"realdata/release-package_{n}.json" for n in ("split", "record-package")),
        "realdata/release-package_encoding-utf-8.json",
        *(f"fictional-example/ocds-213czf-000-00001{n}.json" for n in ("", "-01-planning")),
        *(f"fictional-example/ocds-213czf-000-00001-0{n}.json" for n in ("2-tender", "4-award")),
        "fictional-example/ocds-213czf-000-00001-03-tenderAmendment.json",
        "fictional-example/ocds-213czf-000-00001-05-contract.json",
        "fictional-example/ocds-213czf-000-00001-06-implementation.json",
    ]
)


def test_every_real_release_package_is_listed(shared_data: Path) -> None:
    folder = shared_data / "ocds"
    found = {
        p.relative_to(folder).as_posix()
        for p in [
            *folder.glob("realdata/release-package*.json"),
            *folder.glob("fictional-example/*.json"),
        ]
        if "iso-8859-1" not in p.name
    }
    assert found == set(REAL_PACKAGES)


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_PACKAGES)
def test_sql_compile_equals_python_path_on_real_packages(
    shared_data: Path, tmp_path: Path, name: str
) -> None:
    # One file at a time: the SQL path compiles an ocid across all files given, the Python
    # path per file.
    _result, compared = _releases_differential([shared_data / "ocds" / name], tmp_path)
    assert compared >= 1


def test_sql_compile_equals_ingest_across_all_real_packages(
    shared_data: Path, tmp_path: Path
) -> None:
    """All at once: processes whose releases are in several files (the fictional example's
    seven stages, the real samples that repeat releases in several packages) are compiled
    across files by both paths. (The store also keeps both copies of a compiled release
    published in two files, which the indicators count once: its row count is not compared.)"""
    paths = [shared_data / "ocds" / name for name in REAL_PACKAGES]
    summary = ingest(paths, tmp_path / "m.duckdb")
    assert summary.processes_merged >= 5  # each ocid merged again by each later file
    compared = 0
    for by in ([], ALL_KEYS):
        python_path = compute_indicators(tmp_path / "m.duckdb", by)
        sql_path = indicators_from_releases(paths, by)
        compared += assert_same(python_path, sql_path)
        assert sql_path.errors == python_path.errors
    assert compared >= 10
    # the fictional example's process: one lot row, compiled from its twelve releases
    con = duckdb.connect(str(tmp_path / "m.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT record_ref FROM lot_rows WHERE ocid = 'ocds-213czf-000-00001'"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("releases[0] (+11 releases, 6 of earlier files)",)]
