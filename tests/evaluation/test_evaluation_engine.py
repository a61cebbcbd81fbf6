"""Evaluation engine: invalid input, tie-break, formulas, LCC details, sensitivity."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from greenprocure.errors import UnitError, ValidationError
from greenprocure.evaluation import (
    Bid,
    EvaluationResult,
    evaluate,
    parse_bids,
    parse_tender,
    tender_json_schema,
)
from greenprocure.i18n import use_language

BASE: dict[str, Any] = {
    "title": "Test",
    "buyer": "Buyer",
    "country": "CN",
    "currency": "CNY",
    "date": "2024-06-01",
}


def _tender(**extra: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(extra)
    return data


def _run(data: dict[str, Any]) -> EvaluationResult:
    return evaluate(parse_tender(data))


def test_negative_price_names_bid_and_field() -> None:
    data = _tender(bids=[{"id": "B1", "bidder": "x", "price": -5}])
    with pytest.raises(ValidationError) as info:
        _run(data)
    assert info.value.record == "B1"
    assert info.value.field == "price"
    assert "B1" in str(info.value)


def test_missing_parameter_names_bid_and_field() -> None:
    data = _tender(
        requirements=[{"id": "gwp", "parameter": "gwp", "operator": "<=", "threshold": 750}],
        bids=[
            {"id": "A", "bidder": "a", "price": 5, "parameters": {"gwp": 675}},
            {"id": "B", "bidder": "b", "price": 6},
        ],
    )
    with pytest.raises(ValidationError) as info:
        _run(data)
    assert (info.value.record, info.value.field) == ("B", "gwp")


def test_unknown_unit_names_bid() -> None:
    data = _tender(
        requirements=[
            {"id": "e", "parameter": "energy", "operator": "<=", "threshold": 5, "unit": "kWh"}
        ],
        bids=[
            {
                "id": "A",
                "bidder": "a",
                "price": 5,
                "parameters": {"energy": {"value": 3, "unit": "florps"}},
            }
        ],
    )
    with pytest.raises(UnitError) as info:
        _run(data)
    assert info.value.record == "A"
    assert info.value.field == "energy"


def test_wrong_dimension_is_a_unit_error() -> None:
    data = _tender(
        requirements=[
            {"id": "e", "parameter": "energy", "operator": "<=", "threshold": 5, "unit": "kWh"}
        ],
        bids=[
            {
                "id": "A",
                "bidder": "a",
                "price": 5,
                "parameters": {"energy": {"value": 3, "unit": "kg"}},
            }
        ],
    )
    with pytest.raises(UnitError):
        _run(data)


def test_currency_without_rate_names_bid_and_field() -> None:
    data = _tender(bids=[{"id": "A", "bidder": "a", "price": 5, "currency": "XTS"}])
    with pytest.raises(ValidationError) as info:
        _run(data)
    assert (info.value.record, info.value.field) == ("A", "currency")


def test_foreign_currency_is_converted_with_a_cited_rate() -> None:
    data = _tender(
        currency="EUR",
        country="NL",
        date="2023-05-01",
        bids=[
            {"id": "A", "bidder": "a", "price": 100, "currency": "USD"},
            {"id": "B", "bidder": "b", "price": 100},
        ],
    )
    result = _run(data)
    a = result.lot("1").bid("A")
    assert 0 < a.contract_price < 150
    assert a.contract_price != 100
    rates = [s for s in result.sources if s.name == "exchange rate" and "USD/EUR" in s.detail]
    assert rates
    assert rates[0].factor is not None
    assert rates[0].factor["source"]["url"]


def test_cvd_override_outside_directive_range_is_rejected() -> None:
    data = _tender(
        currency="EUR",
        award={"method": "lowest_cost"},
        cvd={"category": "M1", "petrol_price": 0.55, "diesel_price": 0.6, "co2_cost": 0.05},
        bids=[
            {
                "id": "E",
                "bidder": "e",
                "price": 1,
                "parameters": {
                    "fuel": "electricity",
                    "fuel_consumption": {"value": 15, "unit": "kWh/(100 km)"},
                },
            }
        ],
    )
    with pytest.raises(ValidationError) as info:
        _run(data)
    assert info.value.field == "cvd.co2_cost"
    assert "0.03" in str(info.value)
    assert "0.04" in str(info.value)


def test_tie_broken_by_submission_time_and_reported() -> None:
    data = _tender(
        bids=[
            {"id": "late", "bidder": "a", "price": 100, "submitted_at": "2024-05-02T10:00:00"},
            {"id": "early", "bidder": "b", "price": 100, "submitted_at": "2024-05-01T10:00:00"},
            {"id": "dear", "bidder": "c", "price": 101},
        ]
    )
    lot = _run(data).lot("1")
    assert lot.ranking == ("early", "late", "dear")
    assert lot.tie_break is not None
    assert "earlier submission" in str(lot.tie_break)
    with use_language("zh"):
        assert "提交" in lot.tie_break.text()


def test_linear_formula_with_reference_value() -> None:
    data = _tender(
        award={
            "method": "meat",
            "price_weight": 50,
            "formula": {"name": "linear", "reference": "value", "reference_value": 200},
            "criteria": [{"id": "q", "weight": 50, "kind": "points", "parameter": "q"}],
        },
        bids=[
            {"id": "A", "bidder": "a", "price": 100, "parameters": {"q": 4}},
            {"id": "B", "bidder": "b", "price": 150, "parameters": {"q": 10}},
        ],
    )
    lot = _run(data).lot("1")
    assert lot.bid("A").price_score == pytest.approx(50.0)
    assert lot.bid("A").total_score == pytest.approx(70.0)
    assert lot.bid("B").price_score == pytest.approx(25.0)  # (200-150)/(200-100) x 50
    assert lot.bid("B").total_score == pytest.approx(75.0)
    assert lot.ranking == ("B", "A")


def test_price_per_quality_point_ranks_lowest_ratio_first() -> None:
    data = _tender(
        award={
            "method": "meat",
            "formula": {"name": "price_per_point"},
            "criteria": [{"id": "q", "weight": 100, "kind": "points", "parameter": "q"}],
        },
        bids=[
            {"id": "A", "bidder": "a", "price": 100, "parameters": {"q": 5}},  # 100/50 = 2
            {"id": "B", "bidder": "b", "price": 180, "parameters": {"q": 10}},  # 180/100 = 1.8
        ],
    )
    lot = _run(data).lot("1")
    assert lot.ranking == ("B", "A")
    assert lot.bid("B").total_score == pytest.approx(1.8)
    assert lot.score_basis == "ratio"


def test_power_hours_load_gives_energy() -> None:
    data = _tender(
        award={"method": "lowest_cost"},
        lcc={
            "lifetime_years": 2,
            "electricity_price": 1.0,
            "hours_per_year": 1000,
            "load_factor": 0.5,
        },
        bids=[
            {
                "id": "A",
                "bidder": "a",
                "price": 10,
                "parameters": {"power": {"value": 100, "unit": "W"}},
            },
            {
                "id": "B",
                "bidder": "b",
                "price": 10,
                "parameters": {"energy_per_year": {"value": 60, "unit": "kWh"}},
            },
        ],
    )
    lot = _run(data).lot("1")
    a = lot.bid("A").lcc
    assert a is not None
    assert a.cash_flows["energy"] == pytest.approx((0.0, 50.0, 50.0))  # 0.1 kW x 1000 h x 0.5
    assert lot.ranking == ("A", "B")


@pytest.mark.parametrize("bids", [[], [{"id": "A", "bidder": "a", "price": 10}]])
def test_lowest_cost_lot_without_a_compliant_bid_has_no_winner(bids: list[Any]) -> None:
    data = _tender(
        award={"method": "lowest_cost"},
        lcc={"lifetime_years": 2, "electricity_price": 1.0},
        requirements=[{"id": "cert", "accepted_certificates": ["EU Ecolabel"]}],
        bids=bids,
    )
    lot = _run(data).lot("1")
    assert lot.winner is None
    assert lot.ranking == ()
    assert [bid.bid for bid in lot.excluded] == [b["id"] for b in bids]


def test_optional_money_parameter_missing_for_one_bid_is_an_error() -> None:
    data = _tender(
        award={"method": "lowest_cost"},
        lcc={"lifetime_years": 2},
        bids=[
            {"id": "A", "bidder": "a", "price": 10, "parameters": {"maintenance_per_year": 1}},
            {"id": "B", "bidder": "b", "price": 10},
        ],
    )
    with pytest.raises(ValidationError) as info:
        _run(data)
    assert (info.value.record, info.value.field) == ("B", "maintenance_per_year")


def test_lowest_cost_without_costing_is_a_tender_error() -> None:
    data = _tender(award={"method": "lowest_cost"}, bids=[{"id": "A", "bidder": "a", "price": 1}])
    with pytest.raises(ValidationError) as info:
        _run(data)
    assert info.value.field == "award.method"


def test_a_broken_tender_rule_is_shown_in_the_language() -> None:
    data = _tender(award={"method": "meat"}, bids=[{"id": "A", "bidder": "a", "price": 1}])
    with pytest.raises(ValidationError) as info:
        parse_tender(data, file="t.yaml")
    error = info.value
    assert (error.file, error.record, error.field) == ("t.yaml", "tender", "award")
    assert str(error).endswith(": the meat method needs criteria")
    with use_language("ja"):
        assert "評価基準" in error.localized()
    with use_language("zh"):
        assert "评审标准" in error.localized()


def test_criterion_minimum_excludes_with_reason() -> None:
    data = _tender(
        award={
            "method": "meat",
            "price_weight": 50,
            "criteria": [
                {"id": "rc", "weight": 50, "parameter": "recycled", "unit": "%", "minimum": 30}
            ],
        },
        bids=[
            {
                "id": "A",
                "bidder": "a",
                "price": 100,
                "parameters": {"recycled": {"value": 20, "unit": "%"}},
            },
            {
                "id": "B",
                "bidder": "b",
                "price": 120,
                "parameters": {"recycled": {"value": 0.4, "unit": ""}},
            },
        ],
    )
    lot = _run(data).lot("1")
    assert lot.ranking == ("B",)
    assert lot.bid("B").criteria[0].raw == pytest.approx(40.0)
    excluded = lot.bid("A")
    assert excluded.excluded
    assert "minimum" in str(excluded.exclusions[0])


def test_ladder_level_not_on_scale_is_an_error() -> None:
    data = _tender(
        mechanisms=[{"type": "co2_ladder", "preset": "skao_v4_percent"}],
        bids=[{"id": "A", "bidder": "a", "price": 10, "co2_ladder_level": 5}],
    )
    with pytest.raises(ValidationError) as info:
        _run(data)
    assert info.value.field == "co2_ladder_level"


def test_ladder_fixed_amount_and_points() -> None:
    amount = _tender(
        currency="EUR",
        mechanisms=[{"type": "co2_ladder", "preset": "skao_v4_amount"}],
        bids=[
            {"id": "A", "bidder": "a", "price": 1_000_000, "co2_ladder_level": 2},
            {"id": "B", "bidder": "b", "price": 950_000},
        ],
    )
    lot = _run(amount).lot("1")
    assert lot.bid("A").evaluated_price == pytest.approx(900_000)
    assert lot.ranking == ("A", "B")
    points = _tender(
        mechanisms=[{"type": "co2_ladder", "preset": "skao_v4_points"}],
        award={
            "method": "meat",
            "price_weight": 400,
            "criteria": [{"id": "q", "weight": 100, "kind": "points", "parameter": "q"}],
        },
        bids=[
            {"id": "A", "bidder": "a", "price": 10, "co2_ladder_level": 3, "parameters": {"q": 10}}
        ],
    )
    bid = _run(points).lot("1").bid("A")
    assert bid.quality_score == pytest.approx(100 + 150)
    assert bid.adjustments[0].points == 150


def _brute_force_winner(fractions: np.ndarray, weights: np.ndarray, j: int, x: float) -> int:
    total = weights.sum()
    w = weights * (total - x) / (total - weights[j])
    w[j] = x
    return int(np.argmax(fractions @ w))


def test_sensitivity_bounds_match_brute_force() -> None:
    rng = np.random.default_rng(7)
    bids = []
    for i in range(6):
        bids.append(
            {
                "id": f"B{i}",
                "bidder": f"b{i}",
                "price": float(rng.uniform(80, 120)),
                "parameters": {"e": float(rng.uniform(100, 200)), "s": float(rng.uniform(0, 10))},
            }
        )
    data = _tender(
        award={
            "method": "meat",
            "price_weight": 50,
            "criteria": [
                {"id": "e", "weight": 30, "parameter": "e", "better": "lower"},
                {"id": "s", "weight": 20, "kind": "points", "parameter": "s"},
            ],
        },
        bids=bids,
    )
    lot = _run(data).lot("1")
    winner = lot.winner
    rows = [lot.bid(f"B{i}") for i in range(6)]
    fractions = np.array(
        [[r.price_score / 50, r.criteria[0].score / 30, r.criteria[1].score / 20] for r in rows]
    )
    weights = np.array([50.0, 30.0, 20.0])
    for j, interval in enumerate(lot.sensitivity):
        low = interval.low if interval.low is not None else 0.0
        high = interval.high if interval.high is not None else 100.0
        assert low <= weights[j] <= high
        for x in np.linspace(low, high, 7)[1:-1]:
            assert f"B{_brute_force_winner(fractions, weights, j, x)}" == winner
        if interval.high is not None:
            assert f"B{_brute_force_winner(fractions, weights, j, high + 1e-6)}" != winner
        if interval.low is not None:
            assert f"B{_brute_force_winner(fractions, weights, j, low - 1e-6)}" != winner


def test_result_to_dict_is_json_ready_and_states_contract_price_note() -> None:
    import json

    data = _tender(
        mechanisms=[{"type": "co2_ladder"}],
        bids=[{"id": "A", "bidder": "a", "price": 10, "co2_ladder_level": 1}],
    )
    result = _run(data)
    text = json.dumps(result.to_dict())
    assert "contract price" in text
    assert result.to_dict()["lots"][0]["bids"][0]["adjustments"][0]["percent"] == 1


def test_json_schema_and_parse_bids() -> None:
    schema = tender_json_schema()
    assert "award" in schema["properties"]
    assert "$defs" in schema
    bids = parse_bids([{"id": "A", "bidder": "a", "price": 1, "parameters": {"x": 2}}])
    assert isinstance(bids[0], Bid)
    with pytest.raises(ValidationError) as info:
        parse_bids([{"id": "Z", "bidder": "a", "price": "cheap"}], file="bids.csv")
    assert (info.value.file, info.value.record, info.value.field) == ("bids.csv", "Z", "price")


def test_excluded_bid_may_lack_cost_data() -> None:
    data = _tender(
        award={"method": "lowest_cost"},
        lcc={"lifetime_years": 1, "electricity_price": 0.1},
        requirements=[{"id": "cert", "accepted_certificates": ["korea-eco-label"]}],
        bids=[
            {
                "id": "A",
                "bidder": "a",
                "price": 10,
                "parameters": {"energy_per_year": 5},
                "certificates": [{"scheme": "korea-eco-label", "valid_to": "2030-01-01"}],
            },
            {"id": "B", "bidder": "b", "price": 5},
        ],
    )
    lot = _run(data).lot("1")
    assert lot.ranking == ("A",)
    assert lot.bid("B").excluded
    assert "korea-eco-label" in str(lot.bid("B").exclusions[0])


def test_fuel_resource_and_reference_carbon_price_are_cited() -> None:
    data = _tender(
        currency="EUR",
        country="NL",
        date="2024-01-01",
        award={"method": "lowest_cost"},
        lcc={
            "lifetime_years": 2,
            "resources": [
                {
                    "name": "diesel",
                    "parameter": "fuel_use",
                    "unit": "L",
                    "price": 1.5,
                    "fuel": "diesel",
                }
            ],
            "externalities": True,
            "carbon_price_name": "eu_ets",
        },
        bids=[
            {"id": "A", "bidder": "a", "price": 100, "parameters": {"fuel_use": 1000}},
            {
                "id": "B",
                "bidder": "b",
                "price": 100,
                "parameters": {"fuel_use": {"value": 2, "unit": "m**3"}},
            },
        ],
    )
    result = _run(data)
    lot = result.lot("1")
    a, b = lot.bid("A").lcc, lot.bid("B").lcc
    assert a is not None
    assert b is not None
    assert a.cash_flows["resources"][1] == pytest.approx(1500.0)
    assert b.cash_flows["resources"][1] == pytest.approx(3000.0)  # 2 m3 = 2000 L
    names = {s.name for s in result.sources}
    assert {"fuel emission factor", "carbon price"} <= names
    fuel = next(s for s in result.sources if s.name == "fuel emission factor")
    assert a.emissions_kg == pytest.approx(2 * 1000 * fuel.value)
    assert a.npv["externalities"] > 0
    assert lot.ranking == ("A", "B")


def test_expired_mandatory_certificate_excludes_with_its_dates() -> None:
    data = _tender(
        requirements=[{"id": "label", "accepted_certificates": ["korea-eco-label"]}],
        bids=[
            {
                "id": "A",
                "bidder": "a",
                "price": 5,
                "certificates": [
                    {"scheme": "Korea-Eco-Label", "number": "K-9", "valid_to": "2024-05-31"}
                ],
            },
            {"id": "B", "bidder": "b", "price": 6, "certificates": [{"scheme": "korea-eco-label"}]},
        ],
    )
    lot = _run(data).lot("1")
    assert lot.ranking == ("B",)
    reason = str(lot.bid("A").exclusions[0])
    assert "K-9" in reason
    assert "2024-05-31" in reason
    with use_language("ko"):
        assert "유효" in lot.bid("A").exclusions[0].text()


def test_unit_prices_are_multiplied_by_quantity() -> None:
    data = _tender(
        award={"method": "lowest_cost"},
        lcc={"lifetime_years": 1, "quantity": 500, "price_is_per_unit": True},
        bids=[{"id": "A", "bidder": "a", "price": 400}],
    )
    bid = _run(data).lot("1").bid("A")
    assert bid.unit_price == 400
    assert bid.contract_price == pytest.approx(200_000)
    assert bid.evaluated_cost == pytest.approx(200_000)


def test_ladder_level_without_proof_is_flagged() -> None:
    data = _tender(
        mechanisms=[{"type": "co2_ladder"}],
        bids=[
            {"id": "A", "bidder": "a", "price": 10, "co2_ladder_level": 2},
            {
                "id": "B",
                "bidder": "b",
                "price": 10,
                "co2_ladder_level": 2,
                "co2_ladder_proof": "certificate",
            },
        ],
    )
    lot = _run(data).lot("1")
    assert "project statement" in str(lot.bid("A").flags[0])
    assert lot.bid("B").flags == ()


def test_unknown_fuel_names_the_bid() -> None:
    data = _tender(
        currency="EUR",
        award={"method": "lowest_cost"},
        cvd={"category": "M1", "petrol_price": 0.55, "diesel_price": 0.6},
        bids=[
            {
                "id": "X",
                "bidder": "x",
                "price": 1,
                "parameters": {
                    "fuel": "kerosene",
                    "fuel_consumption": {"value": 5, "unit": "L/(100 km)"},
                    "co2": 1,
                    "nox": 0,
                    "nmhc": 0,
                    "pm": 0,
                },
            }
        ],
    )
    with pytest.raises(ValidationError) as info:
        _run(data)
    assert (info.value.record, info.value.field) == ("X", "fuel")
    assert "diesel" in str(info.value)


def test_non_finite_and_negative_values_are_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        parse_bids([{"id": "N", "bidder": "n", "price": float("nan")}])
    assert (info.value.record, info.value.field) == ("N", "price")
    data = _tender(
        award={"method": "lowest_cost"},
        lcc={"lifetime_years": 2},
        bids=[{"id": "A", "bidder": "a", "price": 10, "parameters": {"maintenance_per_year": -1}}],
    )
    with pytest.raises(ValidationError) as negative:
        _run(data)
    assert (negative.value.record, negative.value.field) == ("A", "maintenance_per_year")


def test_ratio_method_sensitivity_matches_brute_force() -> None:
    rng = np.random.default_rng(11)
    bids = [
        {
            "id": f"R{i}",
            "bidder": "r",
            "price": float(rng.uniform(80, 120)),
            "parameters": {"a": float(rng.uniform(1, 10)), "b": float(rng.uniform(1, 10))},
        }
        for i in range(6)
    ]
    data = _tender(
        award={
            "method": "meat",
            "formula": {"name": "price_per_point"},
            "criteria": [
                {"id": "a", "weight": 60, "kind": "points", "parameter": "a"},
                {"id": "b", "weight": 40, "kind": "points", "parameter": "b"},
            ],
        },
        bids=bids,
    )
    lot = _run(data).lot("1")
    rows = [lot.bid(f"R{i}") for i in range(6)]
    fractions = np.array([[c.score / c.max_score for c in r.criteria] for r in rows])
    prices = np.array([r.evaluated_price for r in rows])
    weights = np.array([60.0, 40.0])

    def winner(j: int, x: float) -> str:
        w = weights * (100 - x) / (100 - weights[j])
        w[j] = x
        return f"R{int(np.argmin(prices / (fractions @ w)))}"

    for j, interval in enumerate(lot.sensitivity):
        low = interval.low if interval.low is not None else 0.0
        high = interval.high if interval.high is not None else 100.0
        for x in np.linspace(low, high, 9)[1:-1]:
            assert winner(j, x) == lot.winner
        if interval.high is not None:
            assert winner(j, high + 1e-6) != lot.winner
        if interval.low is not None:
            assert winner(j, low - 1e-6) != lot.winner


def test_lots_have_their_own_award_and_requirements() -> None:
    data = _tender(
        requirements=[{"id": "g", "parameter": "gwp", "operator": "<=", "threshold": 750}],
        lots=[
            {"id": "L1", "title": "Split units"},
            {
                "id": "L2",
                "title": "Chillers",
                "requirements": [
                    {"id": "cop", "parameter": "cop", "operator": ">=", "threshold": 3}
                ],
                "award": {
                    "method": "meat",
                    "price_weight": 70,
                    "criteria": [{"id": "cop", "weight": 30, "parameter": "cop"}],
                },
            },
        ],
        bids=[
            {"id": "A", "bidder": "a", "lot": "L1", "price": 10, "parameters": {"gwp": 675}},
            {"id": "B", "bidder": "b", "lot": "L1", "price": 9, "parameters": {"gwp": 2088}},
            {
                "id": "C",
                "bidder": "c",
                "lot": "L2",
                "price": 100,
                "parameters": {"gwp": 3, "cop": 4},
            },
            {
                "id": "D",
                "bidder": "d",
                "lot": "L2",
                "price": 90,
                "parameters": {"gwp": 3, "cop": 2.5},
            },
            {
                "id": "E",
                "bidder": "e",
                "lot": "L2",
                "price": 95,
                "parameters": {"gwp": 3, "cop": 3},
            },
        ],
    )
    result = _run(data)
    l1, l2 = result.lot("L1"), result.lot("L2")
    assert l1.method == "lowest_price"
    assert l1.ranking == ("A",)
    assert l2.method == "meat"
    assert l2.bid("D").excluded
    # C: 70 x 95/100 + 30 = 96.5 ; E: 70 + 0 = 70
    assert l2.bid("C").total_score == pytest.approx(96.5)
    assert l2.ranking == ("C", "E")
    with pytest.raises(ValidationError) as info:
        _run({**data, "bids": [{"id": "Z", "bidder": "z", "price": 1}]})
    assert info.value.field == "lot"
