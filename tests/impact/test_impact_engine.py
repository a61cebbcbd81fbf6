"""Engine: vectorised equals the per-line loop, audit trails, ranges, claims, equivalences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from greenprocure.impact import (
    Claim,
    FactorSpec,
    ImpactSettings,
    check_claim,
    get_model,
    parse_register,
    quantify,
    quantify_loop,
    register_from_columns,
)
from greenprocure.impact.engine import quantify_batches
from greenprocure.reference import Factor, default_library

SETTINGS = ImpactSettings(country="CN", year=2022)

MIXED = [
    {"group": "energy_products", "product": "PC", "quantity": 10, "years": 5,
     "kwh_per_year": 100, "baseline_kwh_per_year": 200, "energy_price": 0.1, "currency": "CNY"},
    {"group": "refrigerants", "equipment": "ac_split", "quantity": 100, "years": 10,
     "gas": "R-32", "charge": 2, "baseline_gas": "HCFC-22", "baseline_charge": 2, "eol_loss": 0.5},
    {"group": "catering", "food": "tofu", "baseline_food": "cheese", "quantity": 200},
    {"group": "lighting", "quantity": 5, "power": 10, "baseline_power": 40, "hours": 2000,
     "years": 8},
    {"group": "reuse", "quantity": 30, "item_mass": 20, "new_item_footprint": 70},
]  # fmt: skip


def test_vectorised_totals_equal_the_per_line_loop() -> None:
    register = parse_register(MIXED * 7)
    result = quantify(register, SETTINGS)
    loop = quantify_loop(register, SETTINGS)
    for metric, figure in result.totals.items():
        assert figure.value == pytest.approx(loop[metric], rel=1e-9, abs=1e-9), metric


def test_audit_names_formula_inputs_and_cited_factors() -> None:
    result = quantify(parse_register(MIXED), SETTINGS)
    audits = {a.metric: a for a in result.audit("line 1")}
    co2e = audits["co2e_annual"]
    assert "grid_factor" in co2e.formula
    assert co2e.inputs["kwh_per_year"] == (100.0, "kWh/year")
    factors = {f.name: f for f in co2e.factors}
    grid = factors["grid_factor"]
    assert factors["baseline_kwh_per_year"].factor is None  # given by the line
    assert grid.factor is not None
    assert grid.factor.dataset.name == "grid"
    assert grid.factor.citation.url.startswith("http")
    # Recompute by hand from the audit alone.
    q = co2e.inputs["quantity"][0]
    by_hand = (
        q
        * (co2e.inputs["baseline_kwh_per_year"][0] - co2e.inputs["kwh_per_year"][0])
        * grid.value
        / 1000
    )
    assert co2e.value == pytest.approx(by_hand)
    refrigerant = {a.metric: a for a in result.audit("line 2")}
    names = {f.name for f in refrigerant["ods_odp_kg"].factors}
    assert {"odp", "odp_baseline", "charge", "baseline_charge"} <= names
    default_leak = {f.name: f for f in refrigerant["co2e_annual"].factors}["leak_rate"]
    assert default_leak.factor is not None
    assert default_leak.factor.dataset.name == "products"


def test_ranges_come_from_factor_ranges() -> None:
    ranged = Factor(
        table="test",
        key={},
        value=0.5,
        unit="kg/kWh",
        region="CN",
        period_start=2022,
        period_end=2022,
        citation=default_library().table("food", "ghg_per_kg").factors[0].citation,
        dataset=default_library().table("food", "ghg_per_kg").dataset,
        low=0.4,
        high=0.7,
    )
    model = get_model("renewables")
    spec = dataclasses.replace(model.factors[0], resolve=lambda keys, s, lib: ranged)
    register = register_from_columns(
        "renewables", {"quantity": np.array([2.0]), "generation": np.array([1000.0]),
                       "years": np.array([3.0])}
    )  # fmt: skip
    register.batches[0].model = dataclasses.replace(model, factors=(spec,))
    groups, problems, _ = quantify_batches(register, SETTINGS)
    assert not problems
    (group,) = groups
    assert group.central["co2e_annual"][0] == pytest.approx(1.0)
    assert group.low["co2e_annual"][0] == pytest.approx(0.8)
    assert group.high["co2e_annual"][0] == pytest.approx(1.4)
    assert isinstance(spec, FactorSpec)


def test_rotterdam_claim_is_flagged_as_a_fleet_double_count() -> None:
    # Clean Fleets case: 22 electric cars, "savings of 33 tonnes/year" for the fleet;
    # the Procura+ summary says 726 t/yr = 22 x 33.
    check = check_claim(Claim(726, "t", per_year=True, units=22), 33.0)
    assert not check.within_tolerance
    assert check.ratio == pytest.approx(22.0)
    assert check.causes == ("per_unit_times_units",)
    assert "fleet" in check.messages()[0]


def test_rotterdam_recomputed_from_a_fleet_line() -> None:
    # A fleet whose inputs give 33 t/yr; the claim of 726 t/yr is 22 times that.
    line = {
        "group": "vehicles",
        "quantity": 22,
        "distance": 220000,
        "distance_basis": "fleet",
        "years": 2,
        "fuel": "electricity",
        "consumption": "15 kWh/(100 km)",
        "emission_factor": 0.0,
        "baseline_fuel": "petrol",
        "baseline_consumption": "6 L/(100 km)",
        "baseline_emission_factor": 2.5,
    }
    result = quantify(parse_register([line]), ImpactSettings(country="NL", year=2023))
    annual = result.totals["co2e_annual"].value
    assert annual == pytest.approx(33.0)
    assert check_claim(Claim(726, units=22), annual).causes == ("per_unit_times_units",)
    assert check_claim(Claim(33, units=22), annual).within_tolerance


def test_other_claim_slips() -> None:
    assert check_claim(Claim(112 * 10, per_year=False, years=10), 112).causes == (
        "annual_as_period",
    )
    assert check_claim(Claim(5000, "t"), 5.0).causes == ("kg_as_t",)
    assert check_claim(Claim(3.0), 1.0).causes == ("unexplained",)


def test_equivalences_are_cited() -> None:
    result = quantify(parse_register(MIXED), SETTINGS)
    names = {e.name: e for e in result.equivalences}
    car = names["passenger_vehicle_year"]
    assert car.count == pytest.approx(result.totals["co2e_period"].value / 5.23)
    assert car.factor.citation.publisher.startswith("US Environmental")


def test_result_serialises_with_lines_and_audit() -> None:
    data = quantify(parse_register(MIXED), SETTINGS).to_dict()
    assert data["line_count"] == len(MIXED)
    factors = {f["name"]: f for f in data["lines"][0]["audit"][0]["factors"]}
    assert factors["grid_factor"]["cited"]["dataset"]["name"] == "grid"
    assert factors["baseline_kwh_per_year"]["given_by"] == "purchase register"
    assert "products" in data["datasets"]


def test_default_baseline_per_product_group_and_region() -> None:
    line = {
        "group": "energy_products",
        "product": "desktop computer",
        "baseline_region": "US",
        "quantity": 10,
        "years": 4,
        "kwh_per_year": 120,
        "grid_factor": 0.5,
    }
    result = quantify(parse_register([line]), SETTINGS)
    assert not result.problems
    # 10 x (220 - 120) kWh x 0.5 kg/kWh / 1000 = 0.5 t per year (US DOE desktop average 220)
    assert result.totals["co2e_annual"].value == pytest.approx(0.5)
    audit = {a.metric: a for a in result.audit("line 1")}["co2e_annual"]
    baseline = {f.name: f for f in audit.factors}["baseline_kwh_per_year"]
    assert baseline.factor is not None
    assert "appliance-standards.org" in baseline.factor.citation.url
    # No default for China: reported, naming the column to fill.
    missing = quantify(parse_register([{**line, "baseline_region": None}]), SETTINGS)
    (problem,) = missing.problems
    assert problem.field == "baseline_kwh_per_year"
