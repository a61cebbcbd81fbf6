"""Lowest price: the compliant bid with the lowest evaluated price wins.

    total_i = P_i - discounts_i        lowest wins

The evaluated price is the bid price in the tender currency minus any notional discount or
deduction of a green mechanism.
"""

from __future__ import annotations

from greenprocure.evaluation.methods._base import Method, MethodInput, Outcome
from greenprocure.i18n import N_

__all__ = ["LOWEST_PRICE"]


def _rank(data: MethodInput) -> Outcome:
    return Outcome(data.price.copy(), False, "price")


LOWEST_PRICE = Method("lowest_price", N_("lowest price"), False, _rank)
