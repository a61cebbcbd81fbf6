"""Award methods, one module each, registered in :data:`METHODS` by name."""

from __future__ import annotations

from greenprocure.evaluation.methods._base import Method, MethodInput, Outcome
from greenprocure.evaluation.methods.lowest_cost import LOWEST_COST
from greenprocure.evaluation.methods.lowest_price import LOWEST_PRICE
from greenprocure.evaluation.methods.meat import MEAT

__all__ = [
    "LOWEST_COST",
    "LOWEST_PRICE",
    "MEAT",
    "METHODS",
    "Method",
    "MethodInput",
    "Outcome",
    "method",
]

#: Every award method (Directive 2014/24/EU Art. 67(2): price, cost, price-quality ratio).
METHODS: tuple[Method, ...] = (LOWEST_PRICE, LOWEST_COST, MEAT)


def method(name: str) -> Method:
    """The award method called ``name`` (the tender model only admits registered names)."""
    return next(m for m in METHODS if m.name == name)
