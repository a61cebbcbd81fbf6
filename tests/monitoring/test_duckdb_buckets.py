"""The DuckDB whole pipeline compiled in buckets of ocids gives what one pass gives.

Inputs larger than ``_BUCKET_BYTES`` are compiled one bucket of ocids (by hash) at a time,
one pass over the input per bucket (bounded memory); here the threshold is lowered so that a
small synthetic file takes that path, and the indicators are compared value by value with
one pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from indicator_checks import assert_same

from greenprocure.monitoring.engines import duckdb_releases
from greenprocure.monitoring.synth import generate


@pytest.mark.slow
def test_buckets_equal_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packages = tmp_path / "packages.jsonl"
    made = generate(2000, packages, seed=21, workers=1)
    by = ["country", "cpv2", "year"]
    one_pass = duckdb_releases.indicators_from_releases([packages], by)
    size = packages.stat().st_size
    monkeypatch.setattr(duckdb_releases, "_BUCKET_BYTES", size // 3)  # 4 buckets
    bucketed = duckdb_releases.indicators_from_releases([packages], by)
    assert assert_same(one_pass, bucketed) > 50
    assert bucketed.lot_rows == one_pass.lot_rows == made.lots
    assert bucketed.errors == one_pass.errors
