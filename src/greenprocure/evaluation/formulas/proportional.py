"""Proportional price scoring.

    price_score_i = W_p x min_j(C_j) / C_i
    total_i       = price_score_i + Q_i

``C`` is the evaluated price or cost of the compliant bids, ``W_p`` the price weight and
``Q_i`` the quality points. The lowest offer gets the full price weight; an offer twice as
high gets half of it. Scores stay within ``[0, W_p]`` for positive costs.
"""

from __future__ import annotations

import numpy as np

from greenprocure.evaluation._context import FloatArray
from greenprocure.evaluation.formulas._base import Formula, Totals
from greenprocure.evaluation.tender import PriceFormulaSpec
from greenprocure.i18n import N_

__all__ = ["PROPORTIONAL"]


def _apply(costs: FloatArray, quality: FloatArray, weight: float, spec: PriceFormulaSpec) -> Totals:
    if costs.size == 0:
        return Totals(costs.copy(), costs.copy(), True)
    lowest = float(np.min(costs))
    score = weight * lowest / costs
    return Totals(score, score + quality, True)


PROPORTIONAL = Formula(
    "proportional", N_("proportional: price points = weight x lowest / offer"), _apply
)
