"""Lowest cost: the compliant bid with the lowest evaluated life-cycle cost wins.

    total_i = LCC_i - discounts_i      (Art. 68 life-cycle cost, NPV), or
    total_i = P_i + OLC_i x n - discounts_i    (Clean Vehicles Directive, n vehicles)

Notional discounts of green mechanisms reduce the acquisition cost in year 0.
"""

from __future__ import annotations

from greenprocure.evaluation.methods._base import Method, MethodInput, Outcome
from greenprocure.i18n import N_

__all__ = ["LOWEST_COST"]


def _rank(data: MethodInput) -> Outcome:
    assert data.cost is not None
    return Outcome(data.cost.copy(), False, "cost")


LOWEST_COST = Method("lowest_cost", N_("lowest cost (life-cycle costing)"), True, _rank)
