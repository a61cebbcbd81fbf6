"""Best price-quality ratio (MEAT): price or cost points plus weighted quality points.

    Q_i     = sum_k w_k x f_ik + g_i       (criteria fractions f, green points g)
    total_i = formula(C, Q, W_p)           (see ``greenprocure.evaluation.formulas``)

``C`` is the evaluated price (``cost_basis: price``) or the evaluated life-cycle cost
(``cost_basis: lcc``). With the score formulas the highest total wins; with the price per
quality point ratio the lowest wins.
"""

from __future__ import annotations

from greenprocure.evaluation.formulas import formula
from greenprocure.evaluation.methods._base import Method, MethodInput, Outcome
from greenprocure.i18n import N_

__all__ = ["MEAT"]


def _rank(data: MethodInput) -> Outcome:
    award = data.award
    costs = data.cost if award.cost_basis == "lcc" and data.cost is not None else data.price
    chosen = formula(award.formula.name)
    totals = chosen.apply(costs, data.quality, award.price_weight, award.formula)
    basis = "score" if totals.higher_is_better else "ratio"
    return Outcome(totals.total, totals.higher_is_better, basis, totals.price_score)


MEAT = Method("meat", N_("best price-quality ratio"), False, _rank)
