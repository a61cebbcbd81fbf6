"""Properties every model must have (hypothesis): identical to baseline saves nothing,
results are linear in quantity, and units in the input do not change the result."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenprocure.impact import ImpactSettings, parse_register, quantify

SETTINGS = ImpactSettings(country="CN", year=2022)
positive = st.floats(min_value=0.01, max_value=1e5, allow_nan=False, allow_infinity=False)
share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
years = st.floats(min_value=0.5, max_value=30, allow_nan=False)


def _figures(line: dict[str, Any]) -> dict[str, float]:
    result = quantify(parse_register([line]), SETTINGS)
    assert not result.problems, [p.message for p in result.problems]
    (only,) = list(result.lines())
    return {k: v.value for k, v in only.figures.items()}


@settings(max_examples=25, deadline=None)
@given(q=positive, kwh=positive, y=years, grid=positive)
def test_energy_product_identical_to_baseline_saves_nothing(
    q: float, kwh: float, y: float, grid: float
) -> None:
    line = {
        "group": "energy_products",
        "product": "x",
        "quantity": q,
        "years": y,
        "kwh_per_year": kwh,
        "baseline_kwh_per_year": kwh,
        "grid_factor": grid,
    }
    assert all(v == 0 for v in _figures(line).values())


@settings(max_examples=25, deadline=None)
@given(q=positive, km=positive, cons=positive, y=years, ef=positive)
def test_vehicle_identical_to_baseline_saves_nothing(
    q: float, km: float, cons: float, y: float, ef: float
) -> None:
    line = {
        "group": "vehicles",
        "quantity": q,
        "distance": km,
        "years": y,
        "fuel": "diesel",
        "consumption": f"{cons} L/(100 km)",
        "emission_factor": ef,
        "baseline_fuel": "diesel",
        "baseline_consumption": f"{cons} L/(100 km)",
        "baseline_emission_factor": ef,
    }
    figures = _figures(line)
    for metric in ("co2e_annual", "co2e_period", "nox_kg", "pm_kg", "money"):
        assert figures[metric] == pytest.approx(0.0, abs=1e-9 * max(1.0, km * q))


@settings(max_examples=25, deadline=None)
@given(q=positive, food=st.sampled_from(["tofu", "cheese", "rice"]), y=years)
def test_catering_identical_to_baseline_saves_nothing(q: float, food: str, y: float) -> None:
    line = {"group": "catering", "food": food, "baseline_food": food, "quantity": q, "years": y}
    assert all(v == 0 for v in _figures(line).values())


@settings(max_examples=25, deadline=None)
@given(q=positive, factor=st.floats(min_value=1.0, max_value=1000), power=positive, h=positive)
def test_lighting_is_linear_in_quantity(q: float, factor: float, power: float, h: float) -> None:
    base = {
        "group": "lighting",
        "power": power,
        "baseline_power": power * 2,
        "hours": h,
        "years": 3,
        "grid_factor": 0.5,
    }
    one = _figures({**base, "quantity": q})
    scaled = _figures({**base, "quantity": q * factor})
    for metric, value in one.items():
        assert scaled[metric] == pytest.approx(value * factor, rel=1e-9), metric


@settings(max_examples=25, deadline=None)
@given(q=positive, factor=st.floats(min_value=1.0, max_value=1000), s=share)
def test_reuse_and_materials_are_linear_in_quantity(q: float, factor: float, s: float) -> None:
    for base in (
        {"group": "reuse", "item_mass": 12, "reused_share": s, "new_item_footprint": 40},
        {"group": "materials", "material": "asphalt", "recycled_share": s, "virgin_factor": 60},
    ):
        one = _figures({**base, "quantity": q})
        scaled = _figures({**base, "quantity": q * factor})
        for metric, value in one.items():
            assert scaled[metric] == pytest.approx(value * factor, rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(kwh=positive, base=positive, price=positive)
def test_units_in_the_input_do_not_change_the_result(kwh: float, base: float, price: float) -> None:
    in_kwh = {
        "group": "energy_products",
        "product": "x",
        "quantity": 4,
        "years": 5,
        "kwh_per_year": kwh,
        "baseline_kwh_per_year": base,
        "energy_price": f"{price} CNY/kWh",
        "grid_factor": 0.5,
    }
    in_mwh = {
        **in_kwh,
        "kwh_per_year": f"{kwh / 1000} MWh/year",
        "baseline_kwh_per_year [GJ/year]": base * 0.0036,
        "energy_price": f"{price * 1000} CNY/MWh",
        "grid_factor": "500 g/kWh",
    }
    del in_mwh["baseline_kwh_per_year"]
    a, b = _figures(in_kwh), _figures(in_mwh)
    scale = 4 * 5 * max(kwh, base) * max(price, 1.0)  # round-off when base and kwh cancel
    for metric, value in a.items():
        assert b[metric] == pytest.approx(value, rel=1e-9, abs=1e-12 * scale), metric


def test_percent_and_fraction_are_the_same() -> None:
    line = {
        "group": "lighting",
        "quantity": 10,
        "power": 20,
        "baseline_power": 58,
        "hours": 1000,
        "years": 2,
        "grid_factor": 0.5,
    }
    assert _figures({**line, "control_savings": "25 %"}) == _figures(
        {**line, "control_savings": 0.25}
    )
    assert _figures({**line, "control_savings": 0.25}) == _figures(
        {**line, "control_savings [%]": 25}
    )


@settings(max_examples=15, deadline=None)
@given(
    q=positive,
    charge=st.floats(min_value=0.01, max_value=50),
    leak=share,
    eol=share,
    y=years,
    gas=st.sampled_from(["R-32", "R-410A", "HCFC-22", "HFC-134a"]),
)
def test_refrigerant_identical_to_baseline_saves_nothing(
    q: float, charge: float, leak: float, eol: float, y: float, gas: str
) -> None:
    line = {
        "group": "refrigerants",
        "quantity": q,
        "years": y,
        "gas": gas,
        "baseline_gas": gas,
        "charge": charge,
        "baseline_charge": charge,
        "leak_rate": leak,
        "baseline_leak_rate": leak,
        "eol_loss": eol,
    }
    assert all(v == 0 for v in _figures(line).values())
