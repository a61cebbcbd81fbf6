"""Price (or cost) scoring formulas of the best price-quality ratio, one module each.

Each formula turns the evaluated prices or costs of the compliant bids, with the quality
points, into a total that ranks them (:class:`Formula`). Registered in :data:`FORMULAS`.
"""

from __future__ import annotations

from greenprocure.evaluation.formulas._base import Formula, Totals
from greenprocure.evaluation.formulas.linear import LINEAR
from greenprocure.evaluation.formulas.price_per_point import PRICE_PER_POINT
from greenprocure.evaluation.formulas.proportional import PROPORTIONAL

__all__ = ["FORMULAS", "LINEAR", "PRICE_PER_POINT", "PROPORTIONAL", "Formula", "Totals", "formula"]

#: Every price formula, by name.
FORMULAS: tuple[Formula, ...] = (PROPORTIONAL, LINEAR, PRICE_PER_POINT)


def formula(name: str) -> Formula:
    """The formula called ``name`` (the tender model only admits registered names)."""
    return next(f for f in FORMULAS if f.name == name)
