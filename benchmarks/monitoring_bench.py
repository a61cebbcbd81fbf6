"""Monitoring benchmarks (issue 5): speed and peak memory of the indicator pipeline.

    .venv/bin/python benchmarks/monitoring_bench.py --gb 2.0 --small-gb 0.5

Generates synthetic OCDS data under ``benchmarks/data/`` (``greenprocure monitor synth``,
seed 1: release packages and the compiled releases of the same processes), then runs each
contender as a child process, timing it and sampling the resident memory of its whole
process tree (the process and all its children, e.g. the Spark JVM and Python workers) every
50 ms with psutil (``--pss``: the proportional set size, where a page shared by n processes
counts 1/n in each, instead of the resident set size). It prints a Markdown table.

Contenders:

indicators over compiled releases (grouped by country and year, with totals)
    ``baseline``  benchmarks/baselines/python_orjson_indicators.py (one pass, Python + orjson)
    ``duckdb``    ``greenprocure monitor indicators --compiled F`` (DuckDB fast path)
    ``duckdb-groups``  the same grouped by buyer, cpv2, month, procurement_method and
                  main_category (about a million groups at 2 GB), written as JSON to a file:
                  the memory of a result far larger than the country-by-year one
    ``spark``     ``greenprocure monitor indicators --engine spark --compiled F``
    ``cardinal``  ``ocdscardinal.coverage(F)`` (PyPI ocdscardinal, Rust) reading the same file
whole pipeline from release packages (compile included)
    ``ocdskit``   ``ocdskit compile --schema <eForms profile schema>`` < packages > /dev/null
    ``ingest``    ``greenprocure monitor ingest`` (DuckDB store) then ``monitor indicators``
    ``duckdb-pipeline``  ``greenprocure monitor indicators --releases PACKAGES`` (DuckDB
                  compiles the releases in SQL on the indicator fields)
    ``spark``     ``greenprocure monitor indicators --engine spark --compiled PACKAGES``
                  (releases grouped by ocid in Spark's shuffle, compiled in Python workers)

The DuckDB results and the baseline's are compared value by value (relative 1e-9) and the
table says whether they agree. ``--repeat N`` runs the baseline, DuckDB and Cardinal N times
each, the baseline and DuckDB alternating (for the pipeline: ``ocdskit`` and
``duckdb-pipeline`` alternating), and reports the median (the machine is a shared virtual
machine whose speed varies by about 10 % from run to run). ``--keep`` keeps the generated
data (else it is deleted). ``--releases-per-ocid N`` (default 3) adds contract amendments to
every process (N - 3 of them), which the pipeline must merge entry by entry.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
BIN = Path(sys.executable).parent
SCHEMA = ROOT.parent / "shared" / "data" / "ocds" / "eforms-profile" / "release-schema.json"
BASELINE = ROOT / "benchmarks" / "baselines" / "python_orjson_indicators.py"
#: Memory measure: RSS, or PSS with ``--pss`` (set by ``main``).
PSS = False
#: Bytes per release of the synthetic data (measured on seed 1): packages and compiled.
PACKAGE_BYTES_PER_RELEASE = 960
COMPILED_BYTES_PER_RELEASE = 740
TOOLS = (
    "baseline",
    "duckdb",
    "duckdb-groups",
    "spark",
    "cardinal",
    "ocdskit",
    "ingest",
    "duckdb-pipeline",
    "spark-pipeline",
    "duckdb-pipeline-cpv",
    "spark-pipeline-cpv",
)

#: The heavier grouping of the ``-cpv`` pipeline runs: the items of the tender and of the
#: awards are compiled too, and the results have tens of thousands of groups.
CPV_KEYS = "buyer,cpv2,year"


@dataclass
class Run:
    task: str
    tool: str
    size: int
    seconds: float
    peak: int
    note: str = ""

    @property
    def mb_per_s(self) -> float:
        return self.size / 1e6 / self.seconds


def measure(command: list[str] | str, *, stdin: Path | None = None, stdout: Path | None = None,
            env: dict[str, str] | None = None) -> tuple[float, int, int]:  # fmt: skip
    """Wall seconds, peak RSS (or PSS, with ``--pss``) of the process tree (bytes) and exit
    code of ``command``."""
    source = stdin.open("rb") if stdin else None
    sink = stdout.open("wb") if stdout else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=source,
        stdout=sink,
        stderr=subprocess.PIPE,
        shell=isinstance(command, str),
        env={**os.environ, **(env or {})},
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            parent = psutil.Process(process.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            total = 0
            try:
                members = [parent, *parent.children(recursive=True)]
            except psutil.Error:
                break
            for member in members:
                with contextlib.suppress(psutil.Error):
                    total += member.memory_full_info().pss if PSS else member.memory_info().rss
            peak = max(peak, total)
            stop.wait(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _out, err = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    watcher.join()
    if source:
        source.close()
    if stdout and sink is not subprocess.DEVNULL:
        sink.close()  # type: ignore[union-attr]
    if process.returncode:
        sys.stderr.write(err.decode("utf-8", "replace")[-1500:])
    return seconds, peak, process.returncode


def synth(path: Path, releases: int, form: str, per_ocid: int = 3) -> None:
    if path.exists():
        return
    command = [str(BIN / "greenprocure"), "monitor", "synth", "--releases", str(releases),
               "--output", str(path), "--form", form, "--seed", "1",
               "--releases-per-ocid", str(per_ocid)]  # fmt: skip
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def bytes_per_release(form: str, per_ocid: int) -> float:
    """Bytes per release of the synthetic data (measured on 20,000 releases): contract
    amendments are smaller releases than tenders, so more releases per process need more
    releases for the same size."""
    if per_ocid == 3:
        compiled = form == "compiled"
        return COMPILED_BYTES_PER_RELEASE if compiled else PACKAGE_BYTES_PER_RELEASE
    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "sample.jsonl"
        synth(sample, 20_000, form, per_ocid)
        return sample.stat().st_size / 20_000


def same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (a is None and b is None) or (
            a is not None and b is not None
            and math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)  # type: ignore[arg-type]
        )  # fmt: skip
    return a == b


def compare(duck_json: Path, base_json: Path) -> str:
    try:
        duck = json.loads(duck_json.read_bytes())
        base = json.loads(base_json.read_bytes())
    except (OSError, ValueError):
        return "no result to compare"
    mismatches = 0
    for name in ("green_share", "goals", "strategies"):
        rows = duck["indicators"][name]["rows"]
        if len(rows) != len(base[name]):
            return f"differ: {name} has {len(rows)} rows vs {len(base[name])}"
        for row, other in zip(rows, base[name], strict=True):
            mismatches += sum(not same(row[k], v) for k, v in other.items())
    return "same results" if mismatches == 0 else f"{mismatches} values differ"


def _note(code: int, note: str = "") -> str:
    return f"FAILED (exit {code})" if code else note


def _median(results: list[tuple[float, int, int]]) -> tuple[float, int, int]:
    """Median seconds, largest peak and first failing exit code of measured runs."""
    seconds = statistics.median(r[0] for r in results)
    return seconds, max(r[1] for r in results), next((r[2] for r in results if r[2]), 0)


def _runs_note(results: list[tuple[float, int, int]]) -> str:
    """The note "median of N (each run's seconds, in order)" for several runs, else empty."""
    if len(results) < 2:
        return ""
    each = ", ".join(f"{r[0]:.1f}" for r in results)
    return f"median of {len(results)} ({each} s)"


def _pair_note(base: list[tuple[float, int, int]], other: list[tuple[float, int, int]]) -> str:
    """The speed-up of each alternating pair (reference run / contender run, in order)."""
    if len(base) < 2 or len(base) != len(other):
        return ""
    ratios = ", ".join(f"{b[0] / o[0]:.1f}" for b, o in zip(base, other, strict=True))
    return f"pairs {ratios}x"


def indicators_runs(compiled: Path, scratch: Path, tools: set[str], repeat: int = 1) -> list[Run]:
    size = compiled.stat().st_size
    task = "indicators over compiled"
    runs = []
    base_out = scratch / "baseline.json"
    duck_out = scratch / "duckdb.json"
    baseline = [sys.executable, str(BASELINE), str(compiled), "--by", "country,year"]
    command = [str(BIN / "greenprocure"), "monitor", "indicators", "--compiled", str(compiled),
               "--by", "country,year", "--format", "json"]  # fmt: skip
    # baseline and DuckDB alternate, so that both meet the same moments of the machine
    base_results: list[tuple[float, int, int]] = []
    duck_results: list[tuple[float, int, int]] = []
    for _ in range(repeat):
        if "baseline" in tools:
            base_results.append(measure(baseline, stdout=base_out))
        if "duckdb" in tools:
            duck_results.append(measure(command, stdout=duck_out))
    if base_results:
        seconds, peak, code = _median(base_results)
        note = _note(code, _runs_note(base_results))
        runs.append(Run(task, "baseline Python+orjson", size, seconds, peak, note))
    if duck_results:
        seconds, peak, code = _median(duck_results)
        note = compare(duck_out, base_out) if "baseline" in tools else ""
        extra = [_runs_note(duck_results), _pair_note(base_results, duck_results)]
        note = ", ".join(n for n in (note, *extra) if n)
        runs.append(Run(task, "DuckDB fast path", size, seconds, peak, _note(code, note)))
    if "duckdb-groups" in tools:
        groups_out = scratch / "groups.json"
        many = [*command[:-4], "--by", "buyer,cpv2,month,procurement_method,main_category",
                "--format", "json", "--output", str(groups_out)]  # fmt: skip
        seconds, peak, code = measure(many)
        rows = _group_rows(groups_out)
        runs.append(Run(task, "DuckDB, 5 keys to a JSON file", size, seconds, peak,
                        _note(code, f"{rows:,} groups, {_mb(groups_out)} MB of JSON")))  # fmt: skip
        groups_out.unlink(missing_ok=True)
    if "spark" in tools:
        spark_out = scratch / "spark.json"
        seconds, peak, code = measure(
            [*command[:3], "--engine", "spark", *command[3:]], stdout=spark_out
        )
        note = _note(code, compare(spark_out, base_out) if "baseline" in tools else "")
        runs.append(Run(task, "Spark (local[2])", size, seconds, peak, note))
    if "cardinal" in tools:
        code_text = f"import ocdscardinal; ocdscardinal.coverage({str(compiled)!r})"
        results = [measure([sys.executable, "-c", code_text]) for _ in range(repeat)]
        seconds, peak, code = _median(results)
        note = _runs_note(results)
        runs.append(Run(task, "ocdscardinal coverage", size, seconds, peak, _note(code, note)))
    return runs


def _group_rows(path: Path) -> int:
    """Rows of the grouped green-share table of a JSON result file (read by DuckDB, whose
    reader handles a file of gigabytes)."""
    import duckdb

    try:
        found = (
            duckdb.connect()
            .execute(
                "SELECT len(indicators.green_share.rows) FROM read_json(?, "
                "maximum_object_size=4000000000)",
                [str(path)],
            )
            .fetchone()
        )
    except duckdb.Error:
        return 0
    return int(found[0]) if found else 0


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:,.0f}" if path.exists() else "?"


def pipeline_runs(packages: Path, scratch: Path, tools: set[str], repeat: int = 1) -> list[Run]:
    size = packages.stat().st_size
    task = "pipeline from release packages"
    runs = []
    ocdskit = [str(BIN / "ocdskit"), "compile", "--schema", str(SCHEMA)]
    pipeline = (
        f"{BIN / 'greenprocure'} monitor indicators --releases {packages} "
        "--by country,year --format json > /dev/null"
    )
    # ocdskit and the DuckDB pipeline alternate (repeat times), so that both meet the same
    # moments of the machine; the medians are given
    kit_results: list[tuple[float, int, int]] = []
    duck_results: list[tuple[float, int, int]] = []
    for _ in range(repeat):
        if "ocdskit" in tools:
            kit_results.append(measure(ocdskit, stdin=packages))
        if "duckdb-pipeline" in tools:
            duck_results.append(measure(pipeline))
    if kit_results:
        seconds, peak, code = _median(kit_results)
        note = _runs_note(kit_results)
        runs.append(Run(task, "ocdskit compile", size, seconds, peak, _note(code, note)))
    if "ingest" in tools:
        store = scratch / "store.duckdb"
        command = (
            f"{BIN / 'greenprocure'} monitor ingest {packages} --store {store} --json "
            f"> /dev/null && {BIN / 'greenprocure'} monitor indicators --store {store} "
            "--by country,year --format json > /dev/null"
        )
        seconds, peak, code = measure(command)
        runs.append(Run(task, "ingest (DuckDB store) + indicators", size, seconds, peak,
                        _note(code)))  # fmt: skip
    if duck_results:
        seconds, peak, code = _median(duck_results)
        extra = (_runs_note(duck_results), _pair_note(kit_results, duck_results))
        note = ", ".join(n for n in extra if n)
        runs.append(Run(task, "DuckDB (compile in SQL)", size, seconds, peak, _note(code, note)))
    if "spark-pipeline" in tools:
        command = (
            f"{BIN / 'greenprocure'} monitor indicators --engine spark --compiled {packages} "
            "--by country,year --format json > /dev/null"
        )
        seconds, peak, code = measure(command)
        runs.append(Run(task, "Spark (local[2])", size, seconds, peak, _note(code)))
    for tool, engine, label in (
        ("duckdb-pipeline-cpv", "--releases", "DuckDB (compile in SQL)"),
        ("spark-pipeline-cpv", "--engine spark --compiled", "Spark (local[2])"),
    ):
        if tool in tools:
            command = (
                f"{BIN / 'greenprocure'} monitor indicators {engine} {packages} "
                f"--by {CPV_KEYS} --format json > /dev/null"
            )
            seconds, peak, code = measure(command)
            runs.append(Run(task, label, size, seconds, peak, _note(code, f"by {CPV_KEYS}")))
    return runs


def table(runs: list[Run]) -> str:
    lines = [
        f"| task | tool | input MB | seconds | MB/s | x baseline | peak {'PSS' if PSS else 'RSS'} "
        "MiB (tree) | note |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    baselines = {}
    for run in runs:
        if run.tool.startswith(("baseline", "ocdskit")):
            baselines[(run.task, run.size)] = run.seconds
    for run in runs:
        base = baselines.get((run.task, run.size))
        speed = f"{base / run.seconds:.1f}" if base else ""
        lines.append(
            f"| {run.task} | {run.tool} | {run.size / 1e6:,.0f} | {run.seconds:,.1f} | "
            f"{run.mb_per_s:,.1f} | {speed} | {run.peak / 2**20:,.0f} | {run.note} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="monitoring benchmarks (issue 5)")
    parser.add_argument("--gb", type=float, default=2.0, help="size of the large inputs")
    parser.add_argument("--small-gb", type=float, default=0.5, help="size of the small inputs")
    parser.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help=f"comma-separated subset of {','.join(TOOLS)}",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument(
        "--releases-per-ocid",
        type=int,
        default=3,
        help="releases per process in the synthetic data (3: tender, award, contract; more "
        "adds contract amendments, which the pipeline merges entry by entry)",
    )
    parser.add_argument(
        "--pss",
        action="store_true",
        help="sum the proportional set size (PSS: a page shared by n processes counts 1/n "
        "in each) instead of the resident set size of the process tree",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of the baseline, DuckDB and Cardinal"
    )
    args = parser.parse_args()
    tools = set(args.tools.split(","))
    global PSS
    PSS = args.pss
    DATA.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    made: list[Path] = []
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
          f"load average {os.getloadavg()[0]:.2f} at start")  # fmt: skip
    try:
        for gb in sorted({args.small_gb, args.gb}):
            per_ocid = args.releases_per_ocid
            label = f"{gb:g}gb" + ("" if per_ocid == 3 else f"-{per_ocid}-per-ocid")
            compiled = DATA / f"compiled-{label}.jsonl"
            packages = DATA / f"packages-{label}.jsonl"
            made += [compiled, packages]
            for path, form in ((compiled, "compiled"), (packages, "release-package")):
                if form == "compiled" and not tools & set(TOOLS[:5]):
                    continue  # only pipeline contenders: no compiled releases needed
                per_release = bytes_per_release(form, per_ocid)
                synth(path, int(gb * 1e9 / per_release), form, per_ocid)
            with tempfile.TemporaryDirectory(dir=DATA) as scratch:
                if compiled.exists():
                    runs += indicators_runs(compiled, Path(scratch), tools, args.repeat)
                runs += pipeline_runs(packages, Path(scratch), tools, args.repeat)
            print(table(runs), flush=True)
    finally:
        if not args.keep:
            for path in made:
                path.unlink(missing_ok=True)
            shutil.rmtree(DATA / "spark-tmp", ignore_errors=True)
    print()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    print(table(runs))


if __name__ == "__main__":
    main()
