"""What an award method is: from evaluated prices, costs and quality to a ranking total."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from greenprocure.evaluation._context import FloatArray
from greenprocure.evaluation.tender import AwardSpec

__all__ = ["Method", "MethodInput", "Outcome"]


@dataclass(frozen=True)
class MethodInput:
    """Arrays over the compliant bids of a lot.

    ``quality`` is the weighted criteria score plus green points; ``cost`` is the evaluated
    life-cycle (or CVD) cost, ``None`` when the tender defines no costing.
    """

    award: AwardSpec
    price: FloatArray
    cost: FloatArray | None
    quality: FloatArray


@dataclass(frozen=True)
class Outcome:
    """``total`` ranks the bids; ``basis`` names what ``total`` is (``price``, ``cost``,
    ``score``, ``ratio``)."""

    total: FloatArray
    higher_is_better: bool
    basis: str
    price_score: FloatArray | None = None


@dataclass(frozen=True)
class Method:
    """An award method: ``rank(inputs) -> Outcome``; ``needs_cost`` if it needs costing."""

    name: str
    description: str
    needs_cost: bool
    rank: Callable[[MethodInput], Outcome]
