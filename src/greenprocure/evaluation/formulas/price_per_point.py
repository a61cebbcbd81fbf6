"""Price per quality point (the ratio method).

    total_i = C_i / Q_i          lowest wins

``C`` is the evaluated price or cost, ``Q`` the quality points (criteria plus any green
points). A bid with no quality points has an infinite ratio and ranks last. No points are
given for price, so the price weight is not used.
"""

from __future__ import annotations

import numpy as np

from greenprocure.evaluation._context import FloatArray
from greenprocure.evaluation.formulas._base import Formula, Totals
from greenprocure.evaluation.tender import PriceFormulaSpec
from greenprocure.i18n import N_

__all__ = ["PRICE_PER_POINT"]


def _apply(costs: FloatArray, quality: FloatArray, weight: float, spec: PriceFormulaSpec) -> Totals:
    with np.errstate(divide="ignore"):
        ratio = np.where(quality > 0, costs / np.where(quality > 0, quality, 1.0), np.inf)
    return Totals(None, ratio, False)


PRICE_PER_POINT = Formula(
    "price_per_point",
    N_("price per quality point: offer / quality points, lowest wins"),
    _apply,
)
