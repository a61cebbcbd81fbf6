"""Cutting JSON Lines files into byte ranges: every line read exactly once (no Spark needed)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

pytest.importorskip("pyspark")

from greenprocure.monitoring.engines.spark_lots import (
    COMPILED,
    RELEASES,
    WHOLE,
    _lines,
    plan_tasks,
)
from greenprocure.monitoring.synth import generate


@pytest.mark.parametrize("split", [1, 7, 100, 1000, 10**9])
def test_byte_ranges_cover_every_line_once(tmp_path: Path, split: int) -> None:
    path = tmp_path / "lines.jsonl"
    lines = [b'{"ocid": "x-%d", "tag": ["compiled"]}\n' % n for n in range(50)]
    lines.insert(10, b"\n")
    lines.append(b'{"ocid": "last", "tag": ["compiled"]}')  # no final newline
    path.write_bytes(b"".join(lines))
    tasks = plan_tasks([path], split)
    assert {t[0] for t in tasks} == {COMPILED}
    assert tasks[-1][3] == -1
    seen = [item for _k, p, start, end in tasks for item in _lines(p, start, end)]
    offsets = [offset for offset, _line in seen]
    assert [line for _offset, line in seen] == lines
    assert offsets == sorted(set(offsets))
    assert all(path.read_bytes()[o : o + len(line)] == line for o, line in seen)


def test_layouts_are_recognised(tmp_path: Path, shared_data: Path) -> None:
    generate(30, tmp_path / "p.jsonl", workers=1)
    generate(30, tmp_path / "c.jsonl", form="compiled", workers=1)
    generate(30, tmp_path / "c.jsonl.gz", form="compiled", workers=1)
    document = shared_data / "ocds" / "fictional-example"
    first = sorted(document.rglob("*.json"))[0]
    kinds = {Path(t[1]).name: t[0] for t in plan_tasks(
        [tmp_path / "p.jsonl", tmp_path / "c.jsonl", tmp_path / "c.jsonl.gz", first], 10**9
    )}  # fmt: skip
    assert kinds == {"p.jsonl": RELEASES, "c.jsonl": COMPILED, "c.jsonl.gz": WHOLE,
                     first.name: WHOLE}  # fmt: skip


def test_json_lines_of_records_are_read_whole(tmp_path: Path) -> None:
    """A record (ocid with releases, or a compiled release) is read by the readers, which
    take its compiled release: its embedded releases are not grouped as releases."""
    path = tmp_path / "records.jsonl"
    record = {"ocid": "ocds-r-1", "releases": [{"url": "https://example.org/1"}],
              "compiledRelease": {"ocid": "ocds-r-1", "id": "c", "date": "2024-01-01"}}  # fmt: skip
    path.write_bytes(orjson.dumps(record) + b"\n")
    assert [t[0] for t in plan_tasks([path], 10**9)] == [WHOLE]


def test_large_releases_are_written_in_batches_of_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # releases of tens of KB are written once a batch holds _BATCH_BYTES of them, not
    # 5,000 releases (200 MB of 40 KB releases, held three times over while written)
    pq = pytest.importorskip("pyarrow.parquet")
    from greenprocure.monitoring.engines import spark_lots

    monkeypatch.setattr(spark_lots, "_BATCH_BYTES", 100_000)
    writer = spark_lots.ReleaseWriter(str(tmp_path), "part", "digest", 1)
    release = b'{"ocid": "ocds-1", "description": "' + b"x" * 40_000 + b'"}'
    for number in range(10):
        writer.add(number, f"ocds-{number}", "f.json", f"line {number + 1}", release)
    assert writer.close() == 10
    stored = pq.ParquetFile(tmp_path / "part.parquet")
    # 40 KB each: a batch is written at every third release
    assert stored.metadata.num_row_groups == 4
    table = stored.read()
    assert table.num_rows == 10
    assert table.column("ocid").to_pylist() == [f"ocds-{n}" for n in range(10)]
