"""fx 1.2.0: annual G.5A rates 2010-2018 for every currency of the table.

Expected values are the figures printed in the cited Federal Reserve G.5A releases
(release of 2016-01-04 for 2012-2015, release in /g5a/20210104/ for 2017-2018) or in the same
G.5A series as distributed by FRED (2010, 2011, 2016). 1.0.0 and 1.1.0 stay installed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from greenprocure.errors import FactorNotFoundError
from greenprocure.reference import (
    ReferenceLibrary,
    convert_currency,
    currencies,
    default_library,
    exchange_rate,
)
from greenprocure.reference.currency import years

G5A = ("CHF", "CNY", "DKK", "EUR", "GBP", "JPY", "KRW", "MXN", "NOK", "SEK")
PINNED_1_1 = {"fx": "1.1.0"}


def test_newest_fx_is_1_2_0_and_older_versions_stay() -> None:
    assert default_library().versions()["fx"] == "1.2.0"
    for old in ("1.0.0", "1.1.0"):
        assert ReferenceLibrary(pins={"fx": old}).versions()["fx"] == old


@pytest.mark.parametrize("currency", G5A)
def test_every_g5a_currency_has_every_year_2010_2025(currency: str) -> None:
    assert years(currency) == [str(y) for y in range(2010, 2026)]


@pytest.mark.parametrize(
    ("currency", "year", "published", "source"),
    [
        # G.5A release of January 4, 2016 (columns 2015 2014 2013 2012), digits as printed
        ("MXN", 2015, 15.873, "fed_g5a_2016"),
        ("MXN", 2012, 13.154, "fed_g5a_2016"),
        ("JPY", 2012, 79.82, "fed_g5a_2016"),
        ("KRW", 2014, 1052.29, "fed_g5a_2016"),
        ("CNY", 2013, 6.1478, "fed_g5a_2016"),
        ("NOK", 2015, 8.0681, "fed_g5a_2016"),
        ("CHF", 2014, 0.9147, "fed_g5a_2016"),
        # G.5A release with 2020 2019 2018 2017
        ("MXN", 2017, 18.8841, "fed_g5a_2021"),
        ("MXN", 2018, 19.2179, "fed_g5a_2021"),
        ("KRW", 2018, 1099.2926, "fed_g5a_2021"),
        ("SEK", 2017, 8.5430, "fed_g5a_2021"),
        # FRED captures of the G.5A series (2010, 2011, 2016 not read in a release)
        ("MXN", 2016, 18.6674, "fed_g5a_fred_aexmxus"),
        ("MXN", 2010, 12.6237, "fed_g5a_fred_aexmxus"),
        ("JPY", 2011, 79.6967, "fed_g5a_fred_aexjpus"),
        ("CNY", 2016, 6.6400, "fed_g5a_fred_aexchus"),
        ("DKK", 2010, 5.6265, "fed_g5a_fred_aexdnus"),
    ],
)
def test_units_per_usd_spot_checks(currency: str, year: int, published: float, source: str) -> None:
    factor = exchange_rate("USD", currency, year)
    assert factor.value == pytest.approx(published, rel=1e-12)
    assert factor.citation.id == source
    assert factor.dataset.version == "1.2.0"
    assert factor.unit == f"{currency}/USD"


@pytest.mark.parametrize(
    ("currency", "year", "usd_per_unit", "source"),
    [
        ("EUR", 2015, 1.1096, "fed_g5a_2016"),
        ("EUR", 2012, 1.2859, "fed_g5a_2016"),
        ("EUR", 2018, 1.1817, "fed_g5a_2021"),
        ("EUR", 2010, 1.3261, "fed_g5a_fred_aexuseu"),
        ("EUR", 2016, 1.1072, "fed_g5a_fred_aexuseu"),
        ("GBP", 2014, 1.6484, "fed_g5a_2016"),
        ("GBP", 2017, 1.2890, "fed_g5a_2021"),
        ("GBP", 2011, 1.6043, "fed_g5a_fred_aexusuk"),
    ],
)
def test_euro_and_pound_stay_quoted_in_dollars(
    currency: str, year: int, usd_per_unit: float, source: str
) -> None:
    row = default_library().table("fx", "rates").get(currency=currency, period=str(year))
    assert row.unit == f"USD/{currency}"
    assert row.value == pytest.approx(usd_per_unit, rel=1e-12)
    assert row.citation.id == source
    assert row.note.endswith(("as published", "(digits as printed in the release)"))
    assert exchange_rate(currency, "USD", year).value == pytest.approx(usd_per_unit)


def test_release_digits_agree_with_the_fred_series_within_their_rounding() -> None:
    # FRED (4 decimals) beside the fewer digits the January 2016 release printed for yen, peso,
    # won: the two sources are the same series, so each differs by at most half a last digit.
    fred = {
        ("JPY", 2015): 121.0491,
        ("JPY", 2013): 97.5971,
        ("KRW", 2013): 1094.6749,
        ("MXN", 2015): 15.8735,
        ("MXN", 2014): 13.3022,
    }
    table = default_library().table("fx", "rates")
    for (currency, year), value in fred.items():
        row = table.get(currency=currency, period=str(year))
        assert row.citation.id == "fed_g5a_2016"
        printed = row.value
        decimals = {"JPY": 2, "KRW": 2, "MXN": 3}[currency]
        assert abs(printed - value) <= 0.5 * 10**-decimals + 1e-9


def test_2015_mxn_converts_to_eur_with_the_cross_rate_shown() -> None:
    conversion = convert_currency(1_000_000, "MXN", "EUR", 2015)
    # Hand computation: 1 000 000 MXN / 15.873 MXN per USD / 1.1096 USD per EUR.
    assert conversion.amount == pytest.approx(1_000_000 / 15.873 / 1.1096)
    assert conversion.amount == pytest.approx(56_777.27, abs=0.01)
    rate = conversion.rate
    assert rate.unit == "EUR/MXN"
    assert rate.dataset.version == "1.2.0"
    assert "cross rate via USD" in rate.note
    assert "15.873 MXN/USD" in rate.note
    assert "1 / 1.1096 USD/EUR" in rate.note
    assert rate.extra == {"from_source": "fed_g5a_2016", "to_source": "fed_g5a_2016"}
    assert rate.citation.url == "https://www.federalreserve.gov/releases/g5a/20160104/default.htm"
    assert rate.citation.publisher == "Board of Governors of the Federal Reserve System"
    # The same conversion was an error in 1.1.0, which is kept for pinned callers.
    with pytest.raises(FactorNotFoundError, match="MXN in 2015; available: 2019"):
        convert_currency(1, "MXN", "EUR", 2015, ReferenceLibrary(pins=PINNED_1_1))


def test_cross_rates_2010_2018_are_consistent() -> None:
    codes = (*G5A, "USD")
    for year in (2010, 2013, 2016, 2018):  # one year from each kind of source
        for a in codes:
            for b in codes:
                there = exchange_rate(a, b, year).value
                assert there * exchange_rate(b, a, year).value == pytest.approx(1.0)
                # Triangle through a third currency gives the same rate.
                for c in ("EUR", "MXN"):
                    via = exchange_rate(a, c, year).value * exchange_rate(c, b, year).value
                    assert via == pytest.approx(there)


def test_rows_of_1_1_0_are_carried_over_unchanged() -> None:
    old = ReferenceLibrary(pins=PINNED_1_1).table("fx", "rates")
    new = default_library().table("fx", "rates")
    for row in old.factors:
        carried = new.get(currency=row.key["currency"], period=row.period)
        assert (carried.value, carried.unit, carried.region, carried.note) == (
            row.value,
            row.unit,
            row.region,
            row.note,
        )
        assert carried.citation.id == row.citation.id
        assert carried.citation.url == row.citation.url
    assert len(new.factors) == len(old.factors) + 9 * len(G5A)


def test_what_is_still_missing_is_an_error_naming_what_exists() -> None:
    assert "PYG" not in currencies()
    with pytest.raises(FactorNotFoundError, match="no exchange rate for PYG; available: CHF"):
        exchange_rate("PYG", "EUR", 2015)
    with pytest.raises(FactorNotFoundError, match="MNT in 2015; available: 2020"):
        exchange_rate("MNT", "EUR", 2015)
    with pytest.raises(FactorNotFoundError, match="MXN in 2009; available: 2010, 2011"):
        exchange_rate("MXN", "EUR", 2009)


def _money(node: Any, year: str | None, found: set[tuple[str, int]]) -> None:
    if isinstance(node, dict):
        date = node.get("date")
        if isinstance(date, str) and date[:4].isdigit():
            year = date[:4]
        if "currency" in node and "amount" in node and year is not None:
            found.add((str(node["currency"]), int(year)))
        for value in node.values():
            _money(value, year, found)
    elif isinstance(node, list):
        for value in node:
            _money(value, year, found)


def test_real_ocds_amounts_in_mxn_and_usd_now_have_a_rate(shared_data: Path) -> None:
    found: set[tuple[str, int]] = set()
    decoder = json.JSONDecoder()
    for path in sorted((shared_data / "ocds" / "realdata").glob("*.json")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # the release-package_encoding-iso-8859-1 sample
            text = raw.decode("latin-1")
        position = 0
        while (position := len(text) - len(text[position:].lstrip())) < len(text):
            document, position = decoder.raw_decode(text, position)  # JSON or JSON lines
            _money(document, None, found)
    pairs = {(c, y) for c, y in found if c in ("MXN", "USD")}
    assert {c for c, _ in pairs} == {"MXN", "USD"}
    assert min(y for _, y in pairs) <= 2016
    for currency, year in sorted(pairs):
        assert convert_currency(100.0, currency, "EUR", year).amount > 0
