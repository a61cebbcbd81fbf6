"""Ingest benchmark (issue 5): what merging processes across files costs ``monitor ingest``.

The same synthetic releases (``monitor synth``'s generator; default 240,000 releases of
80,000 processes over four years) are written twice: as one file of release packages, and
split into one file per month of release date, as publishers dump them (most processes then
have releases in two or three files, which the store merges). Each layout is ingested into a
fresh store, alternating, ``--repeat`` times; the table gives the median wall seconds, peak
RSS of the process tree, the store's size, the lot rows and the processes merged, which must
be the same lot rows for both layouts.

    .venv/bin/python benchmarks/ingest_bench.py --releases 240000 --repeat 3 [--workers 1,2]
    .venv/bin/python benchmarks/ingest_bench.py --releases 240000 --engine spark
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import monitoring_bench
from greenprocure.monitoring.synth import iter_processes
from monitoring_bench import BIN, DATA, measure


def write_layouts(folder: Path, releases: int, per_ocid: int = 3) -> tuple[Path, Path]:
    """One file of every release, and a folder of one file per month (100 per package)."""
    whole = folder / "all.jsonl"
    monthly = folder / "monthly"
    monthly.mkdir()
    months: dict[str, list[bytes]] = {}
    batch: list[bytes] = []
    with whole.open("wb") as out:
        for group in iter_processes(-(-releases // per_ocid), releases_per_ocid=per_ocid):
            for release in group:
                text = orjson.dumps(release)
                batch.append(text)
                months.setdefault(release["date"][:7], []).append(text)
                if len(batch) == 100:
                    out.write(b'{"releases":[' + b",".join(batch) + b"]}\n")
                    batch = []
        if batch:
            out.write(b'{"releases":[' + b",".join(batch) + b"]}\n")
    for month, texts in months.items():
        with (monthly / f"{month}.jsonl").open("wb") as out:
            for start in range(0, len(texts), 100):
                out.write(b'{"releases":[' + b",".join(texts[start : start + 100]) + b"]}\n")
    return whole, monthly


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description="ingest across files (issue 5)")
    parser.add_argument("--releases", type=int, default=240_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument(
        "--workers",
        default="1",
        help="comma-separated --workers values to run each layout with (DuckDB: with 2 or "
        "more, several files are read in worker processes and the processes they continue "
        "are compiled again in another pool; one file is read in one process)",
    )
    parser.add_argument(
        "--pss",
        action="store_true",
        help="sum the proportional set size of the process tree instead of its RSS (pages "
        "shared by Spark's forked Python workers counted once)",
    )
    args = parser.parse_args()
    monitoring_bench.PSS = args.pss
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DATA) as scratch_text:
        scratch = Path(scratch_text)
        whole, monthly = write_layouts(scratch, args.releases)
        layouts = {"one file": whole, f"{len(list(monthly.iterdir()))} monthly files": monthly}
        sizes = {label: _size(path) for label, path in layouts.items()}
        results: dict[tuple[str, str], list[tuple[float, int, int, dict[str, object]]]] = {}
        workers = [w.strip() for w in args.workers.split(",") if w.strip()]
        for run in range(args.repeat):
            for (label, source), count in itertools.product(layouts.items(), workers):
                store = scratch / f"store-{run}-{count}-{len(results.get((label, count), []))}"
                if args.engine == "duckdb":
                    store = store.with_suffix(".duckdb")
                summary = scratch / "summary.json"
                command = [
                    str(BIN / "greenprocure"), "monitor", "ingest", str(source),
                    "--engine", args.engine, "--store", str(store), "--workers", count, "--json",
                ]  # fmt: skip
                seconds, peak, code = measure(command, stdout=summary)
                if code:
                    raise SystemExit(f"{label}: exit code {code}")
                data = json.loads(summary.read_text(encoding="utf-8"))
                results.setdefault((label, count), []).append((seconds, peak, _size(store), data))
                if store.is_dir():
                    shutil.rmtree(store)
                else:
                    store.unlink()
                    Path(f"{store}.errors.jsonl").unlink(missing_ok=True)
    print(
        f"{args.releases:,} releases, engine {args.engine}, {args.repeat} runs each (alternating)"
    )
    print()
    memory = "peak PSS MiB" if args.pss else "peak RSS MiB"
    print(
        f"| input | workers | seconds (each run) | {memory} | store MB | lot rows "
        "| processes merged |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (label, count), runs in results.items():
        seconds = [r[0] for r in runs]
        each = ", ".join(f"{s:.1f}" for s in seconds)
        data = runs[0][3]
        print(
            f"| {label} ({sizes[label] / 1e6:.0f} MB) | {count} | "
            f"{statistics.median(seconds):.1f} ({each}) | "
            f"{max(r[1] for r in runs) / 2**20:.0f} | {runs[0][2] / 1e6:.0f} | "
            f"{data['lot_rows']:,} | {data['processes_merged']:,} |"
        )


if __name__ == "__main__":
    main()
