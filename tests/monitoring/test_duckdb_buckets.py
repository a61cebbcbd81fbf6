"""The DuckDB whole pipeline compiled in buckets of ocids gives what one pass gives.

Inputs larger than ``_BUCKET_BYTES`` are compiled one bucket of ocids (by hash) at a time,
one pass over the input per bucket (bounded memory); here the threshold is lowered so that a
small synthetic file takes that path, and the indicators are compared value by value with
one pass.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from greenprocure.monitoring.engines import duckdb_releases
from greenprocure.monitoring.indicators import IndicatorResult
from greenprocure.monitoring.synth import generate


def _same(a: IndicatorResult, b: IndicatorResult) -> int:
    compared = 0
    for kind in ("tables", "totals"):
        for name, table in getattr(a, kind).items():
            other = getattr(b, kind)[name]
            assert table.columns == other.columns
            assert len(table.rows) == len(other.rows), (kind, name)
            for row, row_b in zip(table.rows, other.rows, strict=True):
                for value, value_b in zip(row, row_b, strict=True):
                    if isinstance(value, float) and isinstance(value_b, float):
                        assert math.isclose(value, value_b, rel_tol=1e-9, abs_tol=1e-6)
                    else:
                        assert value == value_b, (kind, name, row, row_b)
                compared += 1
    return compared


@pytest.mark.slow
def test_buckets_equal_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packages = tmp_path / "packages.jsonl"
    made = generate(2000, packages, seed=21, workers=1)
    by = ["country", "cpv2", "year"]
    one_pass = duckdb_releases.indicators_from_releases([packages], by)
    size = packages.stat().st_size
    monkeypatch.setattr(duckdb_releases, "_BUCKET_BYTES", size // 3)  # 4 buckets
    bucketed = duckdb_releases.indicators_from_releases([packages], by)
    assert _same(one_pass, bucketed) > 50
    assert bucketed.lot_rows == one_pass.lot_rows == made.lots
    assert bucketed.errors == one_pass.errors
