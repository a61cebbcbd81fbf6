"""Processes whose releases are in several files, in the Spark store: the same lot rows,
indicators, counts and errors as the DuckDB store, ingested in one run or in several."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from test_spark_engine import assert_same

from greenprocure.monitoring.synth import iter_processes

pytestmark = pytest.mark.spark

BY = ("buyer", "cpv2", "month")


def _package(releases: list[dict[str, Any]]) -> bytes:
    return orjson.dumps({"uri": "https://example.org/p", "releases": releases})


@pytest.fixture(scope="module")
def monthly(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """About 80 processes of four releases over one year, one release package per month,
    and a file in which one process breaks the schema once merged."""
    folder = tmp_path_factory.mktemp("monthly")
    months: dict[str, list[dict[str, Any]]] = {}
    for releases in iter_processes(80, seed=11, releases_per_ocid=4, years=1):
        for release in releases:
            months.setdefault(release["date"][:7], []).append(release)
    files = []
    for month, releases in sorted(months.items()):
        path = folder / f"releases-{month}.json"
        path.write_bytes(_package(releases))
        files.append(path)
    first = months[min(months)][0]
    broken = {"ocid": first["ocid"], "id": "broken", "date": "2099-01-01T00:00:00Z",
              "tender": {"id": "x", "lots": {"id": "L"}}}  # fmt: skip
    files.append(folder / "later.json")
    files[-1].write_bytes(_package([broken]))
    return files


def _both(files: list[Path], runs: list[list[Path]], tmp_path: Path) -> tuple[Any, Any]:
    from greenprocure.monitoring.engines import duckdb_engine, spark_engine

    duck: list[Any] = []
    spark: list[Any] = []
    for run in runs:
        duck.append(duckdb_engine.ingest(run, tmp_path / "d.duckdb"))
        spark.append(spark_engine.ingest(run, tmp_path / "s"))
    for left, right in zip(spark, duck, strict=True):
        assert left.lot_rows == right.lot_rows
        assert left.errors == right.errors
        assert left.processes_merged == right.processes_merged
        spark_lines = Path(left.errors_file).read_bytes().splitlines()
        duck_lines = Path(right.errors_file).read_bytes().splitlines()
        assert sorted(spark_lines) == sorted(duck_lines)
    spark_result = spark_engine.compute_indicators(tmp_path / "s", BY)
    duck_result = duckdb_engine.compute_indicators(tmp_path / "d.duckdb", BY)
    assert_same(spark_result, duck_result)
    assert spark_result.lot_rows == duck_result.lot_rows == sum(r.lot_rows for r in duck)
    return spark, duck


def test_one_run_merges_as_duckdb(spark: Any, monthly: list[Path], tmp_path: Path) -> None:
    runs, _duck = _both(monthly, [monthly], tmp_path)
    assert runs[0].processes_merged > 40
    assert runs[0].errors == 1  # the process the broken release ends, merged


def test_several_runs_merge_as_duckdb(spark: Any, monthly: list[Path], tmp_path: Path) -> None:
    half = len(monthly) // 2
    runs, _duck = _both(monthly, [monthly[:half], monthly[half:-1], monthly[-1:]], tmp_path)
    assert runs[1].processes_merged > 20
    assert runs[2].processes_merged == 1


def test_files_that_share_no_process_are_stored(spark: Any, tmp_path: Path) -> None:
    """Release files with no process in common (in one run, then another): nothing to
    merge, every file stored, as on DuckDB."""
    files = []
    for n in range(3):
        path = tmp_path / f"p{n}.json"
        path.write_bytes(
            _package([{"ocid": f"ocds-u-{n}", "id": "1", "date": "2024-01-01",
                       "tender": {"id": "T", "lots": [{"id": "L1"}]}}])
        )  # fmt: skip
        files.append(path)
    runs, _duck = _both(files, [files[:2], files[2:]], tmp_path)
    assert [r.processes_merged for r in runs] == [0, 0]
    assert [len(r.files_ingested) for r in runs] == [2, 1]


def test_large_files_read_in_ranges_merge_as_duckdb(spark: Any, tmp_path: Path) -> None:
    """Files cut into byte ranges (Spark's path for large JSON Lines) check their releases
    as the readers do: a release without date is an error and is not kept, a compiled
    release gives its rows as it is; the merge then matches DuckDB's."""
    from greenprocure.monitoring.engines import duckdb_engine, spark_engine

    lots = {"id": "T", "lots": [{"id": "L1"}, {"id": "L2"}]}
    lines = [
        {"releases": [{"ocid": "ocds-r-1", "id": "1", "date": "2024-01-01", "tender": lots},
                      {"ocid": "ocds-r-2", "id": "1", "tender": lots}]},
        {"releases": [{"ocid": "ocds-r-3", "id": "1", "date": "2024-01-03", "tag": ["compiled"],
                       "tender": lots}]},
    ] * 40  # fmt: skip
    first = tmp_path / "big.jsonl"
    first.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    second = tmp_path / "later.json"
    second.write_bytes(
        _package([{"ocid": "ocds-r-1", "id": "2", "date": "2024-02-01",
                   "awards": [{"id": "A", "status": "active", "relatedLots": ["L2"],
                               "value": {"amount": 9.0, "currency": "EUR"}}]}])
    )  # fmt: skip
    duck = [duckdb_engine.ingest([f], tmp_path / "d.duckdb") for f in (first, second)]
    spark_runs = [
        spark_engine.ingest([first], tmp_path / "s", split_bytes=1024),
        spark_engine.ingest([second], tmp_path / "s"),
    ]
    for left, right in zip(spark_runs, duck, strict=True):
        assert (left.lot_rows, left.errors, left.processes_merged) == (
            right.lot_rows,
            right.errors,
            right.processes_merged,
        )
    assert duck[0].errors == 40  # the releases without date
    assert duck[1].processes_merged == 1
    assert_same(
        spark_engine.compute_indicators(tmp_path / "s", BY),
        duckdb_engine.compute_indicators(tmp_path / "d.duckdb", BY),
    )


def test_errors_a_merge_replaces_are_dropped_as_on_duckdb(spark: Any, tmp_path: Path) -> None:
    """A release that cannot make rows alone but merges into an earlier tender: its error
    goes, as on DuckDB; a release without date stays an error."""
    first = tmp_path / "a.json"
    first.write_bytes(
        _package([{"ocid": "ocds-x-1", "id": "1", "date": "2024-01-01",
                   "tender": {"id": "T", "lots": [{"id": "L1"}]}}])
    )  # fmt: skip
    second = tmp_path / "b.json"
    second.write_bytes(
        _package([{"ocid": "ocds-x-1", "id": "2", "date": "2024-02-01", "tender": "x"},
                  {"ocid": "ocds-x-2", "id": "1", "tender": {"id": "T"}}])
    )  # fmt: skip
    runs, _duck = _both([first, second], [[first], [second]], tmp_path)
    assert (runs[1].processes_merged, runs[1].errors) == (1, 1)


def test_zip_members_merge_as_duckdb(spark: Any, tmp_path: Path) -> None:
    """A zip merged with an earlier file, its members holding releases of one process at
    the same location: same rows, errors and counts as DuckDB."""
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
    runs, _duck = _both([earlier, archive], [[earlier], [archive]], tmp_path)
    assert (runs[1].processes_merged, runs[1].errors) == (1, 1)


def test_an_earlier_files_error_for_a_merged_process_is_replaced_as_on_duckdb(
    spark: Any, tmp_path: Path
) -> None:
    """A process that breaks the schema in one file and is continued in two later files:
    each merge's error replaces the one before, so the store counts and lists one error for
    it (its last), on both engines."""
    from greenprocure.monitoring.engines import duckdb_engine, spark_engine

    def release(number: int, **sections: Any) -> dict[str, Any]:
        return {"ocid": "ocds-e-1", "id": str(number), "date": f"2024-0{number}-01", **sections}

    files = []
    for name, releases in (
        ("a.json", [release(1, tender={"id": "T"}), release(2, awards="broken"),
                    {"ocid": "ocds-e-2", "id": "1", "date": "2024-01-01", "tender": "x"}]),
        ("b.json", [release(3, contracts=[{"id": "C1"}])]),
        ("c.json", [release(4, contracts=[{"id": "C2"}])]),
    ):  # fmt: skip
        files.append(tmp_path / name)
        files[-1].write_bytes(_package(releases))
    _both(files, [[files[0]], [files[1]], [files[2]]], tmp_path)
    for engine, store in ((duckdb_engine, tmp_path / "d.duckdb"), (spark_engine, tmp_path / "s")):
        listed = [(e["file"], e["ocid"]) for e in engine.stored_errors(store)]
        # ocds-e-2's own error stays; ocds-e-1's is the last file's merge's
        assert sorted(listed) == [(str(files[0]), "ocds-e-2"), (str(files[2]), "ocds-e-1")]
        assert engine.compute_indicators(store, BY).errors == 2


def test_a_zip_archives_merge_error_is_replaced_as_on_duckdb(spark: Any, tmp_path: Path) -> None:
    """A zip archive's merge error names the archive; a later file's merge replaces it on
    both engines."""
    import zipfile

    from greenprocure.monitoring.engines import duckdb_engine, spark_engine

    def release(number: int, tender: Any) -> bytes:
        date = f"2024-0{number}-01T00:00:00Z"
        return orjson.dumps({"ocid": "Z", "id": f"r{number}", "date": date, "tender": tender})

    first, archive, last = tmp_path / "z.jsonl", tmp_path / "a.zip", tmp_path / "b.jsonl"
    first.write_bytes(release(1, "x") + b"\n")
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("a.jsonl", release(2, "y") + b"\n")
    last.write_bytes(release(3, {"id": "T", "lots": [{"id": "L1"}]}) + b"\n")
    _both([first, archive, last], [[first], [archive], [last]], tmp_path)
    for engine, store in ((duckdb_engine, tmp_path / "d.duckdb"), (spark_engine, tmp_path / "s")):
        assert list(engine.stored_errors(store)) == []
        assert engine.compute_indicators(store, BY).errors == 0
