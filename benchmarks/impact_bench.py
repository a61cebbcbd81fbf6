"""Impact quantification: 1,000,000 purchase lines, vectorised engine vs a per-line loop.

    .venv/bin/python benchmarks/impact_bench.py [--lines 1000000] [--seed 7]

Builds a register of three product groups (energy-using products, lighting, vehicles with
petrol baselines and electric or diesel replacements) in memory with
``register_from_columns`` (the validated fast path), then times, in the same run:

- ``quantify`` (vectorised numpy engine: factors resolved once per key, figures central/low/
  high, money discounted, totals, equivalences), target under 5 s for 1,000,000 lines;
- ``quantify_loop`` (the same formulas line by line in plain Python, factors cached per key),
  the baseline named by issue 4.

It checks that both give the same totals (relative 1e-9) and prints a Markdown table row.
Factors are the packaged ones (grid CN 2022, fuels), so it also exercises the reference data.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from greenprocure.impact import (
    ImpactSettings,
    Register,
    quantify,
    quantify_loop,
    register_from_columns,
)


def build(lines: int, seed: int) -> Register:
    rng = np.random.default_rng(seed)
    n_energy = lines * 4 // 10
    n_light = lines * 3 // 10
    n_vehicles = lines - n_energy - n_light
    energy = register_from_columns(
        "energy_products",
        {
            "product": rng.choice(["desktop", "laptop", "monitor", "printer"], n_energy),
            "quantity": rng.integers(1, 500, n_energy).astype(float),
            "years": rng.integers(3, 8, n_energy).astype(float),
            "kwh_per_year": rng.uniform(20, 150, n_energy),
            "baseline_kwh_per_year": rng.uniform(100, 300, n_energy),
            "year": rng.choice([2021.0, 2022.0], n_energy),
        },
    )
    light = register_from_columns(
        "lighting",
        {
            "quantity": rng.integers(1, 2000, n_light).astype(float),
            "power": rng.uniform(10, 40, n_light),
            "baseline_power": rng.uniform(40, 120, n_light),
            "hours": rng.uniform(1000, 4000, n_light),
            "control_savings": rng.uniform(0, 0.4, n_light),
            "years": rng.integers(5, 15, n_light).astype(float),
        },
    )
    electric = rng.random(n_vehicles) < 0.7
    vehicles = register_from_columns(
        "vehicles",
        {
            "quantity": rng.integers(1, 50, n_vehicles).astype(float),
            "distance": rng.uniform(5000, 40000, n_vehicles),
            "years": rng.integers(4, 10, n_vehicles).astype(float),
            "fuel": np.where(electric, "electricity", "diesel"),
            "consumption": np.where(
                electric, rng.uniform(12, 25, n_vehicles), rng.uniform(4, 8, n_vehicles)
            ),
            "baseline_fuel": np.full(n_vehicles, "petrol"),
            "baseline_consumption": rng.uniform(5, 10, n_vehicles),
            "baseline_nox": rng.uniform(0, 0.08, n_vehicles),
        },
    )
    return Register(
        source="synthetic", batches=[*energy.batches, *light.batches, *vehicles.batches]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = ImpactSettings(country="CN", year=2022)

    start = time.perf_counter()
    register = build(args.lines, args.seed)
    built = time.perf_counter() - start

    quantify(build(1000, args.seed), settings)  # warm the reference-data caches
    start = time.perf_counter()
    result = quantify(register, settings)
    vectorised = time.perf_counter() - start

    start = time.perf_counter()
    loop = quantify_loop(register, settings)
    looped = time.perf_counter() - start

    for metric, figure in result.totals.items():
        expected = loop[metric]
        assert abs(figure.value - expected) <= 1e-9 * max(1.0, abs(expected)), metric
    assert not result.problems, result.problems[:3]
    total = result.totals["co2e_period"]
    print(f"lines: {register.size:,}; register built (validated, converted) in {built:.2f} s")
    print(f"t CO2e over the period: {total.value:,.1f} (vectorised == loop)")
    print()
    print("| lines | vectorised `quantify` | per-line loop `quantify_loop` | speed-up |")
    print("|---:|---:|---:|---:|")
    print(
        f"| {register.size:,} | {vectorised:.2f} s | {looped:.2f} s | {looped / vectorised:.0f}x |"
    )


if __name__ == "__main__":
    main()
