"""The cited reference datasets: integrity, spot checks against their sources, derivations."""

from __future__ import annotations

import pytest

from greenprocure.errors import DatasetVersionError, FactorNotFoundError
from greenprocure.reference import (
    ReferenceLibrary,
    available_datasets,
    blend_composition,
    carbon_price,
    convert_currency,
    currencies,
    cvd_emission_cost,
    cvd_energy_content,
    cvd_lifetime_mileage,
    default_library,
    exchange_rate,
    fuel_emission_factor,
    fuel_energy_content,
    grid_factor,
    gwp,
    odp,
)
from greenprocure.reference.refrigerants import BASES
from greenprocure.units import parse_unit

MINE = ("refrigerants", "grid", "fuels", "cvd", "carbon_prices", "fx")


@pytest.mark.parametrize("name", MINE)
def test_every_package_loads_with_cited_rows(name: str) -> None:
    # Loading runs the package checks: units, declared sources, unique keys, regions, periods.
    package = default_library().dataset(name)
    assert package.licenses
    for table in package.tables.values():
        assert table.factors, f"{name}/{table.name} is empty"
        for factor in table.factors:
            parse_unit(factor.unit)
            assert factor.citation.url.startswith("http")
            assert factor.citation.publisher
            assert factor.citation.title


@pytest.mark.parametrize(
    ("blend", "basis", "expected"),
    [
        # Hand computation from the component GWPs (see docs/reference.md).
        ("R-410A", "AR4", 2087.5),  # 0.5 × 675 + 0.5 × 3500
        ("R-404A", "AR4", 3921.6),  # 0.44 × 3500 + 0.52 × 4470 + 0.04 × 1430
        ("R-407C", "AR4", 1773.85),  # 0.23 × 675 + 0.25 × 3500 + 0.52 × 1430
        ("R-410A", "AR5", 1923.5),  # 0.5 × 677 + 0.5 × 3170
        ("R-410A", "AR6", 2255.5),  # 0.5 × 771 + 0.5 × 3740
    ],
)
def test_blend_gwp_is_computed_from_components(blend: str, basis: str, expected: float) -> None:
    factor = gwp(blend, basis)
    assert factor.value == pytest.approx(expected)
    assert "mass-weighted" in factor.note
    assert factor.dataset.name == "refrigerants"


@pytest.mark.parametrize("blend", ["R-404A", "R-407C", "R-410A"])
@pytest.mark.parametrize("basis", BASES)
def test_blends_equal_mass_weighted_sum_for_every_basis(blend: str, basis: str) -> None:
    parts = blend_composition(blend)
    assert sum(p.value for p in parts) == pytest.approx(1.0)
    expected = sum(p.value * gwp(p.key["component"], basis).value for p in parts)
    assert gwp(blend, basis).value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("gas", "basis", "published"),
    [
        ("HFC-134a", "AR4", 1430),
        ("R-134a", "AR5", 1300),
        ("HFC-32", "AR6", 771),
        ("R-22", "AR4", 1810),
        ("CFC-12", "AR5", 10200),
        ("hcfc-141b", "ar6", 860),
    ],
)
def test_gwp_spot_checks(gas: str, basis: str, published: float) -> None:
    assert gwp(gas, basis).value == published


def test_odp_and_aliases() -> None:
    assert odp("R-22").value == 0.055
    assert odp("CFC-11").value == 1.0
    assert odp("hcfc141b").value == 0.11
    with pytest.raises(FactorNotFoundError, match="available: CFC-11"):
        gwp("R-999")
    with pytest.raises(FactorNotFoundError, match="AR4, AR5, AR6"):
        gwp("HFC-32", "SAR")


def test_grid_spot_checks_and_missing_year_names_what_exists() -> None:
    assert grid_factor("CN", 2022).value == 0.5366
    assert grid_factor("gb", 2023).value == 0.20707
    assert grid_factor("UK", 2023, basis="location_td").value == pytest.approx(0.22499)
    cn = grid_factor("CN", 2022)
    assert cn.unit == "kg/kWh"
    assert cn.to("g/kWh") == pytest.approx(536.6)
    with pytest.raises(FactorNotFoundError, match=r"CN \(location\) in 2030; available: 2021"):
        grid_factor("CN", 2030)
    with pytest.raises(FactorNotFoundError, match=r"available regions: .*CN"):
        grid_factor("XX", 2022)


def test_cvd_tables_match_the_annex() -> None:
    assert cvd_energy_content("diesel").value == 36
    assert cvd_energy_content("petrol").value == 32
    gas = cvd_energy_content("natural gas")
    assert (gas.low, gas.high, gas.unit) == (33, 38, "MJ/Nm3")
    co2 = cvd_emission_cost("CO2")
    assert (co2.low, co2.high, co2.unit) == (0.03, 0.04, "EUR/kg")
    assert cvd_emission_cost("NOx").value == 0.0044
    assert cvd_emission_cost("nmhc").value == 0.001
    assert cvd_emission_cost("PM").value == 0.087
    expected = {"M1": 200_000, "N1": 250_000, "N2": 1_000_000, "N3": 1_000_000}
    expected |= {"M2": 800_000, "M3": 800_000}
    for category, km in expected.items():
        assert cvd_lifetime_mileage(category).value == km
    with pytest.raises(FactorNotFoundError, match="available: M1"):
        cvd_lifetime_mileage("L3")


def test_fuel_factors_are_derived_and_say_so() -> None:
    per_mj = fuel_emission_factor("diesel", per="MJ")
    assert per_mj.value == pytest.approx(0.0741)  # IPCC 2006: 74 100 kg CO2/TJ
    per_l = fuel_emission_factor("diesel", per="L")
    assert per_l.value == pytest.approx(0.0741 * 36)  # × CVD Table 1, 36 MJ/L
    assert "derived" in per_l.note
    assert per_l.unit == "kg/L"
    per_kg = fuel_emission_factor("petrol", per="kg")
    assert per_kg.value == pytest.approx(0.0693 * 44.3)  # IPCC NCV 44.3 MJ/kg
    per_kwh = fuel_emission_factor("lpg", per="kWh")
    assert per_kwh.value == pytest.approx(0.0631 * 3.6)
    gas = fuel_emission_factor("natural_gas", per="m3")
    assert gas.low == pytest.approx(0.0561 * 33)
    assert gas.high == pytest.approx(0.0561 * 38)
    assert fuel_energy_content("hydrogen", per="Nm3").value == 11
    with pytest.raises(FactorNotFoundError, match="available fuels: diesel"):
        fuel_emission_factor("hydrogen", library=ReferenceLibrary(pins={"fuels": "1.0.0"}))
    with pytest.raises(FactorNotFoundError, match="available: diesel"):
        fuel_emission_factor("coal")


def test_carbon_prices() -> None:
    cvd = carbon_price("cvd")
    assert (cvd.low, cvd.high, cvd.unit) == (30, 40, "EUR/t")
    assert cvd.to("EUR/kg") == pytest.approx(0.035)


def test_fx_cross_rates_are_consistent() -> None:
    for year in (2020, 2021, 2022, 2023):
        for a in ("EUR", "CNY", "KRW", "JPY", "GBP", "USD"):
            for b in ("EUR", "CNY", "KRW", "JPY", "GBP", "USD"):
                there = exchange_rate(a, b, year).value
                back = exchange_rate(b, a, year).value
                assert there * back == pytest.approx(1.0)
    # Federal Reserve G.5A 2023: 7.0809 CNY per USD; EUR quoted as 1.0817 USD per EUR.
    assert exchange_rate("USD", "CNY", 2023).value == pytest.approx(7.0809)
    assert exchange_rate("EUR", "USD", 2023).value == pytest.approx(1.0817)
    eur_cny = exchange_rate("EUR", "CNY", 2023)
    assert eur_cny.value == pytest.approx(7.0809 * 1.0817)
    assert "cross rate" in eur_cny.note


def test_convert_currency_records_the_rate() -> None:
    result = convert_currency(1000, "KRW", "EUR", 2022)
    assert result.amount == pytest.approx(1000 / 1291.7796 / 1.0534)
    assert result.rate.unit == "EUR/KRW"
    data = result.to_dict()
    assert data["rate"]["source"]["publisher"].startswith("Board of Governors")
    assert data["source_currency"] == "KRW"
    assert data["year"] == 2022
    assert {"CNY", "KRW", "JPY", "MNT", "EUR", "USD", "GBP"} <= set(currencies())
    with pytest.raises(FactorNotFoundError, match="MNT in 2023; available: 2020"):
        exchange_rate("MNT", "EUR", 2023)
    same = exchange_rate("EUR", "EUR", 2023)
    assert same.value == 1.0


def test_pinning_versions() -> None:
    library = ReferenceLibrary(pins={"grid": "1.0.0"})
    assert grid_factor("CN", 2022, library=library).dataset.version == "1.0.0"
    assert "1.0.0" in available_datasets()["grid"]
    with pytest.raises(DatasetVersionError, match=r"available: 1\.0\.0"):
        ReferenceLibrary(pins={"grid": "9.9.9"})


def test_more_grid_and_carbon_spot_checks() -> None:
    assert grid_factor("KR", 2023).value == 0.4173
    assert grid_factor("KR", 2022).value == 0.4312  # single year preferred to 2020-2022 mean
    assert grid_factor("EU27", 2018, basis="generation").value == 0.281
    mn = grid_factor("MN", 2022, basis="lifecycle")
    assert mn.value == 0.7718
    assert "SECONDARY" in mn.note
    with pytest.raises(FactorNotFoundError, match=r"available bases: lifecycle \(2022\)"):
        grid_factor("MN", 2022)
    with pytest.raises(FactorNotFoundError, match="available: 2021-2023"):
        grid_factor("CN", 2019)
    assert carbon_price("eu_ets", 2023).value == 83.66
    assert carbon_price("EU ETS", 2022).value == 80.32
    with pytest.raises(FactorNotFoundError, match="give one of: 2020, 2021"):
        carbon_price("eu_ets")
    with pytest.raises(FactorNotFoundError, match="available: 2020"):
        carbon_price("eu_ets", 2019)


def test_natural_refrigerants_and_odp_of_non_ods() -> None:
    assert gwp("propane", "AR4").value == 3  # Regulation (EU) No 517/2014 Annex IV
    assert gwp("R-600a", "AR4").value == 3
    assert gwp("CO2", "AR6").value == 1
    with pytest.raises(FactorNotFoundError, match="available: AR4"):
        gwp("R-290", "AR6")
    with pytest.raises(FactorNotFoundError, match="not a controlled substance"):
        odp("R-290")
    with pytest.raises(FactorNotFoundError, match="not a controlled substance"):
        odp("R-410A", library=ReferenceLibrary(pins={"refrigerants": "1.0.0"}))
