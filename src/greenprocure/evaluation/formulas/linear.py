"""Linear interpolation price scoring.

    price_score_i = W_p x clip((R - C_i) / (R - min_j C_j), 0, 1)
    total_i       = price_score_i + Q_i

``R`` is the highest compliant offer (``reference: highest``) or a fixed reference value set
by the tender (``reference: value``). The lowest offer gets ``W_p``, an offer at or above
``R`` gets 0. When all offers are equal (``R = min``) every offer gets ``W_p``.
"""

from __future__ import annotations

import numpy as np

from greenprocure.evaluation._context import FloatArray
from greenprocure.evaluation.formulas._base import Formula, Totals
from greenprocure.evaluation.tender import PriceFormulaSpec
from greenprocure.i18n import N_

__all__ = ["LINEAR"]


def _apply(costs: FloatArray, quality: FloatArray, weight: float, spec: PriceFormulaSpec) -> Totals:
    if costs.size == 0:
        return Totals(costs.copy(), costs.copy(), True)
    lowest = float(np.min(costs))
    if spec.reference == "value" and spec.reference_value is not None:
        reference = spec.reference_value
    else:
        reference = float(np.max(costs))
    if reference <= lowest:
        fraction = np.ones_like(costs)
    else:
        fraction = np.clip((reference - costs) / (reference - lowest), 0.0, 1.0)
    score = weight * fraction
    return Totals(score, score + quality, True)


LINEAR = Formula(
    "linear",
    N_("linear: full price points at the lowest offer, none at the reference value"),
    _apply,
)
