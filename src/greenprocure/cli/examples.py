"""The README's run command: the CLI on the bundled examples, with embedded defaults.

``make run`` calls ``python -m greenprocure.cli.examples``. Each step is a real command line
of ``greenprocure``, printed before it runs, so a newcomer sees what to type next.
Output files go to ``out/`` in the current directory.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.console import Console

from greenprocure.cli.app import main as cli_main

__all__ = ["STEPS", "run"]

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

#: Command lines run in order; ``{examples}`` is the bundled examples folder.
STEPS: tuple[str, ...] = (
    "--version",
    "factors list",
    "impact run {examples}/impact/city-register.yaml --country CN --year 2022",
    "impact run {examples}/impact/city-register.yaml --country CN --year 2022 --format html"
    " --output out/impact-summary.html",
    "evaluate run {examples}/evaluation/street_lighting.yaml",
    "evaluate run {examples}/evaluation/street_lighting.yaml --format html"
    " --output out/street-lighting-evaluation.html",
    "evaluate run {examples}/evaluation/vehicles.yaml {examples}/evaluation/vehicles_bids.csv"
    " --format docx --output out/vehicles-evaluation.docx",
    "evaluate run {examples}/evaluation/air_conditioners.yaml --lang zh",
    "evaluate run {examples}/evaluation/air_conditioners.yaml --format xlsx --lang zh"
    " --output out/air-conditioners-evaluation.xlsx",
    "evaluate run {examples}/evaluation/air_conditioners_korea.yaml --format html --lang ko"
    " --output out/air-conditioners-korea-evaluation.html",
    "evaluate template {examples}/evaluation/air_conditioners.yaml --lang ja"
    " --output out/air-conditioners-bids.xlsx",
    "monitor ingest {examples}/monitoring --store out/monitoring.duckdb",
    "monitor indicators --by country,year --store out/monitoring.duckdb",
    "monitor report --by country,cpv2 --store out/monitoring.duckdb"
    " --output out/monitoring-report.html",
    "monitor report --by country --store out/monitoring.duckdb --lang ja"
    " --output out/monitoring-report-ja.html",
)


def run() -> None:
    """Run every step; stop at the first failure with its exit code."""
    console = Console()
    Path("out").mkdir(exist_ok=True)
    # The demo's monitoring store starts afresh: one left by an earlier version may have
    # another layout, which the store refuses.
    for stale in Path("out").glob("monitoring.duckdb*"):
        stale.unlink()
    for step in STEPS:
        line = step.format(examples=EXAMPLES)
        console.rule(f"[bold]greenprocure {line}")
        try:
            cli_main(shlex.split(line))
        except SystemExit as stop:
            if stop.code not in (0, None):
                raise


if __name__ == "__main__":
    run()
