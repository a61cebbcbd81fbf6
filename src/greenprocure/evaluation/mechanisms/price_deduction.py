"""Certificate-based price deduction or points (China's priority procurement).

Under 财库〔2019〕9号 certified energy-saving and environmental-label products in priority
categories get preferential treatment; local rules (e.g. 粤财采购〔2019〕1号) give 1-5 % off
the evaluated price or 1-5 points. For each bid, each rule whose schemes include a
certificate valid on the tender date contributes its value; ``combine`` sums them or keeps
the largest; the result is capped at ``cap``::

    percent:  d_i = min(cap, combine(values)) ;  evaluated_i = P_i x (1 - d_i / 100)
    points:   points_i = min(cap, combine(values))

Example: a CNY 100 000 bid with an energy-saving certificate (2 %) and an environmental
label (1 %), summed, is evaluated at CNY 97 000. The contract price is not changed.
"""

from __future__ import annotations

import numpy as np

from greenprocure.evaluation._context import Context, FloatArray
from greenprocure.evaluation.mechanisms._base import Effect, Mechanism
from greenprocure.evaluation.result import Adjustment, Message
from greenprocure.evaluation.tender import PriceDeduction
from greenprocure.i18n import N_

__all__ = ["PRICE_DEDUCTION"]

_PERCENT = N_("price deduction of {percent} % for certificates {certificates}")
_POINTS = N_("{points} points for certificates {certificates}")
_NOTE = N_("price deduction: applies to the evaluated price only; the contract price is the bid")


def _apply(ctx: Context, entry: PriceDeduction, prices: FloatArray) -> Effect:
    matrix = np.zeros((ctx.n, len(entry.rules)))
    names: list[list[str]] = [[] for _ in range(ctx.n)]
    unit = "%" if entry.mode == "percent" else "points"
    for k, rule in enumerate(entry.rules):
        label = rule.label or "/".join(rule.schemes)
        ctx.sources.tender(N_("price deduction"), rule.value, unit, detail=label)
        for i, found in enumerate(ctx.has_certificate(rule.schemes)):
            if found is not None:
                matrix[i, k] = rule.value
                names[i].append(f"{found.scheme} {found.number}".strip())
    value = matrix.max(axis=1) if entry.combine == "max" else matrix.sum(axis=1)
    if entry.cap is not None:
        ctx.sources.tender(N_("price deduction cap"), entry.cap, unit)
        value = np.minimum(value, entry.cap)
    discount = prices * value / 100.0 if entry.mode == "percent" else np.zeros(ctx.n)
    points = value.copy() if entry.mode == "points" else np.zeros(ctx.n)
    adjustments: list[Adjustment | None] = []
    for i in range(ctx.n):
        if value[i] == 0:
            adjustments.append(None)
            continue
        certificates = ", ".join(names[i])
        v = float(value[i])
        if entry.mode == "percent":
            message = Message(_PERCENT, {"percent": v, "certificates": certificates})
            adjustments.append(Adjustment("price_deduction", float(discount[i]), v, None, message))
        else:
            message = Message(_POINTS, {"points": v, "certificates": certificates})
            adjustments.append(Adjustment("price_deduction", 0.0, None, v, message))
    return Effect(discount, points, adjustments, (Message(_NOTE),))


PRICE_DEDUCTION = Mechanism(
    "price_deduction", N_("price deduction or points for listed certificates"), _apply
)
