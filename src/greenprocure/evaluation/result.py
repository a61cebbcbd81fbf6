"""The result of an evaluation: everything an award report needs, nothing it must compute.

Frozen dataclasses (cheap to build for 10 000 bids) with ``to_dict()`` giving a JSON-ready
view. Messages (exclusion reasons, notes) are English gettext message ids with parameters:
``text()`` renders them in the current language, so a report can be written in any language
from the same result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt

__all__ = [
    "Adjustment",
    "BidResult",
    "CriterionScore",
    "CriterionScores",
    "CvdBreakdown",
    "EvaluationResult",
    "LccBreakdown",
    "LotResult",
    "Message",
    "RequirementCheck",
    "SourceUsed",
    "WeightInterval",
]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


@dataclass(frozen=True, slots=True)
class Message:
    """A translatable message: an English msgid with ``{placeholders}`` and its values.

    A value may itself be a :class:`Message` (e.g. the name of a rule); it is translated too.
    """

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The message in the current language."""
        from greenprocure.i18n import gettext

        params = {k: v.text() if isinstance(v, Message) else v for k, v in self.params.items()}
        try:
            return gettext(self.template).format(**params)
        except (KeyError, IndexError, ValueError):
            return self.template

    def __str__(self) -> str:
        params = {k: str(v) if isinstance(v, Message) else v for k, v in self.params.items()}
        try:
            return self.template.format(**params)
        except (KeyError, IndexError, ValueError):
            return self.template

    def to_dict(self) -> dict[str, Any]:
        return {"template": self.template, "params": _plain(self.params), "text": str(self)}


@dataclass(frozen=True, slots=True)
class SourceUsed:
    """A parameter value used in the evaluation and where it came from.

    ``name`` is an English msgid (translate it with ``gettext``); ``detail`` holds the variable
    part (fuel, region and year, currency pair, level). ``origin`` is ``tender`` (set by the
    contracting authority) or ``reference`` (a cited factor of the reference library;
    ``factor`` holds its ``Factor.to_dict()`` with citation and dataset version).
    """

    name: str
    value: float
    unit: str
    origin: str
    factor: Mapping[str, Any] | None = None
    note: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "origin": self.origin,
            "factor": _plain(self.factor) if self.factor else None,
            "note": self.note,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class RequirementCheck:
    """The outcome of one requirement for one bid, and how it was verified.

    ``verified_by`` is a code: ``declared`` (the declared value was compared), ``certificate``
    (an accepted certificate valid on the tender date; ``evidence`` names it), ``equivalence``
    (an equivalence dossier, flagged for the committee) or empty when it failed.
    """

    requirement: str
    passed: bool
    mandatory: bool
    value: float | bool | str | None
    threshold: float | bool | str | None
    unit: str | None
    verified_by: str
    message: Message | None = None
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "passed": self.passed,
            "mandatory": self.mandatory,
            "value": self.value,
            "threshold": self.threshold,
            "unit": self.unit,
            "verified_by": self.verified_by,
            "evidence": self.evidence,
            "message": self.message.to_dict() if self.message else None,
        }


class CriterionScore(NamedTuple):
    """One award criterion for one bid: its raw value and its score out of ``max_score``.

    A named tuple (immutable) rather than a dataclass: 10 000 bids x 20 criteria are built
    in one evaluation.
    """

    criterion: str
    name: str
    raw: float | bool | str | None
    unit: str | None
    score: float
    max_score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "name": self.name,
            "raw": self.raw,
            "unit": self.unit,
            "score": self.score,
            "max_score": self.max_score,
        }


class CriterionScores(Sequence[CriterionScore]):
    """The criterion scores of one bid, read on access from the lot's shared score table.

    ``criteria`` holds ``(id, name, unit, max_score)`` per criterion, ``raw[k][row]`` and
    ``scores[row, k]`` the bid's raw value and score. Immutable; iterates as
    :class:`CriterionScore`.
    """

    __slots__ = ("_criteria", "_raw", "_row", "_scores")

    def __init__(
        self,
        criteria: Sequence[tuple[str, str, str | None, float]],
        raw: Sequence[Sequence[Any]],
        scores: npt.NDArray[np.float64],
        row: int,
    ) -> None:
        self._criteria = criteria
        self._raw = raw
        self._scores = scores
        self._row = row

    def __len__(self) -> int:
        return len(self._criteria)

    @overload
    def __getitem__(self, index: int) -> CriterionScore: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[CriterionScore, ...]: ...

    def __getitem__(self, index: int | slice) -> CriterionScore | tuple[CriterionScore, ...]:
        if isinstance(index, slice):
            return tuple(self[k] for k in range(len(self))[index])
        cid, name, unit, max_score = self._criteria[index]
        score = float(self._scores[self._row, index])
        return CriterionScore(cid, name, self._raw[index][self._row], unit, score, max_score)

    def __repr__(self) -> str:
        return f"CriterionScores({list(self)!r})"


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A green award mechanism applied to a bid (notional discount, deduction or points)."""

    mechanism: str
    amount: float
    percent: float | None
    points: float | None
    message: Message

    def to_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "amount": self.amount,
            "percent": self.percent,
            "points": self.points,
            "message": self.message.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class LccBreakdown:
    """Life-cycle cost of a bid: NPV per component and the yearly cash-flow table.

    ``cash_flows[component][t]`` is the nominal (escalated, undiscounted) cost in year ``t``
    (year 0 = acquisition); ``discount_factors[t] = 1/(1+d)^t``; ``npv`` by component sums
    ``cash_flow x discount_factor``. A residual value is a negative end-of-life cost.
    The cash flows are row ``row`` of ``flows`` (component -> bids x years arrays shared by all
    bids of the lot, read-only), so 10 000 bids do not need 70 000 small arrays.
    """

    years: tuple[int, ...]
    flows: Mapping[str, npt.NDArray[np.float64]]
    row: int
    discount_factors: tuple[float, ...]
    npv: Mapping[str, float]
    total: float
    emissions_kg: float

    @property
    def cash_flows(self) -> dict[str, npt.NDArray[np.float64]]:
        """Component -> nominal cash flow per year of this bid."""
        return {name: table[self.row] for name, table in self.flows.items()}

    def yearly(self) -> list[tuple[int, float, float, float]]:
        """Per year: (year, nominal cost of all components, discount factor, present value)."""
        flows = self.cash_flows.values()
        rows = []
        for index, year in enumerate(self.years):
            nominal = float(sum(flow[index] for flow in flows))
            factor = self.discount_factors[index]
            rows.append((year, nominal, factor, nominal * factor))
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "years": list(self.years),
            "cash_flows": {k: [float(x) for x in v] for k, v in self.cash_flows.items()},
            "discount_factors": list(self.discount_factors),
            "npv": dict(self.npv),
            "total": self.total,
            "emissions_kg": self.emissions_kg,
        }


@dataclass(frozen=True, slots=True)
class CvdBreakdown:
    """Operational lifetime cost by the Clean Vehicles Directive method, per vehicle."""

    fuel: str
    energy_mj_per_km: float
    mileage_km: float
    price_per_mj: float
    energy: float
    co2: float
    nox: float
    nmhc: float
    pm: float
    total: float
    quantity: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "fuel": self.fuel,
            "energy_mj_per_km": self.energy_mj_per_km,
            "mileage_km": self.mileage_km,
            "price_per_mj": self.price_per_mj,
            "energy": self.energy,
            "co2": self.co2,
            "nox": self.nox,
            "nmhc": self.nmhc,
            "pm": self.pm,
            "total": self.total,
            "quantity": self.quantity,
        }


@dataclass(frozen=True, slots=True)
class BidResult:
    """Everything about one bid: compliance, cost, scores, adjustments and rank.

    ``contract_price`` is what would be paid for the lot (unit price x quantity when the
    tender asks for unit prices; ``unit_price`` then keeps the unit price);
    ``evaluated_price`` is the price after notional discounts and deductions, used only to
    rank; ``evaluated_cost`` adds life-cycle or CVD costs when the method uses them.
    ``rank`` is ``None`` for an excluded bid.
    """

    bid: str
    bidder: str
    lot: str
    rank: int | None
    excluded: bool
    exclusions: tuple[Message, ...]
    checks: tuple[RequirementCheck, ...]
    contract_price: float
    evaluated_price: float
    evaluated_cost: float
    lcc: LccBreakdown | None
    cvd: CvdBreakdown | None
    price_score: float | None
    quality_score: float | None
    total_score: float | None
    criteria: Sequence[CriterionScore]
    adjustments: tuple[Adjustment, ...]
    flags: tuple[Message, ...] = ()
    unit_price: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "bid": self.bid,
            "bidder": self.bidder,
            "lot": self.lot,
            "rank": self.rank,
            "excluded": self.excluded,
            "exclusions": [m.to_dict() for m in self.exclusions],
            "checks": [c.to_dict() for c in self.checks],
            "contract_price": self.contract_price,
            "evaluated_price": self.evaluated_price,
            "evaluated_cost": self.evaluated_cost,
            "lcc": self.lcc.to_dict() if self.lcc else None,
            "cvd": self.cvd.to_dict() if self.cvd else None,
            "price_score": self.price_score,
            "quality_score": self.quality_score,
            "total_score": self.total_score,
            "criteria": [c.to_dict() for c in self.criteria],
            "adjustments": [a.to_dict() for a in self.adjustments],
            "flags": [m.to_dict() for m in self.flags],
            "unit_price": self.unit_price,
        }


@dataclass(frozen=True, slots=True)
class WeightInterval:
    """For one weight: the interval within which the winner stays the same.

    The weight varies from ``low`` to ``high`` (on the tender's points scale) while the other
    weights are scaled proportionally so that the total stays the same. ``None`` bounds mean
    the winner holds to the end of the range (0 or the total). ``next_winner_below`` /
    ``next_winner_above`` name who would win just outside the interval.
    """

    criterion: str
    weight: float
    low: float | None
    high: float | None
    total: float
    next_winner_below: str | None
    next_winner_above: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "weight": self.weight,
            "low": self.low,
            "high": self.high,
            "total": self.total,
            "next_winner_below": self.next_winner_below,
            "next_winner_above": self.next_winner_above,
        }


@dataclass(frozen=True, slots=True)
class LotResult:
    """The evaluation of one lot: ranked bids first, then excluded ones."""

    lot: str
    title: str
    method: str
    formula: str | None
    score_basis: str
    bids: tuple[BidResult, ...]
    winner: str | None
    tie_break: Message | None
    sensitivity: tuple[WeightInterval, ...]
    notes: tuple[Message, ...]
    parameters: Mapping[str, Any]

    @property
    def ranking(self) -> tuple[str, ...]:
        """Bid ids of the compliant bids, best first."""
        ranked = [b for b in self.bids if b.rank is not None]
        return tuple(b.bid for b in sorted(ranked, key=lambda b: b.rank or 0))

    @property
    def excluded(self) -> tuple[BidResult, ...]:
        return tuple(b for b in self.bids if b.excluded)

    def bid(self, bid_id: str) -> BidResult:
        """The result of one bid by id (KeyError if absent)."""
        for result in self.bids:
            if result.bid == bid_id:
                return result
        raise KeyError(bid_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lot": self.lot,
            "title": self.title,
            "method": self.method,
            "formula": self.formula,
            "score_basis": self.score_basis,
            "ranking": list(self.ranking),
            "winner": self.winner,
            "tie_break": self.tie_break.to_dict() if self.tie_break else None,
            "bids": [b.to_dict() for b in self.bids],
            "sensitivity": [s.to_dict() for s in self.sensitivity],
            "notes": [n.to_dict() for n in self.notes],
            "parameters": _plain(self.parameters),
        }


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """The evaluation of a tender: per-lot results, the rules applied and the sources used.

    ``tie_break_rule`` states the documented rule; ``sources`` lists every value used with its
    origin (tender, reference factor with citation and dataset version, or legal text).
    """

    title: str
    buyer: str
    country: str
    currency: str
    date: dt.date
    factor_year: int
    lots: tuple[LotResult, ...]
    sources: tuple[SourceUsed, ...]
    tie_break_rule: Message
    notes: tuple[Message, ...] = ()

    def lot(self, lot_id: str) -> LotResult:
        """The result of one lot by id (KeyError if absent)."""
        for result in self.lots:
            if result.lot == lot_id:
                return result
        raise KeyError(lot_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "buyer": self.buyer,
            "country": self.country,
            "currency": self.currency,
            "date": self.date.isoformat(),
            "factor_year": self.factor_year,
            "lots": [lot.to_dict() for lot in self.lots],
            "sources": [s.to_dict() for s in self.sources],
            "tie_break_rule": self.tie_break_rule.to_dict(),
            "notes": [n.to_dict() for n in self.notes],
        }
