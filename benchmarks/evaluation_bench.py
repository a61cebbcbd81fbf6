"""Benchmark: evaluate 10 000 bids x 20 criteria with a 20-year LCC (issue 3).

Compares, in the same run, ``greenprocure.evaluation.evaluate`` (numpy, vectorised over bids)
with a straightforward per-bid Python loop computing the same LCC (energy, maintenance,
residual value, CO2 externality, discounting and escalation), the same criteria scores and the
same proportional price score; both must give the same ranking.

    .venv/bin/python benchmarks/evaluation_bench.py [--bids 10000] [--criteria 20] [--years 20]

Prints a Markdown table row per implementation (median of ``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from typing import Any

import numpy as np

from greenprocure.evaluation import Bid, Tender, evaluate, parse_tender
from greenprocure.reference import grid_factor

GRID_REGION, GRID_YEAR = "CN", 2022


def make_tender(n_bids: int, n_criteria: int, years: int, seed: int = 1) -> Tender:
    """A MEAT tender on LCC with ``n_criteria`` criteria and ``n_bids`` synthetic bids."""
    rng = np.random.default_rng(seed)
    criteria: list[dict[str, Any]] = []
    for k in range(n_criteria):
        kind = ("numeric", "points", "pass_fail")[k % 3]
        entry: dict[str, Any] = {"id": f"c{k}", "weight": 2.0, "kind": kind, "parameter": f"p{k}"}
        if kind == "numeric":
            entry.update(unit="kWh", better="lower" if k % 2 else "higher")
        criteria.append(entry)
    bids = []
    for i in range(n_bids):
        params: dict[str, Any] = {
            "energy_per_year": {"value": float(rng.uniform(100, 2000)), "unit": "kWh"},
            "maintenance_per_year": float(rng.uniform(0, 300)),
            "residual_value": float(rng.uniform(0, 100)),
        }
        for k, c in enumerate(criteria):
            if c["kind"] == "numeric":
                params[f"p{k}"] = {"value": float(rng.uniform(1, 100)), "unit": "kWh"}
            elif c["kind"] == "points":
                params[f"p{k}"] = float(rng.integers(0, 11))
            else:
                params[f"p{k}"] = bool(rng.integers(0, 2))
        bids.append(
            {
                "id": f"B{i:05d}",
                "bidder": f"Bidder {i}",
                "price": float(rng.uniform(1e3, 5e3)),
                "parameters": params,
            }
        )
    return parse_tender(
        {
            "title": "Benchmark",
            "buyer": "Bench City",
            "country": GRID_REGION,
            "currency": "CNY",
            "date": "2024-01-01",
            "factor_year": GRID_YEAR,
            "award": {
                "method": "meat",
                "price_weight": 100.0 - 2.0 * n_criteria,
                "cost_basis": "lcc",
                "criteria": criteria,
            },
            "lcc": {
                "lifetime_years": years,
                "discount_rate": 0.04,
                "electricity_price": 0.8,
                "escalation": {"energy": 0.02, "maintenance": 0.01},
                "externalities": True,
                "carbon_price": 80.0,
            },
            "bids": bids,
        }
    )


def loop_ranking(tender: Tender, bids: list[Bid]) -> list[str]:
    """The same evaluation, one bid at a time, in plain Python."""
    lcc = tender.lcc
    assert lcc is not None
    assert lcc.electricity_price is not None
    assert lcc.carbon_price is not None
    kg_per_kwh = grid_factor(GRID_REGION, GRID_YEAR).value
    e_energy = lcc.escalation.get("energy", 0.0)
    e_maint = lcc.escalation.get("maintenance", 0.0)
    d = lcc.discount_rate
    years = lcc.lifetime_years
    costs = []
    for bid in bids:
        kwh = float(bid.parameters["energy_per_year"].value)
        maint = float(bid.parameters["maintenance_per_year"].value)
        residual = float(bid.parameters["residual_value"].value)
        total = bid.price
        for t in range(1, years + 1):
            df = 1.0 / (1.0 + d) ** t
            total += kwh * lcc.electricity_price * (1.0 + e_energy) ** t * df
            total += maint * (1.0 + e_maint) ** t * df
            total += kwh * kg_per_kwh / 1000.0 * lcc.carbon_price * df
        total -= residual / (1.0 + d) ** years
        costs.append(total)
    lowest = min(costs)
    criteria = tender.award.criteria
    bounds = {}
    for c in criteria:
        if c.kind == "numeric":
            values = [float(b.parameters[c.parameter or ""].value) for b in bids]
            bounds[c.id] = (min(values), max(values))
    totals = []
    for bid, cost in zip(bids, costs, strict=True):
        score = tender.award.price_weight * lowest / cost
        for c in criteria:
            value = bid.parameters[c.parameter or ""].value
            if c.kind == "points":
                score += c.weight * float(value) / c.scale_max
            elif c.kind == "pass_fail":
                score += c.weight if value is True else 0.0
            else:
                low, high = bounds[c.id]
                best, worst = (high, low) if c.better == "higher" else (low, high)
                fraction = (float(value) - worst) / (best - worst) if best != worst else 1.0
                score += c.weight * min(max(fraction, 0.0), 1.0)
        totals.append(score)
    order = sorted(range(len(bids)), key=lambda i: (-round(totals[i], 6), round(costs[i], 6)))
    return [bids[i].id for i in order]


def _timed(function: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=10_000)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    tender = make_tender(args.bids, args.criteria, args.years)
    parse_s = time.perf_counter() - start
    bids = list(tender.bids)
    engine_times, loop_times, same = [], [], True
    for _ in range(args.repeat):  # alternate the two so that machine load hits both alike
        result = None
        seconds, result = _timed(lambda: evaluate(tender))
        engine_times.append(seconds)
        seconds, loop_order = _timed(lambda: loop_ranking(tender, bids))
        loop_times.append(seconds)
        same = same and list(result.lot("1").ranking) == loop_order
    engine_s, loop_s = statistics.median(engine_times), statistics.median(loop_times)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, load average {load}"
    )
    print(
        f"bids {args.bids}, criteria {args.criteria}, LCC years {args.years}, "
        f"tender parse + validation {parse_s:.2f} s (not in the timings below)"
    )
    print("| implementation | median time (s) | same ranking |")
    print("|---|---:|---|")
    print(f"| `evaluate` (numpy, full result objects) | {engine_s:.3f} | {same} |")
    print(f"| per-bid Python loop (ranking only) | {loop_s:.3f} | reference |")
    if not same:
        raise SystemExit("rankings differ")


if __name__ == "__main__":
    main()
