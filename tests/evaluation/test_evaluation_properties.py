"""Property tests: monotonicity of ranks in price and discount, scores within their scale."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenprocure.evaluation import evaluate, parse_tender

BASE: dict[str, Any] = {
    "title": "P",
    "buyer": "B",
    "country": "NL",
    "currency": "EUR",
    "date": "2024-01-01",
}

prices = st.lists(
    st.floats(min_value=1_000, max_value=100_000, allow_nan=False), min_size=2, max_size=6
)
scores = st.floats(min_value=0, max_value=10, allow_nan=False)
energies = st.floats(min_value=10, max_value=1000, allow_nan=False)
formulas = st.sampled_from(["proportional", "linear", "price_per_point"])
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _meat(
    price_list: list[float], points: list[float], energy: list[float], name: str
) -> dict[str, Any]:
    bids = [
        {
            "id": f"B{i}",
            "bidder": f"b{i}",
            "price": p,
            "parameters": {"q": points[i % len(points)], "e": energy[i % len(energy)]},
            "co2_ladder_level": i % 4,
        }
        for i, p in enumerate(price_list)
    ]
    return {
        **BASE,
        "award": {
            "method": "meat",
            "price_weight": 40,
            "formula": {"name": name},
            "criteria": [
                {"id": "q", "weight": 35, "kind": "points", "parameter": "q"},
                {"id": "e", "weight": 25, "parameter": "e", "better": "lower"},
            ],
        },
        "mechanisms": [{"type": "co2_ladder"}],
        "bids": bids,
    }


def _rank(data: dict[str, Any], bid: str) -> int:
    rank = evaluate(parse_tender(data)).lot("1").bid(bid).rank
    assert rank is not None
    return rank


@SETTINGS
@given(
    prices,
    st.lists(scores, min_size=1, max_size=6),
    st.lists(energies, min_size=1, max_size=6),
    formulas,
    st.data(),
)
def test_lowering_a_price_never_worsens_its_rank(
    price_list: list[float], points: list[float], energy: list[float], name: str, data: Any
) -> None:
    index = data.draw(st.integers(0, len(price_list) - 1))
    factor = data.draw(st.floats(min_value=0.5, max_value=1.0))
    before = _rank(_meat(price_list, points, energy, name), f"B{index}")
    lowered = list(price_list)
    lowered[index] *= factor
    after = _rank(_meat(lowered, points, energy, name), f"B{index}")
    assert after <= before


@SETTINGS
@given(prices, st.data())
def test_larger_discount_never_worsens_its_rank(price_list: list[float], data: Any) -> None:
    index = data.draw(st.integers(0, len(price_list) - 1))
    small = data.draw(st.floats(min_value=0, max_value=20))
    large = data.draw(st.floats(min_value=small, max_value=40))
    ranks = []
    for percent in (small, large):
        tender = {
            **BASE,
            "mechanisms": [{"type": "co2_ladder", "scale": {1: percent} if percent else {1: 0}}],
            "bids": [
                {"id": f"B{i}", "bidder": "x", "price": p, "co2_ladder_level": int(i == index)}
                for i, p in enumerate(price_list)
            ],
        }
        ranks.append(_rank(tender, f"B{index}"))
    assert ranks[1] <= ranks[0]


@SETTINGS
@given(
    prices,
    st.lists(scores, min_size=1, max_size=6),
    st.lists(energies, min_size=1, max_size=6),
    st.sampled_from(["proportional", "linear"]),
)
def test_scores_stay_within_their_scale(
    price_list: list[float], points: list[float], energy: list[float], name: str
) -> None:
    lot = evaluate(parse_tender(_meat(price_list, points, energy, name))).lot("1")
    for bid in lot.bids:
        assert bid.price_score is not None
        assert -1e-9 <= bid.price_score <= 40 + 1e-9
        for criterion in bid.criteria:
            assert -1e-9 <= criterion.score <= criterion.max_score + 1e-9
        ladder = sum(a.points or 0 for a in bid.adjustments)
        assert bid.quality_score is not None
        assert -1e-9 <= bid.quality_score - ladder <= 60 + 1e-9
