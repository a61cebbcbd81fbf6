"""Ranking with a documented tie-break rule.

Bids are ordered by their total (lowest price, lowest cost or lowest ratio first; highest
score first). Totals equal to 1e-6 are ties, broken in this order:

1. the lower evaluated price (or evaluated cost when the method ranks on cost);
2. the higher quality score;
3. the earlier submission time (bids without a time come after those with one);
4. the bid id in text order, a deterministic last resort: the result flags the tie so that
   the contracting authority can apply its own rule (e.g. drawing lots) where its law says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from greenprocure.evaluation._context import FloatArray
from greenprocure.evaluation.result import Message
from greenprocure.evaluation.tender import Bid
from greenprocure.i18n import N_

__all__ = ["TIE_BREAK_RULE", "rank_order"]

TIE_BREAK_RULE = Message(
    N_(
        "Equal totals (to 1e-6) are broken by: lower evaluated price or cost, then higher "
        "quality score, then earlier submission, then bid id (flagged for the authority)"
    )
)
_TIE = N_("bids {bids} tied on the total; the order was decided by: {rule}")
_RULES = (
    N_("lower evaluated price or cost"),
    N_("higher quality score"),
    N_("earlier submission"),
    N_("bid id (apply the authority's own rule if required)"),
)


def _keys(
    total: FloatArray,
    higher_is_better: bool,
    secondary: FloatArray,
    quality: FloatArray,
    bids: Sequence[Bid],
) -> list[FloatArray]:
    primary = np.round(-total if higher_is_better else total, 6)
    primary = np.where(np.isfinite(primary), primary, np.inf)
    times = np.array(
        [b.submitted_at.timestamp() if b.submitted_at else np.inf for b in bids], dtype=np.float64
    )
    ids = np.empty(len(bids), dtype=np.float64)
    ids[np.argsort(np.array([b.id for b in bids], dtype=object), kind="stable")] = np.arange(
        len(bids)
    )
    return [primary, np.round(secondary, 6), np.round(-quality, 6), times, ids]


def rank_order(
    total: FloatArray,
    higher_is_better: bool,
    secondary: FloatArray,
    quality: FloatArray,
    bids: Sequence[Bid],
) -> tuple[list[int], Message | None]:
    """Indices of ``bids`` best first, and a message if the first place was tied."""
    if len(bids) == 0:
        return [], None
    keys = _keys(total, higher_is_better, secondary, quality, bids)
    order = [int(i) for i in np.lexsort(tuple(reversed(keys)))]
    first = order[0]
    tied = [i for i in order if keys[0][i] == keys[0][first]]
    if len(tied) < 2:
        return order, None
    runner = tied[1]
    decided = next(
        (k for k in range(1, len(keys)) if keys[k][first] != keys[k][runner]), len(keys) - 1
    )
    message = Message(
        _TIE, {"bids": ", ".join(bids[i].id for i in tied), "rule": Message(_RULES[decided - 1])}
    )
    return order, message
