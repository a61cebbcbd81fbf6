"""The evaluation pipeline: compliance, costing, green mechanisms, scoring, ranking.

For each lot, in this order:

1. every bid is checked against the tender's and the lot's requirements; a bid failing a
   mandatory one is excluded with the reason (never silently);
2. criterion minimums, maximums and pass/fail criteria exclude further bids;
3. the compliant bids are costed (Art. 68 LCC or the CVD operational lifetime cost), the
   green mechanisms give notional discounts or points, quality criteria are scored;
4. the award method turns these into a total; bids are ranked with the tie-break rule of
   :mod:`greenprocure.evaluation.tiebreak`; for weighted methods the interval of each weight
   within which the winner stays the same is computed.

All steps work on numpy arrays over the bids of a lot.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from greenprocure.errors import ValidationError
from greenprocure.evaluation._context import Context, FloatArray, Sources
from greenprocure.evaluation.compliance import check_requirements
from greenprocure.evaluation.cvd import CvdArrays, compute_cvd
from greenprocure.evaluation.formulas import formula
from greenprocure.evaluation.lcc import COMPONENTS, LccArrays, compute_lcc
from greenprocure.evaluation.mechanisms import mechanism
from greenprocure.evaluation.methods import MethodInput, method
from greenprocure.evaluation.quality import QualityArrays, criterion_exclusions, score_criteria
from greenprocure.evaluation.result import (
    Adjustment,
    BidResult,
    CriterionScores,
    CvdBreakdown,
    EvaluationResult,
    LccBreakdown,
    LotResult,
    Message,
    RequirementCheck,
)
from greenprocure.evaluation.sensitivity import weight_intervals
from greenprocure.evaluation.tender import AwardSpec, Bid, Lot, Tender
from greenprocure.evaluation.tiebreak import TIE_BREAK_RULE, rank_order
from greenprocure.i18n import N_
from greenprocure.reference import ReferenceLibrary

__all__ = ["evaluate"]


def _group(tender: Tender, bids: Sequence[Bid], file: str | None) -> dict[str, list[Bid]]:
    lots = tender.effective_lots()
    groups: dict[str, list[Bid]] = {lot.id: [] for lot in lots}
    seen: dict[str, set[str]] = {lot.id: set() for lot in lots}
    for bid in bids:
        lot_id = bid.lot if bid.lot is not None else (lots[0].id if len(lots) == 1 else None)
        if lot_id not in groups:
            raise ValidationError(
                N_("bid {bid}: unknown lot {lot}; the tender has lots {lots}"),
                file=file,
                record=bid.id,
                field="lot",
                bid=bid.id,
                lot=bid.lot,
                lots=", ".join(groups),
            )
        if bid.id in seen[lot_id]:
            raise ValidationError(
                N_("bid {bid}: the id is used twice in lot {lot}"),
                file=file,
                record=bid.id,
                field="id",
                bid=bid.id,
                lot=lot_id,
            )
        seen[lot_id].add(bid.id)
        groups[lot_id].append(bid)
    return groups


def _check_spec(tender: Tender, lot: Lot, award: AwardSpec, file: str | None) -> None:
    has_cost = (lot.lcc or tender.lcc or lot.cvd or tender.cvd) is not None
    needs_cost = method(award.method).needs_cost or (
        award.method == "meat" and award.cost_basis == "lcc"
    )
    if needs_cost and not has_cost:
        raise ValidationError(
            N_("lot {lot}: the award method {method} needs lcc or cvd parameters"),
            file=file,
            record="tender",
            field="award.method",
            lot=lot.id,
            method=award.method,
        )
    mechanisms = lot.mechanisms if lot.mechanisms is not None else tender.mechanisms
    if award.method != "meat" and any(getattr(m, "mode", "") == "points" for m in mechanisms):
        raise ValidationError(
            N_("lot {lot}: points mechanisms need the meat award method"),
            file=file,
            record="tender",
            field="mechanisms",
            lot=lot.id,
        )


def _lcc_breakdowns(arrays: LccArrays) -> list[LccBreakdown]:
    """One breakdown per bid, sharing the lot's read-only cash-flow tables."""
    for flows in arrays.flows.values():
        flows.flags.writeable = False
    discount = tuple(arrays.discount.tolist())
    npv = {c: arrays.npv[c].tolist() for c in COMPONENTS}
    totals = arrays.total.tolist()
    emissions = arrays.emissions_kg.tolist()
    return [
        LccBreakdown(
            years=arrays.years,
            flows=arrays.flows,
            row=i,
            discount_factors=discount,
            npv={c: npv[c][i] for c in COMPONENTS},
            total=totals[i],
            emissions_kg=emissions[i],
        )
        for i in range(len(totals))
    ]


def _cvd_breakdown(arrays: CvdArrays, i: int) -> CvdBreakdown:
    c = arrays.costs
    return CvdBreakdown(
        fuel=arrays.fuel[i],
        energy_mj_per_km=float(arrays.mj_per_km[i]),
        mileage_km=float(arrays.mileage[i]),
        price_per_mj=arrays.price_per_mj,
        energy=float(c["energy"][i]),
        co2=float(c["co2"][i]),
        nox=float(c["nox"][i]),
        nmhc=float(c["nmhc"][i]),
        pm=float(c["pm"][i]),
        total=float(arrays.total[i]),
        quantity=arrays.quantity,
    )


def _criteria_scores(q: QualityArrays) -> list[CriterionScores]:
    """Per bid, a view of its criterion scores in the lot's shared score table."""
    meta = [(c.id, c.name or c.id, c.unit, c.weight) for c in q.criteria]
    scores = q.scores
    scores.flags.writeable = False
    return [CriterionScores(meta, q.raw, scores, i) for i in range(scores.shape[0])]


def _sensitivity(
    award: AwardSpec,
    q: QualityArrays,
    price_score: FloatArray | None,
    points: FloatArray,
    costs: FloatArray,
    winner: int,
    ids: list[str],
) -> list[Any]:
    if award.formula.name == "price_per_point":
        names = [c.id for c in q.criteria]
        return weight_intervals(names, q.fractions, q.weights, points, winner, ids, costs)
    assert price_score is not None
    price_fraction = price_score / award.price_weight
    fractions = np.column_stack([price_fraction, q.fractions])
    weights = np.concatenate([[award.price_weight], q.weights])
    names = ["price", *[c.id for c in q.criteria]]
    return weight_intervals(names, fractions, weights, points, winner, ids)


def _evaluate_lot(
    tender: Tender,
    lot: Lot,
    bids: Sequence[Bid],
    library: ReferenceLibrary | None,
    sources: Sources,
    file: str | None,
) -> LotResult:
    award = lot.award or tender.award
    _check_spec(tender, lot, award, file)
    lcc_spec = lot.lcc or tender.lcc
    cvd_spec = lot.cvd or tender.cvd
    mechanisms = lot.mechanisms if lot.mechanisms is not None else tender.mechanisms
    requirements = (*tender.requirements, *lot.requirements)
    ctx = Context(tender, lot, bids, library, sources, file)
    prices_all = ctx.prices()
    unit_prices: FloatArray | None = None
    if lcc_spec is not None and lcc_spec.price_is_per_unit:
        unit_prices = prices_all
        prices_all = prices_all * lcc_spec.quantity
    checks, exclusions, flags = check_requirements(ctx, requirements)
    first = [i for i in range(ctx.n) if not exclusions[i]]
    cache: dict[str, Any] = {}
    ctx1 = ctx.subset(first)
    for k, messages in enumerate(criterion_exclusions(ctx1, award.criteria, cache)):
        exclusions[first[k]].extend(messages)
    keep = [i for i in first if not exclusions[i]]
    ctx2 = ctx.subset(keep)
    prices = prices_all[keep]
    m = len(keep)

    lcc = compute_lcc(ctx2, lcc_spec, prices) if lcc_spec is not None and m else None
    cvd = compute_cvd(ctx2, cvd_spec) if cvd_spec is not None and m else None
    discount, points = np.zeros(m), np.zeros(m)
    adjustments: list[list[Adjustment]] = [[] for _ in range(m)]
    notes: list[Message] = []
    for entry in mechanisms:
        effect = mechanism(entry.type).apply(ctx2, entry, prices)
        discount += effect.discount
        points += effect.points
        notes.extend(effect.notes)
        for i, adjustment in enumerate(effect.adjustments):
            if adjustment is not None:
                adjustments[i].append(adjustment)
        for i, flag in enumerate(effect.flags or ()):
            if flag is not None:
                flags[keep[i]].append(flag)
    evaluated_price = prices - discount
    cost: FloatArray | None = None
    if lcc is not None:
        cost = lcc.total - discount
    elif cvd is not None:
        cost = prices + cvd.total * cvd.quantity - discount
    elif lcc_spec is not None or cvd_spec is not None:
        cost = np.zeros(0)  # no compliant bid left to cost
    quality_arrays = None
    quality = points.copy()
    if award.method == "meat" and m:
        valid = np.ones(m)
        quality_arrays = score_criteria(ctx2, award.criteria, valid, cache if keep == first else {})
        quality = quality_arrays.scores.sum(axis=1) + points
    outcome = method(award.method).rank(MethodInput(award, evaluated_price, cost, quality))
    on_cost = outcome.basis == "cost" or (award.method == "meat" and award.cost_basis == "lcc")
    secondary = cost if on_cost and cost is not None else evaluated_price
    order, tie = rank_order(outcome.total, outcome.higher_is_better, secondary, quality, ctx2.bids)
    ranks = np.empty(m, dtype=np.int64)
    ranks[order] = np.arange(1, m + 1)
    sensitivity: list[Any] = []
    if quality_arrays is not None and m >= 2:
        sensitivity = _sensitivity(
            award,
            quality_arrays,
            outcome.price_score,
            points,
            cost if award.cost_basis == "lcc" and cost is not None else evaluated_price,
            order[0],
            [b.id for b in ctx2.bids],
        )
    lcc_rows = _lcc_breakdowns(lcc) if lcc is not None else []
    score_rows = _criteria_scores(quality_arrays) if quality_arrays is not None else []
    position = {index: j for j, index in enumerate(keep)}
    results: list[BidResult] = []
    for i, bid in enumerate(bids):
        found = position.get(i)
        if found is None:
            excluded = _excluded(bid, lot, float(prices_all[i]), exclusions[i], checks[i])
            if unit_prices is not None:
                excluded = replace(excluded, unit_price=float(unit_prices[i]))
            results.append(excluded)
            continue
        j = found
        results.append(
            BidResult(
                bid=bid.id,
                bidder=bid.bidder,
                lot=lot.id,
                rank=int(ranks[j]),
                excluded=False,
                exclusions=(),
                checks=tuple(checks[i]),
                contract_price=float(prices[j]),
                evaluated_price=float(evaluated_price[j]),
                evaluated_cost=float(cost[j]) if cost is not None else float(evaluated_price[j]),
                lcc=lcc_rows[j] if lcc_rows else None,
                cvd=_cvd_breakdown(cvd, j) if cvd is not None else None,
                price_score=(
                    float(outcome.price_score[j]) if outcome.price_score is not None else None
                ),
                quality_score=float(quality[j]) if award.method == "meat" else None,
                total_score=float(outcome.total[j]) if award.method == "meat" else None,
                criteria=score_rows[j] if score_rows else (),
                adjustments=tuple(adjustments[j]),
                flags=tuple(flags[i]),
                unit_price=float(unit_prices[i]) if unit_prices is not None else None,
            )
        )
    results.sort(key=lambda r: (r.rank is None, r.rank or 0))
    return LotResult(
        lot=lot.id,
        title=lot.title or tender.title,
        method=award.method,
        formula=award.formula.name if award.method == "meat" else None,
        score_basis=outcome.basis,
        bids=tuple(results),
        winner=ctx2.bids[order[0]].id if m else None,
        tie_break=tie,
        sensitivity=tuple(sensitivity),
        notes=tuple({n.template: n for n in notes}.values()),
        parameters=_parameters(award, lot, tender),
    )


def _excluded(
    bid: Bid, lot: Lot, price: float, reasons: list[Message], checks: list[RequirementCheck]
) -> BidResult:
    return BidResult(
        bid=bid.id,
        bidder=bid.bidder,
        lot=lot.id,
        rank=None,
        excluded=True,
        exclusions=tuple(reasons),
        checks=tuple(checks),
        contract_price=price,
        evaluated_price=price,
        evaluated_cost=price,
        lcc=None,
        cvd=None,
        price_score=None,
        quality_score=None,
        total_score=None,
        criteria=(),
        adjustments=(),
    )


def _parameters(award: AwardSpec, lot: Lot, tender: Tender) -> dict[str, Any]:
    lcc = lot.lcc or tender.lcc
    cvd = lot.cvd or tender.cvd
    mechanisms = lot.mechanisms if lot.mechanisms is not None else tender.mechanisms
    out: dict[str, Any] = {
        "award": award.model_dump(mode="json"),
        "method_description": method(award.method).description,
        "requirements": [
            r.model_dump(mode="json") for r in (*tender.requirements, *lot.requirements)
        ],
        "mechanisms": [m.model_dump(mode="json") for m in mechanisms],
    }
    if award.method == "meat":
        out["formula_description"] = formula(award.formula.name).description
    if lcc is not None:
        out["lcc"] = lcc.model_dump(mode="json")
    if cvd is not None:
        out["cvd"] = cvd.model_dump(mode="json")
    return out


def evaluate(
    tender: Tender,
    bids: Sequence[Bid] | None = None,
    library: ReferenceLibrary | None = None,
    *,
    file: str | None = None,
) -> EvaluationResult:
    """Evaluate ``bids`` (default: the bids inline in the tender) lot by lot.

    Raises :class:`~greenprocure.errors.ValidationError` or
    :class:`~greenprocure.errors.UnitError` naming the bid and field on invalid input, and
    the reference library's errors when a factor the tender needs does not exist.
    """
    chosen = list(bids) if bids is not None else list(tender.bids)
    groups = _group(tender, chosen, file)
    sources = Sources()
    # Hundreds of thousands of small result objects are built; the cyclic garbage collector
    # would otherwise rescan every bid model many times over (none of them forms cycles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        lots = tuple(
            _evaluate_lot(tender, lot, groups[lot.id], library, sources, file)
            for lot in tender.effective_lots()
        )
    finally:
        if collecting:
            gc.enable()
    return EvaluationResult(
        title=tender.title,
        buyer=tender.buyer,
        country=tender.country,
        currency=tender.currency,
        date=tender.date,
        factor_year=tender.year,
        lots=lots,
        sources=tuple(sources.items.values()),
        tie_break_rule=TIE_BREAK_RULE,
    )
