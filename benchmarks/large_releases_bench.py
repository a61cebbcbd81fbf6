"""Large releases (issue 5, peak memory): ``monitor ingest`` of releases of about 40 KB each.

Publishers' releases are mostly 1-3 KB, but some carry dozens of documents, items and
amendments. This benchmark writes two files of JSON Lines release packages (100 releases a
line) of such releases: ``A`` holds each process's tender and award, ``B`` its contract and
an amendment, later (so the second file continues every process of the first and the store
merges them all). The releases are ``monitor synth``'s, with ``planning/documents`` added
(fields the indicators do not read; seeded text, so the files are the same on every run).

``monitor ingest A B`` runs into a fresh store per engine and run; the table gives the wall
seconds, the peak RSS of the process tree (sampled every 50 ms with psutil) and which
processes held it at that moment (the main process, the JVM, Python workers).

    .venv/bin/python benchmarks/large_releases_bench.py --processes 4000 --engines duckdb,spark

``--env NAME=VALUE`` (repeatable) sets an environment variable of the runs, e.g.
``GREENPROCURE_SPARK_DRIVER_MEMORY=448m``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from greenprocure.monitoring.synth import iter_processes
from monitoring_bench import BIN, DATA

_WORDS = [
    "contract",
    "notice",
    "tender",
    "lot",
    "supply",
    "works",
    "service",
    "energy",
    "vehicle",
    "building",
    "school",
    "road",
    "water",
    "waste",
    "heating",
    "lighting",
    "cleaning",
    "catering",
    "furniture",
    "paper",
    "computer",
    "maintenance",
    "framework",
    "agreement",
    "amendment",
    "clarification",
    "annex",
    "specification",
    "drawing",
    "schedule",
]


def _documents(rng: random.Random, target: int) -> list[dict[str, Any]]:
    """Documents of about ``target`` bytes in all."""
    documents: list[dict[str, Any]] = []
    size = 0
    while size < target:
        text = " ".join(rng.choice(_WORDS) for _ in range(150))
        documents.append(
            {
                "id": f"D{len(documents) + 1}",
                "documentType": "tenderNotice",
                "title": text[:60],
                "description": text,
                "url": f"https://example.org/d/{rng.randrange(10**9)}",
            }
        )
        size += len(text) + 120
    return documents


def write_files(folder: Path, processes: int, release_kb: int) -> tuple[Path, Path]:
    """Files ``A`` (each process's first two releases) and ``B`` (the others)."""
    rng = random.Random(7)
    first, second = folder / "A.jsonl", folder / "B.jsonl"
    batches: dict[Path, list[bytes]] = {first: [], second: []}
    with first.open("wb") as out_a, second.open("wb") as out_b:
        outs = {first: out_a, second: out_b}
        for group in iter_processes(processes, releases_per_ocid=4):
            for number, release in enumerate(group):
                release["planning"] = {"documents": _documents(rng, release_kb * 1000)}
                target = first if number < 2 else second
                batches[target].append(orjson.dumps(release))
                if len(batches[target]) == 100:
                    outs[target].write(b'{"releases":[' + b",".join(batches[target]) + b"]}\n")
                    batches[target] = []
        for target, batch in batches.items():
            if batch:
                outs[target].write(b'{"releases":[' + b",".join(batch) + b"]}\n")
    return first, second


def _kind(process: psutil.Process) -> str:
    name = process.name()
    if "java" in name:
        return "JVM"
    try:
        command = " ".join(process.cmdline())
    except psutil.Error:
        command = ""
    if "pyspark" in command or "daemon" in command or "worker" in command:
        return "Spark Python workers"
    if "spawn_main" in command or "resource_tracker" in command:
        return "worker processes"  # DuckDB's readers and merge workers
    return "main" if "greenprocure" in command else name


def run(command: list[str], env: dict[str, str]) -> tuple[float, int, dict[str, int], int]:
    """Wall seconds, peak RSS of the tree (bytes), its parts at the peak, and exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **env}
    )
    peak, parts = 0, {}
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, parts
        try:
            parent = psutil.Process(process.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            seen: dict[str, int] = {}
            try:
                members = [parent, *parent.children(recursive=True)]
            except psutil.Error:
                break
            for member in members:
                try:
                    rss = member.memory_info().rss
                    kind = _kind(member)
                except psutil.Error:
                    continue
                seen[kind] = seen.get(kind, 0) + rss
            total = sum(seen.values())
            if total > peak:
                peak, parts = total, seen
            stop.wait(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _out, err = process.communicate()
    stop.set()
    watcher.join()
    if process.returncode:
        sys.stderr.write(err.decode("utf-8", "replace")[-1500:])
    return time.perf_counter() - started, peak, parts, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description="ingest of large releases (issue 5)")
    parser.add_argument("--processes", type=int, default=4000)
    parser.add_argument("--release-kb", type=int, default=40)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the runs")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    DATA.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(dir=DATA) as scratch_text:
        scratch = Path(scratch_text)
        first, second = write_files(scratch, args.processes, args.release_kb)
        sizes = f"A {first.stat().st_size / 1e6:.0f} MB + B {second.stat().st_size / 1e6:.0f} MB"
        for engine in args.engines.split(","):
            runs = []
            for number in range(args.repeat):
                store = scratch / f"store-{engine}-{number}"
                if engine == "duckdb":
                    store = store.with_suffix(".duckdb")
                command = [
                    str(BIN / "greenprocure"), "monitor", "ingest", str(first), str(second),
                    "--engine", engine, "--store", str(store), "--json",
                ]  # fmt: skip
                seconds, peak, parts, code = run(command, env)
                if code:
                    raise SystemExit(f"{engine}: exit code {code}")
                runs.append((seconds, peak, parts))
                shutil.rmtree(store, ignore_errors=True)
                store.unlink(missing_ok=True)
                Path(f"{store}.wal").unlink(missing_ok=True)
                Path(f"{store}.errors.jsonl").unlink(missing_ok=True)
            rows.append((engine, runs))
    print(f"{args.processes:,} processes, releases of about {args.release_kb} KB, {sizes}")
    if env:
        print(f"environment: {json.dumps(env)}")
    print()
    print("| engine | seconds (each run) | peak RSS MiB (tree, each run) | at the peak (MiB) |")
    print("|---|---:|---:|---|")
    for engine, runs in rows:
        each = ", ".join(f"{r[0]:.1f}" for r in runs)
        peaks = ", ".join(f"{r[1] / 2**20:.0f}" for r in runs)
        top = max(runs, key=lambda r: r[1])[2]
        held = ", ".join(f"{k} {v / 2**20:.0f}" for k, v in sorted(top.items()))
        median = statistics.median(r[0] for r in runs)
        print(f"| {engine} | {median:.1f} ({each}) | {peaks} | {held} |")


if __name__ == "__main__":
    main()
