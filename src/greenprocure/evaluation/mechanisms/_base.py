"""What a green award mechanism is and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from greenprocure.evaluation._context import Context, FloatArray
from greenprocure.evaluation.result import Adjustment, Message

__all__ = ["Effect", "Mechanism"]


@dataclass(frozen=True)
class Effect:
    """Per bid: the amount taken off the evaluated price, the points added, and what was done;
    ``flags`` are per-bid points for the committee to check (None where there is nothing)."""

    discount: FloatArray
    points: FloatArray
    adjustments: list[Adjustment | None]
    notes: tuple[Message, ...] = ()
    flags: list[Message | None] | None = None


@dataclass(frozen=True)
class Mechanism:
    """A mechanism: ``apply(ctx, entry, contract_prices) -> Effect``."""

    type: str
    description: str
    apply: Callable[[Context, Any, FloatArray], Effect]
