"""Dataset versions 1.1.0: ODP of HFCs and blends, 2024-2025 rates, zero-fossil fuels, China ETS.

Each expected value is the published figure of the cited source or a hand computation
shown beside it; the 1.0.0 versions stay installed and answer as before when pinned.
"""

from __future__ import annotations

import pytest

from greenprocure.errors import FactorNotFoundError
from greenprocure.reference import (
    ReferenceLibrary,
    blend_composition,
    carbon_price,
    convert_currency,
    default_library,
    exchange_rate,
    fuel_emission_factor,
    fuel_energy_content,
    grid_factor,
    odp,
)
from greenprocure.reference.fuels import FUELS

OLD = {
    "refrigerants": "1.0.0",
    "fx": "1.0.0",
    "fuels": "1.0.0",
    "carbon_prices": "1.0.0",
    "grid": "1.0.0",
}


def test_newest_versions_are_1_1_0() -> None:
    versions = default_library().versions()
    for name in OLD:
        # fx moved on to 1.2.0 (2010-2018 rates, tests/reference/test_fx_1_2.py); 1.1.0 stays
        # installed and is what a caller pinning it gets.
        assert versions[name] == ("1.2.0" if name == "fx" else "1.1.0")
    assert ReferenceLibrary(pins={"fx": "1.1.0"}).versions()["fx"] == "1.1.0"


@pytest.mark.parametrize("gas", ["HFC-32", "R-125", "R-134a", "hfc143a"])
def test_hfcs_have_odp_zero_cited_to_epa(gas: str) -> None:
    factor = odp(gas)
    assert factor.value == 0
    assert factor.citation.publisher.startswith("United States Environmental Protection Agency")
    assert "chlorine" in factor.note


@pytest.mark.parametrize("blend", ["R-404A", "R-407C", "R-410A"])
def test_blend_odp_is_the_mass_weighted_sum(blend: str) -> None:
    factor = odp(blend)
    parts = blend_composition(blend)
    expected = sum(p.value * odp(p.key["component"]).value for p in parts)
    assert factor.value == pytest.approx(expected) == 0
    assert "mass-weighted" in factor.note


def test_odp_of_non_hfc_non_ods_is_still_an_error_naming_what_exists() -> None:
    # No source read for ODP 0 of hydrocarbons and CO2: they stay out, the error says why.
    for gas in ("R-290", "isobutane", "CO2"):
        with pytest.raises(FactorNotFoundError, match=r"not a controlled substance.*HFC-134a"):
            odp(gas)


def test_pinned_1_0_0_still_answers_as_before() -> None:
    old = ReferenceLibrary(pins=OLD)
    with pytest.raises(FactorNotFoundError, match="not a controlled substance"):
        odp("R-410A", library=old)
    with pytest.raises(FactorNotFoundError, match=r"EUR in 2024; available: 2019, 2020"):
        exchange_rate("USD", "EUR", 2024, library=old)
    with pytest.raises(FactorNotFoundError):
        fuel_emission_factor("ethanol", library=old)
    with pytest.raises(FactorNotFoundError, match="no carbon price series china_ets"):
        carbon_price("china_ets", 2024, library=old)


@pytest.mark.parametrize(
    ("currency", "year", "published"),
    [
        # Federal Reserve G.5A via FRED (AEXCHUS, AEXJPUS, AEXKOUS, ...), units per USD.
        ("CNY", 2024, 7.1957),
        ("CNY", 2025, 7.1875),
        ("JPY", 2024, 151.4551),
        ("KRW", 2025, 1421.3963),
        ("MXN", 2024, 18.3062),
        ("NOK", 2025, 10.3852),
        ("SEK", 2024, 10.5744),
        ("DKK", 2025, 6.6137),
        ("CHF", 2024, 0.8808),
    ],
)
def test_2024_2025_rates_per_usd(currency: str, year: int, published: float) -> None:
    # Pinned: these rows arrived in 1.1.0; 1.2.0 carries them unchanged (test_fx_1_2.py).
    factor = exchange_rate("USD", currency, year, ReferenceLibrary(pins={"fx": "1.1.0"}))
    assert factor.value == pytest.approx(published)
    assert factor.dataset.version == "1.1.0"
    assert factor.citation.url.startswith("https://fred.stlouisfed.org/series/AEX")


def test_euro_and_pound_are_quoted_in_dollars_and_crossed_in_code() -> None:
    # G.5A quotes EUR and GBP as US dollars per unit: 2024 EUR 1.0820, GBP 1.2781.
    assert exchange_rate("EUR", "USD", 2024).value == pytest.approx(1.0820)
    assert exchange_rate("GBP", "USD", 2025).value == pytest.approx(1.3192)
    krw_eur = exchange_rate("KRW", "EUR", 2025)
    assert krw_eur.value == pytest.approx(1 / 1.1306 / 1421.3963)
    assert "cross rate via USD" in krw_eur.note
    assert krw_eur.extra == {
        "from_source": "fed_g5a_fred_aexkous",
        "to_source": "fed_g5a_fred_aexuseu",
    }
    for year in (2019, 2023, 2024, 2025):
        for a, b in (("EUR", "JPY"), ("GBP", "CNY"), ("SEK", "MXN"), ("DKK", "NOK")):
            there = exchange_rate(a, b, year).value
            assert there * exchange_rate(b, a, year).value == pytest.approx(1.0)


def test_earlier_years_keep_their_release_and_full_notes() -> None:
    eur = exchange_rate("EUR", "USD", 2023)
    assert eur.value == pytest.approx(1.0817)
    assert eur.citation.id == "fed_g5a_2024"
    row = default_library().table("fx", "rates").get(currency="EUR", period="2023")
    assert row.note.endswith("US dollars per currency unit, as published")
    conversion = convert_currency(1_000_000, "MXN", "EUR", 2024)
    assert conversion.amount == pytest.approx(1_000_000 / 18.3062 / 1.0820)
    with pytest.raises(FactorNotFoundError, match="MNT in 2024; available: 2020"):
        exchange_rate("MNT", "USD", 2024)


def test_every_fuel_of_the_issue_has_a_combustion_factor() -> None:
    for fuel in FUELS:
        assert fuel_emission_factor(fuel, per="MJ").unit == "kg/MJ"


@pytest.mark.parametrize(
    ("fuel", "per"), [("biodiesel", "L"), ("ethanol", "L"), ("hydrogen", "Nm3")]
)
def test_biofuels_and_hydrogen_count_zero_fossil_co2_and_say_why(fuel: str, per: str) -> None:
    factor = fuel_emission_factor(fuel, per=per)
    assert factor.value == 0
    assert factor.extra["co2_counted"].startswith("none")
    assert "derived" in factor.note
    assert "production" in factor.note  # upstream emissions are excluded, stated
    # Derived with the CVD Annex Table 1 energy content: 33 MJ/L, 21 MJ/L, 11 MJ/Nm3.
    expected = {"biodiesel": 33, "ethanol": 21, "hydrogen": 11}[fuel]
    assert fuel_energy_content(fuel, per=per).value == expected
    assert factor.extra["energy_content_source"] == "cvd_2009"


def test_fossil_rows_are_unchanged() -> None:
    diesel = fuel_emission_factor("diesel", per="L")
    assert diesel.value == pytest.approx(0.0741 * 36)
    assert diesel.extra["co2_counted"] == "fossil"


def test_china_ets_2024_is_the_published_value_over_volume() -> None:
    price = carbon_price("China ETS", 2024)
    # MEE: 181.14e8 CNY traded for 1.89e8 t in 2024 -> 95.84 CNY/t; closes 69-106 CNY/t.
    assert price.value == pytest.approx(18114 / 189, abs=0.005)
    assert (price.low, price.high, price.unit, price.region) == (69, 106, "CNY/t", "CN")
    assert "computed" in price.note
    with pytest.raises(FactorNotFoundError, match="china_ets for 2023; available: 2024"):
        carbon_price("china_ets", 2023)


def test_japan_national_average_factor_fy2024() -> None:
    # MOE/METI 全国平均係数, FY2024 actuals: 0.000423 t-CO2/kWh (secondary transcription).
    jp = grid_factor("JP", 2024)
    assert jp.value == pytest.approx(0.423)
    assert jp.to("g/kWh") == pytest.approx(423)
    assert "SECONDARY" in jp.citation.title
    assert "fiscal year 2024" in jp.note
    with pytest.raises(FactorNotFoundError, match=r"JP \(location\) in 2022; available: 2024"):
        grid_factor("JP", 2022)
    assert grid_factor("JP", 2022, basis="lifecycle").value > 0
    with pytest.raises(FactorNotFoundError, match=r"available bases: lifecycle \(2022\)"):
        grid_factor("JP", 2022, library=ReferenceLibrary(pins=OLD))
