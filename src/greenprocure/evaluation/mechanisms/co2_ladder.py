"""CO2 Performance Ladder notional discount (SKAO; ProRail, Rijkswaterstaat practice).

The bidder declares the CO2 ambition level at which it will perform the contract, and how it
will prove it after award (certificate or project statement; a bid that does not say so is
flagged for the committee). With the
tender's scale ``s`` (level -> advantage):

    percent:  discount_i = P_i x s[level_i] / 100      evaluated = P_i - discount_i
    amount:   discount_i = s[level_i]                  evaluated = P_i - discount_i
    points:   points_i   = s[level_i]                  added to the quality score

Level 0 or no level earns nothing; a level that the scale does not define is an input error.
The contract is paid at the bid price: the discount only affects the ranking (a level not
achieved is sanctioned under the contract). Example (ProRail scale 1/2/4/7/10 %): EUR 30 M at
level 3 (4 %) is evaluated at EUR 28.8 M and beats a level-0 bid of EUR 29 M.
"""

from __future__ import annotations

import numpy as np

from greenprocure.errors import ValidationError
from greenprocure.evaluation._context import Context, FloatArray
from greenprocure.evaluation.mechanisms._base import Effect, Mechanism
from greenprocure.evaluation.result import Adjustment, Message
from greenprocure.evaluation.tender import Co2Ladder
from greenprocure.i18n import N_

__all__ = ["CO2_LADDER"]

_PERCENT = N_("CO2 Performance Ladder level {level}: notional discount of {percent} %")
_AMOUNT = N_("CO2 Performance Ladder level {level}: notional discount of {amount}")
_POINTS = N_("CO2 Performance Ladder level {level}: {points} points")
_PROOF = N_(
    "CO2 Performance Ladder level {level} declared without saying how it will be proven "
    "(certificate or project statement)"
)
_NOTE = N_(
    "CO2 Performance Ladder: the discount applies to the evaluated price only; the contract "
    "price is the bid price, and the declared level becomes a contract requirement"
)


def _apply(ctx: Context, entry: Co2Ladder, prices: FloatArray) -> Effect:
    advantage = np.zeros(ctx.n)
    levels: list[int] = []
    for i, bid in enumerate(ctx.bids):
        level = bid.co2_ladder_level or 0
        levels.append(level)
        if level == 0:
            continue
        if level not in entry.scale:
            raise ValidationError(
                N_("bid {bid}: CO2 Performance Ladder level {level} is not on the scale {levels}"),
                **ctx.where(bid, "co2_ladder_level"),
                level=level,
                levels=", ".join(str(k) for k in sorted(entry.scale)),
            )
        advantage[i] = entry.scale[level]
    for level, value in sorted(entry.scale.items()):
        unit = {"percent": "%", "amount": ctx.tender.currency, "points": "points"}[entry.mode]
        ctx.sources.tender(N_("CO2 Performance Ladder level"), value, unit, detail=str(level))
    discount = np.zeros(ctx.n)
    points = np.zeros(ctx.n)
    if entry.mode == "percent":
        discount = prices * advantage / 100.0
    elif entry.mode == "amount":
        discount = advantage.copy()
    else:
        points = advantage.copy()
    adjustments: list[Adjustment | None] = []
    for i, level in enumerate(levels):
        if advantage[i] == 0:
            adjustments.append(None)
            continue
        value = float(advantage[i])
        if entry.mode == "percent":
            message = Message(_PERCENT, {"level": level, "percent": value})
            adjustments.append(Adjustment("co2_ladder", float(discount[i]), value, None, message))
        elif entry.mode == "amount":
            message = Message(_AMOUNT, {"level": level, "amount": value})
            adjustments.append(Adjustment("co2_ladder", value, None, None, message))
        else:
            message = Message(_POINTS, {"level": level, "points": value})
            adjustments.append(Adjustment("co2_ladder", 0.0, None, value, message))
    flags: list[Message | None] = [
        Message(_PROOF, {"level": level}) if level and bid.co2_ladder_proof is None else None
        for level, bid in zip(levels, ctx.bids, strict=True)
    ]
    return Effect(discount, points, adjustments, (Message(_NOTE),), flags)


CO2_LADDER = Mechanism(
    "co2_ladder", N_("CO2 Performance Ladder notional discount by ambition level"), _apply
)
