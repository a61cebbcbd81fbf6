"""Sensitivity of the winner to each weight of a best price-quality ratio evaluation.

One weight ``w_j`` varies over ``x`` in ``[0, W]`` (``W`` the total of the weights) while the
others are scaled by ``(W - x) / (W - w_j)`` so the total stays ``W``. Each bid's total is then
linear in ``x``; for the score formulas

    T_i(x) = x s_ij + (W - x) / (W - w_j) R_i + g_i,   R_i = sum_{k != j} w_k s_ik

(``s`` the 0..1 fractions, price included; ``g`` green points, not weighted). The winner ``w``
keeps first place while ``T_w(x) - T_i(x) >= 0`` for every other bid; each such difference is
a line, so the interval is the intersection of half-lines. For the price per quality point
method only quality weights vary and the condition is ``C_i Q_w(x) - C_w Q_i(x) >= 0``, again
linear in ``x``. Ties at a bound are resolved by the tie-break rule, so the bounds are where
another bid draws level.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from greenprocure.evaluation._context import FloatArray
from greenprocure.evaluation.result import WeightInterval

__all__ = ["weight_intervals"]


def _lines(
    fractions: FloatArray, weights: FloatArray, j: int, points: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``T_i(x) = a_i + b_i x`` for every bid, varying weight ``j``."""
    total = float(weights.sum())
    rest = total - float(weights[j])
    others = fractions @ weights - fractions[:, j] * weights[j]
    a = total * others / rest + points
    b = fractions[:, j] - others / rest
    return a, b


def weight_intervals(
    names: Sequence[str],
    fractions: FloatArray,
    weights: FloatArray,
    points: FloatArray,
    winner: int,
    ids: Sequence[str],
    costs: FloatArray | None = None,
) -> list[WeightInterval]:
    """One interval per weight; ``costs`` given means the price per quality point method."""
    out: list[WeightInterval] = []
    total = float(weights.sum())
    m = fractions.shape[0]
    for j, name in enumerate(names):
        rest = total - float(weights[j])
        if m < 2 or rest <= 0:
            out.append(WeightInterval(name, float(weights[j]), None, None, total, None, None))
            continue
        a, b = _lines(fractions, weights, j, points)
        if costs is None:
            alpha, beta = a[winner] - a, b[winner] - b
        else:
            alpha = costs * a[winner] - costs[winner] * a
            beta = costs * b[winner] - costs[winner] * b
        others = np.arange(m) != winner
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = -alpha / beta
        low, high, below, above = 0.0, total, None, None
        rising = np.flatnonzero(others & (beta > 1e-15))
        if rising.size:
            k = int(rising[np.argmax(cross[rising])])
            if cross[k] > low:
                low, below = float(cross[k]), ids[k]
        falling = np.flatnonzero(others & (beta < -1e-15))
        if falling.size:
            k = int(falling[np.argmin(cross[falling])])
            if cross[k] < high:
                high, above = float(cross[k]), ids[k]
        out.append(
            WeightInterval(
                name,
                float(weights[j]),
                low if below is not None else None,
                high if above is not None else None,
                total,
                below,
                above,
            )
        )
    return out
