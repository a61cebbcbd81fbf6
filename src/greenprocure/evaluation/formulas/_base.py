"""What a price formula is: a name, a description and a function to totals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from greenprocure.evaluation._context import FloatArray
from greenprocure.evaluation.tender import PriceFormulaSpec

__all__ = ["Formula", "Totals"]


@dataclass(frozen=True)
class Totals:
    """``total`` ranks the bids (``higher_is_better`` says how); ``price_score`` is the
    points given to price (``None`` when the formula gives none, as the ratio method)."""

    price_score: FloatArray | None
    total: FloatArray
    higher_is_better: bool


@dataclass(frozen=True)
class Formula:
    """A price formula: ``apply(costs, quality, price_weight, spec) -> Totals``."""

    name: str
    description: str
    apply: Callable[[FloatArray, FloatArray, float, PriceFormulaSpec], Totals]
