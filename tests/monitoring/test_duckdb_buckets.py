"""The DuckDB whole pipeline compiled in buckets of ocids gives what one pass gives.

Inputs larger than ``_BUCKET_BYTES`` are compiled one bucket of ocids (by hash) at a time,
one pass over the input per bucket (bounded memory); here the threshold is lowered so that a
small synthetic file takes that path, and the indicators are compared value by value with
one pass.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from indicator_checks import assert_same

from greenprocure.errors import ParseError
from greenprocure.monitoring.engines import duckdb_releases
from greenprocure.monitoring.engines.duckdb_compiled import needed_columns
from greenprocure.monitoring.indicators import parse_group_keys
from greenprocure.monitoring.synth import generate


@pytest.mark.slow
def test_buckets_equal_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packages = tmp_path / "packages.jsonl"
    made = generate(2000, packages, seed=21, workers=1)
    by = ["country", "cpv2", "year"]
    one_pass = duckdb_releases.indicators_from_releases([packages], by)
    size = packages.stat().st_size
    monkeypatch.setattr(duckdb_releases, "_BUCKET_BYTES", size // 3)
    monkeypatch.setattr(duckdb_releases, "_LEAN_BUCKET_BYTES", size // 3)
    tried = _counted_buckets(monkeypatch)
    bucketed = duckdb_releases.indicators_from_releases([packages], by)
    assert tried == [-(-size // (size // 3))]  # three or four buckets
    assert tried[0] >= 3
    assert assert_same(one_pass, bucketed) > 50
    assert bucketed.lot_rows == one_pass.lot_rows == made.lots
    assert bucketed.errors == one_pass.errors


def test_out_of_memory_retries_with_more_buckets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bucket that runs out of DuckDB's memory makes the merge start again from the
    staged releases with twice as many buckets; the result is the one-pass result."""
    packages = tmp_path / "packages.jsonl"
    generate(300, packages, seed=22, workers=1)
    by = ["country", "cpv2", "year"]
    one_pass = duckdb_releases.indicators_from_releases([packages], by)
    merges = duckdb_releases._bucket_merges
    tried: list[int] = []

    def short_of_memory(
        con: duckdb.DuckDBPyConnection, buckets: int, fields: duckdb_releases.ReleaseFields
    ) -> list[str]:
        tried.append(buckets)
        if buckets < 4:
            con.execute("CREATE TEMP TABLE gp_base_0 AS SELECT 1 AS x")  # left half made
            raise duckdb.OutOfMemoryException("Out of Memory Error: test")
        return merges(con, buckets, fields)

    monkeypatch.setattr(duckdb_releases, "_bucket_merges", short_of_memory)
    retried = duckdb_releases.indicators_from_releases([packages], by)
    assert tried == [1, 2, 4]
    assert assert_same(one_pass, retried) > 10
    assert retried.lot_rows == one_pass.lot_rows


def test_out_of_memory_at_the_most_buckets_is_a_parse_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packages = _small_packages(tmp_path)
    monkeypatch.setattr(duckdb_releases, "_MAX_BUCKETS", 2)
    _always_short_of_memory(monkeypatch, [])
    with pytest.raises(ParseError, match="Out of Memory Error: test") as caught:
        duckdb_releases.indicators_from_releases([packages], ["country"])
    assert str(packages) in str(caught.value)


def test_doubling_stops_at_the_most_buckets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packages = _small_packages(tmp_path)
    monkeypatch.setattr(duckdb_releases, "_MAX_BUCKETS", 3)
    tried: list[int] = []
    _always_short_of_memory(monkeypatch, tried)
    with pytest.raises(ParseError, match="Out of Memory Error: test"):
        duckdb_releases.indicators_from_releases([packages], ["country"])
    assert tried == [1, 2, 3]


def test_out_of_memory_in_the_indicators_is_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More buckets do not help the indicators, which read the narrow lot rows."""
    packages = _small_packages(tmp_path)
    tried = _counted_buckets(monkeypatch)

    def short_of_memory(*args: object, **kwargs: object) -> None:
        raise duckdb.OutOfMemoryException("Out of Memory Error: indicators")

    monkeypatch.setattr(duckdb_releases, "indicators_from_made_rows", short_of_memory)
    with pytest.raises(ParseError, match="Out of Memory Error: indicators"):
        duckdb_releases.indicators_from_releases([packages], ["country"])
    assert tried == [1]


def _small_packages(tmp_path: Path) -> Path:
    packages = tmp_path / "packages.jsonl"
    generate(50, packages, seed=23, workers=1)
    return packages


def _counted_buckets(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The bucket counts the merges are made with, noted as they are tried."""
    merges = duckdb_releases._bucket_merges
    tried: list[int] = []

    def counted(
        con: duckdb.DuckDBPyConnection, buckets: int, fields: duckdb_releases.ReleaseFields
    ) -> list[str]:
        tried.append(buckets)
        return merges(con, buckets, fields)

    monkeypatch.setattr(duckdb_releases, "_bucket_merges", counted)
    return tried


def _always_short_of_memory(monkeypatch: pytest.MonkeyPatch, tried: list[int]) -> None:
    """Every merge runs out of memory; the bucket counts tried are noted in ``tried``."""

    def short_of_memory(
        con: duckdb.DuckDBPyConnection, buckets: int, fields: duckdb_releases.ReleaseFields
    ) -> list[str]:
        tried.append(buckets)
        raise duckdb.OutOfMemoryException("Out of Memory Error: test")

    monkeypatch.setattr(duckdb_releases, "_bucket_merges", short_of_memory)


def test_only_the_fields_the_keys_read_are_parsed_and_sized_for() -> None:
    """Keys that read no names, procurement method or category leave those fields out of
    the parsed structure, and such a merge is sized for larger buckets."""
    fields = duckdb_releases.ReleaseFields.for_columns(
        needed_columns(parse_group_keys(["country", "year"]))
    )
    assert fields == duckdb_releases.ReleaseFields(
        cpv=False, names=False, method=False, category=False
    )
    lean = duckdb_releases.release_structure(fields)
    assert set(lean["buyer"]) == {"id", "address"}
    assert set(lean["parties"][0]) == {"id", "roles", "address"}
    assert "procurementMethod" not in lean["tender"]
    assert "mainProcurementCategory" not in lean["tender"]
    assert "mainProcurementCategory" not in lean["tender"]["lots"][0]
    assert "items" not in lean["tender"]
    assert "items" not in lean["awards"][0]
    full = duckdb_releases.ReleaseFields.for_columns(
        needed_columns(parse_group_keys(["buyer", "cpv2", "procurement_method"]))
    )
    assert full == duckdb_releases.ReleaseFields(cpv=True, names=True, method=True, category=False)
    assert duckdb_releases.release_structure(duckdb_releases.ALL_FIELDS) == (
        duckdb_releases.RELEASE_STRUCTURE
    )
    two_gb = 2_000_000_000
    assert duckdb_releases._bucket_count(two_gb, fields) == 3
    assert duckdb_releases._bucket_count(two_gb, duckdb_releases.ALL_FIELDS) == 4
    with_names = duckdb_releases.ReleaseFields(cpv=False, names=True, method=False, category=False)
    assert duckdb_releases._bucket_count(two_gb, with_names) == 4
