"""Green award mechanisms, one module each, registered in :data:`MECHANISMS` by ``type``.

A mechanism changes the *evaluated* price (a notional discount or deduction) or adds quality
points; it never changes the contract price. Percentages apply to the contract price and do
not compound when several mechanisms apply.
"""

from __future__ import annotations

from greenprocure.evaluation.mechanisms._base import Effect, Mechanism
from greenprocure.evaluation.mechanisms.co2_ladder import CO2_LADDER
from greenprocure.evaluation.mechanisms.price_deduction import PRICE_DEDUCTION

__all__ = ["CO2_LADDER", "MECHANISMS", "PRICE_DEDUCTION", "Effect", "Mechanism", "mechanism"]

#: Every mechanism, by the ``type`` of its tender entry.
MECHANISMS: tuple[Mechanism, ...] = (CO2_LADDER, PRICE_DEDUCTION)


def mechanism(kind: str) -> Mechanism:
    """The mechanism of tender entries of type ``kind``."""
    return next(m for m in MECHANISMS if m.type == kind)
